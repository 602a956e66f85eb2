package io.churnscope.generator;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The account and user model the usage generator needs, computed once on the driver and broadcast:
 * each day's events are a pure function of (seed, day, this model).
 *
 * <p>Every licensed seat has a user. A share of users equal to the account's latent adoption are
 * adopters (the only ones with active events); their activity follows a power law (Pareto). Churning
 * accounts fade over the {@link #DECLINE_DAYS} days before their churn date, down to
 * {@link #DECLINE_FLOOR} of their usual activity. Independently, a distress episode
 * ({@link DistressEpisodes}) fades the account from its onset to {@link DistressEpisodes#DECLINE_FLOOR}
 * and back after it: the two factors multiply.
 */
final class UsageModel implements Serializable {
  static final int DECLINE_DAYS = 28;
  static final double DECLINE_FLOOR = 0.3;
  /** Share of users that move to another account during the usage window (a new group call). */
  static final double MOVER_SHARE = 0.003;

  /** One account as the usage generator sees it; days are epoch days. */
  static final class Account implements Serializable {
    int index;
    String id;
    String zone;
    int activeFrom = Integer.MAX_VALUE;
    int activeUntil = Integer.MAX_VALUE;
    int reactivatedFrom = Integer.MAX_VALUE;
    int churnDay = Integer.MIN_VALUE;
    int automationFrom = Integer.MAX_VALUE;
    int analyticsFrom = Integer.MAX_VALUE;
    /** Epoch days of each distress episode: onset, floor reached, episode end (recovery starts). */
    int[] episodeOnset = new int[0];
    int[] episodeFloor = new int[0];
    int[] episodeEnd = new int[0];
    int firstUser;
    int userCount;
    int adopters;
    boolean starter;
    transient ZoneId zoneId;

    boolean activeOn(int day) {
      return (day >= activeFrom && day < activeUntil) || day >= reactivatedFrom;
    }

    /**
     * 0 when the product is not available; otherwise 1, fading to DECLINE_FLOOR before churn, times the
     * distress factor.
     */
    double activity(int day) {
      if (!activeOn(day)) {
        return 0;
      }
      int before = churnDay - day;
      double distress = distress(day);
      if (churnDay != Integer.MIN_VALUE && before > 0 && before < DECLINE_DAYS) {
        return distress * (DECLINE_FLOOR + (1 - DECLINE_FLOOR) * before / (double) DECLINE_DAYS);
      }
      return distress;
    }

    /**
     * 1 outside distress episodes; from an onset, falling linearly to the episode floor on its floor day,
     * there until the episode's end, then rising linearly back to 1 over the recovery days.
     */
    double distress(int day) {
      double factor = 1;
      double floor = DistressEpisodes.DECLINE_FLOOR;
      for (int e = 0; e < episodeOnset.length; e++) {
        double f = 1;
        if (day >= episodeOnset[e] && day < episodeFloor[e]) {
          f = 1 - (1 - floor) * (day - episodeOnset[e]) / (double) (episodeFloor[e] - episodeOnset[e]);
        } else if (day >= episodeFloor[e] && day < episodeEnd[e]) {
          f = floor;
        } else if (day >= episodeEnd[e] && day < episodeEnd[e] + DistressEpisodes.RECOVERY_DAYS) {
          f = floor + (1 - floor) * (day - episodeEnd[e]) / (double) DistressEpisodes.RECOVERY_DAYS;
        }
        factor = Math.min(factor, f);
      }
      return factor;
    }

    boolean automation(int day) {
      return !starter || day >= automationFrom;
    }

    /** UTC offset of the account's time zone at noon UTC of the day. */
    int offsetSeconds(int day) {
      if (zoneId == null) {
        zoneId = ZoneId.of(zone);
      }
      return zoneId.getRules().getOffset(Instant.ofEpochSecond(day * 86_400L + 43_200)).getTotalSeconds();
    }
  }

  /** One user; a mover belongs to {@code account} before {@code moveDay} and to {@code newAccount} from it. */
  static final class User implements Serializable {
    int index;
    String id;
    String anonymousId;
    int account;
    int moveDay = Integer.MAX_VALUE;
    int newAccount = -1;
    boolean adopter;
    /** Pareto activity weight, at least 1. */
    double intensity;
    /** Relative weights of the features this user works with. */
    double[] featureWeights;
    String ip;
    String name;
    String email;
    String title;

    int accountOn(int day) {
      return day >= moveDay ? newAccount : account;
    }
  }

  final Account[] accounts;
  final User[] users;

  private UsageModel(Account[] accounts, User[] users) {
    this.accounts = accounts;
    this.users = users;
  }

  static UsageModel build(GeneratorParams params, List<AccountHistory> histories) {
    Account[] accounts = new Account[histories.size()];
    int userCount = 0;
    for (AccountHistory h : histories) {
      Account a = new Account();
      AccountProfile p = h.profile();
      a.index = p.index();
      a.id = p.accountId();
      a.zone = p.zone();
      a.activeFrom = epoch(h.activeFrom(), Integer.MAX_VALUE);
      a.activeUntil = epoch(h.activeUntil(), Integer.MAX_VALUE);
      a.reactivatedFrom = epoch(h.reactivationDate(), Integer.MAX_VALUE);
      a.churnDay = epoch(h.churnDate(), Integer.MIN_VALUE);
      a.automationFrom = epoch(h.automationFrom(), Integer.MAX_VALUE);
      a.analyticsFrom = epoch(h.analyticsFrom(), Integer.MAX_VALUE);
      a.starter = "starter".equals(h.plan());
      List<DistressEpisodes.Episode> episodes = h.distress().episodes;
      a.episodeOnset = episodes.stream().mapToInt(e -> (int) e.onset().toEpochDay()).toArray();
      a.episodeFloor = episodes.stream().mapToInt(e -> (int) e.onset().toEpochDay() + e.declineDays()).toArray();
      a.episodeEnd = episodes.stream().mapToInt(e -> (int) e.end().toEpochDay()).toArray();
      a.firstUser = userCount;
      a.userCount = p.seats();
      // Low adoption rounds down, high adoption up, so the realized share stays on its side of 0.5.
      a.adopters = p.adoption() < Bands.LOW_UTILIZATION_BELOW
          ? (int) Math.floor(p.adoption() * p.seats())
          : (int) Math.ceil(p.adoption() * p.seats());
      userCount += a.userCount;
      accounts[p.index()] = a;
    }
    User[] users = new User[userCount];
    for (Account a : accounts) {
      for (int k = 0; k < a.userCount; k++) {
        int index = a.firstUser + k;
        SplittableRandom r = Seeds.random(params.seed(), Seeds.USER, index, 0);
        User u = new User();
        u.index = index;
        u.id = String.format("usr-%07d", index + 1);
        u.anonymousId = new java.util.UUID(Seeds.hash(params.seed(), Seeds.USER, index, 1),
            Seeds.hash(params.seed(), Seeds.USER, index, 2)).toString();
        u.account = a.index;
        u.adopter = k < a.adopters;
        u.intensity = Math.min(40, Draws.pareto(r, 1.4));
        u.featureWeights = new double[EventCatalog.FEATURES.length];
        for (int f = 0; f < u.featureWeights.length; f++) {
          u.featureWeights[f] = r.nextDouble() < 0.55 ? Draws.exponential(r, 1.0) : 0.02;
        }
        u.ip = "198.51." + (100 + r.nextInt(100)) + "." + (1 + r.nextInt(254));
        String first = Draws.pick(r, AccountCatalog.FIRST_NAMES);
        String last = Draws.pick(r, AccountCatalog.LAST_NAMES);
        u.name = first + " " + last;
        u.email = (first + "." + last).toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z.]", "")
            + index + "@customer-" + a.id.substring(4) + ".example";
        u.title = Draws.pick(r, AccountCatalog.TITLES);
        users[index] = u;
      }
    }
    planMoves(params, accounts, users);
    return new UsageModel(accounts, users);
  }

  /** A few adopters move to another account that is active on the move day. */
  private static void planMoves(GeneratorParams params, Account[] accounts, User[] users) {
    int usageStart = (int) params.usageStart().toEpochDay();
    int end = (int) params.endDate().toEpochDay();
    for (User u : users) {
      SplittableRandom r = Seeds.random(params.seed(), Seeds.MOVES, u.index, 0);
      if (!u.adopter || r.nextDouble() >= MOVER_SHARE * 3) {
        continue;
      }
      int day = usageStart + 1 + r.nextInt(Math.max(1, end - usageStart));
      Account target = accounts[r.nextInt(accounts.length)];
      if (target.index != u.account && target.activeOn(day) && accounts[u.account].activeOn(day)) {
        u.moveDay = day;
        u.newAccount = target.index;
      }
    }
  }

  /** Some user of the account, for tickets and survey answers. */
  String someUserOf(int accountIndex, SplittableRandom r) {
    Account a = accounts[accountIndex];
    return users[a.firstUser + r.nextInt(a.userCount)].id;
  }

  private static int epoch(LocalDate day, int absent) {
    return day == null ? absent : (int) day.toEpochDay();
  }
}
