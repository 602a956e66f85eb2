package io.churnscope.generator;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws the account profiles. Each account's draws come from its own random stream (seed, index),
 * so account i is the same whatever the scale; attributes are independent of each other except the
 * plan (small companies mostly buy starter), and independent of churn except through the planted
 * hot-spots.
 */
final class AccountFactory {
  /** Share of accounts that were customers before the history window starts. */
  static final double PREEXISTING_SHARE = 0.5;
  /** Share of new sign-ups that start with a trial; the rest buy directly (sales-led). */
  static final double TRIAL_SHARE = 0.7;
  static final double TRIAL_CONVERSION = 0.6;
  /** Share of accounts with a latent adoption problem (adoption well below 0.5). */
  static final double LOW_ADOPTION_SHARE = 0.32;
  static final double PARENT_SHARE = 0.05;

  private AccountFactory() {}

  static List<AccountProfile> create(GeneratorParams params) {
    int count = params.accountCount();
    List<AccountProfile> accounts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      accounts.add(create(params, i, accounts));
    }
    return accounts;
  }

  private static AccountProfile create(GeneratorParams params, int index, List<AccountProfile> earlier) {
    SplittableRandom r = Seeds.random(params.seed(), Seeds.ACCOUNT, index, 0);
    String channel = AccountCatalog.CHANNELS[Draws.weighted(r, AccountCatalog.CHANNEL_WEIGHTS)];
    String campaign = Draws.pick(r, AccountCatalog.CAMPAIGNS.get(channel));
    String country = AccountCatalog.COUNTRIES[Draws.weighted(r, AccountCatalog.COUNTRY_WEIGHTS)];
    String[] stateAndZone = Draws.pick(r, AccountCatalog.STATES.get(country));
    String industry = AccountCatalog.INDUSTRIES[Draws.weighted(r, AccountCatalog.INDUSTRY_WEIGHTS)];
    int size = Draws.weighted(r, AccountCatalog.SIZE_WEIGHTS);
    int employees = switch (size) {
      case 0 -> logUniform(r, 3, Bands.SMALL_BELOW - 1);
      case 1 -> logUniform(r, Bands.SMALL_BELOW, Bands.MEDIUM_BELOW - 1);
      default -> logUniform(r, Bands.MEDIUM_BELOW, 20_000);
    };
    long revenue = Math.round(employees * (60_000 + r.nextDouble() * 140_000) / 1000.0) * 1000;
    String plan = AccountCatalog.PLANS[Draws.weighted(r, AccountCatalog.PLAN_WEIGHTS_BY_SIZE[size])];
    int seats = switch (size) {
      case 0 -> Draws.between(r, 2, 6);
      case 1 -> Draws.between(r, 6, 18);
      default -> Draws.between(r, 15, 40);
    };
    String interval = r.nextDouble() < 0.3 ? "year" : "month";
    double adoption = r.nextDouble() < LOW_ADOPTION_SHARE
        ? 0.10 + r.nextDouble() * 0.28
        : 0.55 + r.nextDouble() * 0.45;

    LocalDate historyStart = params.historyStart();
    long historyDays = ChronoUnit.DAYS.between(historyStart, params.endDate()) + 1;
    boolean preexisting = r.nextDouble() < PREEXISTING_SHARE;
    boolean trial = false;
    boolean converts = false;
    LocalDate signup;
    LocalDate created;
    if (preexisting) {
      signup = historyStart.minusDays(Draws.between(r, 20, 1095));
      created = signup.minusDays(r.nextInt(30));
    } else {
      signup = historyStart.plusDays(r.nextInt((int) Math.max(1, historyDays - 10)));
      created = signup;
      trial = r.nextDouble() < TRIAL_SHARE;
      converts = trial && r.nextDouble() < TRIAL_CONVERSION;
    }
    String parent = "";
    if (index > 10 && r.nextDouble() < PARENT_SHARE) {
      AccountProfile candidate = earlier.get(r.nextInt(index));
      if (candidate.parentAccountId().isEmpty()) {
        parent = candidate.accountId();
      }
    }
    String name = Draws.pick(r, AccountCatalog.NAME_PARTS_A) + " " + Draws.pick(r, AccountCatalog.NAME_PARTS_B)
        + (r.nextDouble() < 0.1 ? ", Inc." : "");
    String owner = Draws.pick(r, AccountCatalog.OWNERS) + "@churnscope-demo.example";
    String tier = switch (plan) {
      case "enterprise" -> "tier_1";
      case "growth" -> "tier_2";
      default -> "tier_3";
    };
    return new AccountProfile(index, AccountProfile.accountId(index), name, parent, created, channel, campaign,
        country, stateAndZone[0], stateAndZone[1], industry, employees, revenue, owner, tier,
        AccountCatalog.CURRENCY_BY_COUNTRY.get(country), plan, seats, interval, adoption,
        preexisting, signup, trial, converts);
  }

  private static int logUniform(SplittableRandom r, int low, int high) {
    double value = Math.exp(Math.log(low) + r.nextDouble() * (Math.log(high + 1.0) - Math.log(low)));
    return Math.min(high, Math.max(low, (int) value));
  }
}
