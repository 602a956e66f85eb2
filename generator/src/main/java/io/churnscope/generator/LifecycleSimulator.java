package io.churnscope.generator;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Simulates one account month by month over the history window and writes its billing export.
 *
 * <p>Churn has two causes, independent of each other: at every monthly anniversary a paying customer
 * churns with probability h = {@link #BASE_MONTHLY_HAZARD} (or --churn-hazard) × the lifts of the planted
 * hot-spots it belongs to at that time, scaled by its latent distress ({@link DistressEpisodes}): × K in an
 * episode's hazard months, and by a factor c that keeps the mean hazard over the customers still paying
 * at h (so a hot-spot's renewals churn at h whatever the episodes; {@link DistressChain#calmScale}). Seat
 * changes, upgrades, downgrades, cross-sells, payment trouble and refunds happen at rates that do not
 * depend on any attribute; a distress episode adds a past-due spell with some probability.
 */
final class LifecycleSimulator {
  /** Default monthly churn hazard outside the planted hot-spots (about 13 % logo churn a year); see --churn-hazard. */
  static final double BASE_MONTHLY_HAZARD = 0.0115;
  static final int TRIAL_DAYS = 14;
  static final double REACTIVATION_SHARE = 0.07;

  private final GeneratorParams params;
  private final BillingLedger ledger;

  LifecycleSimulator(GeneratorParams params, BillingLedger ledger) {
    this.params = params;
    this.ledger = ledger;
  }

  AccountHistory simulate(AccountProfile a) {
    SplittableRandom r = Seeds.random(params.seed(), Seeds.LIFECYCLE, a.index(), 0);
    LocalDate historyStart = params.historyStart();
    LocalDate end = params.endDate();
    double[] prices = AccountCatalog.SEAT_PRICE.get(a.currency());
    Subscription core = new Subscription(subscriptionId(a, 1), a.accountId(), "core", a.plan(), a.billingInterval(),
        a.seats(), Subscription.unitPrice(prices[planIndex(a.plan())], a.billingInterval()), a.currency());
    core.startDate = a.signupDate();
    int[] invoiceNumber = {0};

    LocalDate trialStart = null;
    LocalDate trialEnd = null;
    LocalDate customerStart;
    if (a.trial()) {
      trialStart = a.signupDate();
      trialEnd = trialStart.plusDays(TRIAL_DAYS);
      core.status = "trialing";
      core.trialStart = trialStart;
      core.trialEnd = trialEnd;
      ledger.version(core, trialStart, second(r));
      if (trialEnd.isAfter(end) || !a.trialConverts()) {
        if (!trialEnd.isAfter(end)) {
          core.status = "canceled";
          core.endedAt = trialEnd;
          ledger.version(core, trialEnd, second(r));
        }
        return new AccountHistory(a, trialStart, trialEnd, true, null, null, "", null, a.plan(), a.seats(),
            null, null, List.of(), null, false, null, DistressEpisodes.NONE, List.of());
      }
      customerStart = trialEnd;
      core.status = "active";
      ledger.version(core, trialEnd, second(r));
    } else {
      customerStart = a.signupDate();
      ledger.version(core, customerStart, second(r));
    }
    if ("enterprise".equals(core.plan) && !customerStart.isBefore(historyStart)) {
      ledger.invoice(core, ++invoiceNumber[0], customerStart, "one_off", 500 * a.seats() / 10.0 + 500,
          customerStart, customerStart);
    }

    DistressEpisodes distress = DistressEpisodes.draw(params.seed(), a.index(), customerStart, end,
        params.distressOnset());
    double[] survivors = DistressChain.start();
    List<AnniversaryHazard> hazards = new ArrayList<>();
    int churnMonth = Integer.MAX_VALUE;
    List<Subscription> subs = new ArrayList<>(List.of(core));
    Subscription analytics = null;
    Subscription automation = null;
    LocalDate churnDate = null;
    String reason = "";
    java.math.BigDecimal lostMrr = null;
    boolean changedInChurnMonth = false;
    for (int m = 0; ; m++) {
      LocalDate b = customerStart.plusMonths(m);
      if (b.isAfter(end)) {
        break;
      }
      boolean inHistory = !b.isBefore(historyStart);
      boolean renewal = "month".equals(core.interval) || m % 12 == 0;
      if (m >= 1 && inHistory) {
        AnniversaryHazard at = hazard(a, core.plan, survivors, distress, m, b);
        hazards.add(at);
        survivors = DistressChain.normalized(DistressChain.step(survivors, at.calmHazard(), at.distressHazard(),
            params.distressOnset()));
        if (r.nextDouble() < at.hazard()) {
          LocalDate termStart = customerStart.plusMonths(m - m % 12);
          // Ground truth of the loss, taken before churn() writes the canceling versions.
          lostMrr = monthlyInForce(subs);
          LocalDate lastChange = subs.stream().map(s -> s.lastEffective).max(LocalDate::compareTo).orElse(null);
          churnDate = churn(a, r, subs, b, renewal, invoiceNumber, termStart, termStart.plusMonths(12));
          if (churnDate != null) {
            churnMonth = m;
            changedInChurnMonth = lastChange != null && !lastChange.isBefore(churnDate.withDayOfMonth(1));
            reason = core.cancelReason;
            break;
          }
        }
      } else {
        survivors = DistressChain.step(survivors, 0, 0, params.distressOnset());
      }
      boolean pastDue = false;
      if (renewal && inHistory) {
        for (Subscription s : subs) {
          double amount = s.quantity * s.unitAmount;
          LocalDate periodEnd = b.plusMonths(s.months()).minusDays(1);
          ledger.invoice(s, ++invoiceNumber[0], b, "recurring", amount, b, periodEnd);
          if (r.nextDouble() < 0.025) {
            LocalDate refundDate = b.plusDays(Draws.between(r, 2, 10));
            if (!refundDate.isAfter(end)) {
              ledger.invoice(s, ++invoiceNumber[0], refundDate, "refund", amount * (0.2 + 0.8 * r.nextDouble()),
                  b, periodEnd);
            }
          }
        }
        if (r.nextDouble() < 0.015 && !b.plusDays(5).isAfter(end)) {
          pastDue = true;
          core.status = "past_due";
          ledger.version(core, b.plusDays(1), second(r));
          core.status = "active";
          ledger.version(core, b.plusDays(Draws.between(r, 3, 5)), second(r));
        }
      }
      if (inHistory && !pastDue) {
        distressPastDue(a, core, distress, m, b);
      }
      if (m < 1 || !inHistory) {
        continue;
      }
      LocalDate changeDay = b.plusDays(Draws.between(r, 7, 20));
      if (changeDay.isAfter(end)) {
        continue;
      }
      LocalDate periodStart = "month".equals(core.interval) ? b : customerStart.plusMonths(m - m % 12);
      LocalDate periodEnd = periodStart.plusMonths(core.months());
      double remaining = (double) ChronoUnit.DAYS.between(changeDay, periodEnd)
          / ChronoUnit.DAYS.between(periodStart, periodEnd);
      boolean changed = false;
      double oldMonthly = core.unitAmount * core.quantity;
      double u = r.nextDouble();
      if (u < 0.035) {
        core.quantity += Draws.between(r, 1, Math.max(1, core.quantity / 4));
        changed = true;
      } else if (u < 0.05 && core.quantity > 1) {
        core.quantity -= Draws.between(r, 1, Math.max(1, core.quantity / 5));
        changed = true;
      } else if (u < 0.058 && !"enterprise".equals(core.plan)) {
        setPlan(core, AccountCatalog.PLANS[planIndex(core.plan) + 1], prices);
        changed = true;
      } else if (u < 0.062 && !"starter".equals(core.plan)) {
        setPlan(core, AccountCatalog.PLANS[planIndex(core.plan) - 1], prices);
        changed = true;
      }
      if (changed) {
        ledger.version(core, changeDay, second(r));
        double delta = core.unitAmount * core.quantity - oldMonthly;
        if (delta > 0) {
          ledger.invoice(core, ++invoiceNumber[0], changeDay, "proration", delta * remaining, changeDay,
              periodEnd.minusDays(1));
        }
      }
      double v = r.nextDouble();
      int addon = -1;
      if (analytics == null && v < 0.015) {
        addon = 0;
      } else if (automation == null && v > 0.99) {
        addon = 1;
      }
      if (addon >= 0) {
        double monthly = AccountCatalog.ADDON_PRICE.get(a.currency())[addon];
        Subscription s = new Subscription(subscriptionId(a, subs.size() + 1), a.accountId(),
            addon == 0 ? "analytics" : "automation", "addon", core.interval, core.quantity,
            Subscription.unitPrice(monthly, core.interval), a.currency());
        s.startDate = changeDay;
        ledger.version(s, changeDay, second(r));
        ledger.invoice(s, ++invoiceNumber[0], changeDay, "proration", s.quantity * s.unitAmount * remaining,
            changeDay, periodEnd.minusDays(1));
        subs.add(s);
        if (addon == 0) {
          analytics = s;
        } else {
          automation = s;
        }
      }
    }

    LocalDate reactivation = null;
    if (churnDate != null && !"out_of_business".equals(reason) && !"acquired".equals(reason)
        && churnDate.plusDays(45).isBefore(end) && r.nextDouble() < REACTIVATION_SHARE) {
      int maxGap = (int) Math.min(150, ChronoUnit.DAYS.between(churnDate, end));
      reactivation = churnDate.plusDays(Draws.between(r, 45, maxGap));
      Subscription back = new Subscription(subscriptionId(a, subs.size() + 1), a.accountId(), "core", core.plan,
          "month", core.quantity, Subscription.unitPrice(prices[planIndex(core.plan)], "month"), a.currency());
      back.startDate = reactivation;
      ledger.version(back, reactivation, second(r));
      for (LocalDate b = reactivation; !b.isAfter(end); b = b.plusMonths(1)) {
        ledger.invoice(back, ++invoiceNumber[0], b, "recurring", back.quantity * back.unitAmount, b,
            b.plusMonths(1).minusDays(1));
      }
    }
    List<String> hotspots = PlantedHotspot.ALL.stream().filter(h -> h.matches(a, core.plan))
        .map(PlantedHotspot::id).toList();
    return new AccountHistory(a, trialStart, trialEnd, false, customerStart, churnDate, reason, reactivation,
        core.plan, core.quantity,
        analytics == null ? null : analytics.startDate, automation == null ? null : automation.startDate, hotspots,
        churnDate == null ? null : lostMrr, churnDate != null && changedInChurnMonth,
        churnDate == null ? null : core.cancelRequestedAt, distress.before(churnMonth), List.copyOf(hazards));
  }

  /**
   * The hazard at anniversary {@code month}: h = base × the planted lifts (at most 1), scaled by c so that
   * its mean over the states of the customers still paying ({@code survivors}) is h, times the distress
   * multiplier in an episode's hazard months (see {@link DistressChain#calmScale}).
   */
  private AnniversaryHazard hazard(AccountProfile a, String plan, double[] survivors, DistressEpisodes distress,
      int month, LocalDate anniversary) {
    double h = Math.min(1, params.baseMonthlyHazard() * PlantedHotspot.liftFor(a, plan));
    double scale = DistressChain.calmScale(survivors, h);
    double calm = Math.min(1, scale * h);
    double distressed = Math.min(1, scale * DistressEpisodes.HAZARD_MULTIPLIER * h);
    DistressEpisodes.Episode episode = distress.at(month);
    int episodeMonth = episode == null ? -1 : episode.offset(month);
    return new AnniversaryHazard(month, anniversary, h, DistressChain.distressed(episodeMonth) ? distressed : calm, calm,
        distressed, episode == null ? null : episode.onset(), episodeMonth);
  }

  /** An episode's past-due spell, from the day after the anniversary one month after its onset (own stream). */
  private void distressPastDue(AccountProfile a, Subscription core, DistressEpisodes distress, int month,
      LocalDate anniversary) {
    DistressEpisodes.Episode episode = distress.at(month);
    if (episode == null || !episode.pastDue() || episode.offset(month) != DistressEpisodes.PAST_DUE_MONTH) {
      return;
    }
    SplittableRandom r = episode.signalStream(params.seed(), a.index(), 3);
    LocalDate until = anniversary.plusDays(
        Draws.between(r, DistressEpisodes.PAST_DUE_MIN_DAYS, DistressEpisodes.PAST_DUE_MAX_DAYS));
    if (until.isAfter(params.endDate())) {
      return;
    }
    core.status = "past_due";
    ledger.version(core, anniversary.plusDays(1), second(r));
    core.status = "active";
    ledger.version(core, until, second(r));
  }

  /**
   * Ends every subscription of a churning account and returns the churn date (null if it would fall
   * after end-date). Monthly plans and annual renewals end at the anniversary, asked for a few days or
   * weeks before; an annual plan canceled mid-term ends at once and is refunded the unused part.
   */
  private LocalDate churn(AccountProfile a, SplittableRandom r, List<Subscription> subs, LocalDate anniversary,
      boolean renewal, int[] invoiceNumber, LocalDate termStart, LocalDate termEnd) {
    Subscription core = subs.get(0);
    LocalDate end = params.endDate();
    LocalDate churnDate;
    LocalDate requested;
    if (renewal) {
      churnDate = anniversary;
      requested = anniversary.minusDays("month".equals(core.interval) ? Draws.between(r, 1, 20) : Draws.between(r, 5, 45));
    } else {
      churnDate = anniversary.plusDays(r.nextInt(28));
      requested = churnDate;
    }
    if (churnDate.isAfter(end)) {
      return null;
    }
    LocalDate floor = params.historyStart();
    for (Subscription s : subs) {
      if (s.lastEffective.isAfter(floor)) {
        floor = s.lastEffective;
      }
    }
    if (!requested.isAfter(floor)) {
      requested = floor.plusDays(1);
    }
    if (requested.isAfter(churnDate)) {
      requested = churnDate;
    }
    String reason = a.adoption() < Bands.LOW_UTILIZATION_BELOW && r.nextDouble() < 0.5
        ? "no_usage"
        : AccountCatalog.CANCEL_REASONS[Draws.weighted(r, AccountCatalog.CANCEL_REASON_WEIGHTS)];
    for (Subscription s : subs) {
      s.cancelRequestedAt = requested;
      s.endedAt = churnDate;
      s.cancelReason = reason;
      if (requested.isBefore(churnDate)) {
        ledger.version(s, requested, second(r));
      }
      s.status = "canceled";
      ledger.version(s, churnDate, second(r));
      if (!renewal) {
        LocalDate paidFrom = s.startDate.isAfter(termStart) ? s.startDate : termStart;
        double unused = (double) ChronoUnit.DAYS.between(churnDate, termEnd)
            / Math.max(1, ChronoUnit.DAYS.between(paidFrom, termEnd));
        if (unused > 0) {
          ledger.invoice(s, ++invoiceNumber[0], churnDate, "refund", s.quantity * s.unitAmount * Math.min(1, unused),
              churnDate, termEnd.minusDays(1));
        }
      }
    }
    return churnDate;
  }

  /** MRR in the account's currency as the ledger will see it: per subscription round(quantity × billed unit ÷ months, 4). */
  private static java.math.BigDecimal monthlyInForce(List<Subscription> subs) {
    java.math.BigDecimal total = java.math.BigDecimal.ZERO;
    for (Subscription s : subs) {
      java.math.BigDecimal amount = new java.math.BigDecimal(CsvRows.money(s.unitAmount))
          .multiply(java.math.BigDecimal.valueOf(s.quantity));
      total = total.add(amount.divide(java.math.BigDecimal.valueOf(s.months()), 4, java.math.RoundingMode.HALF_UP));
    }
    return total;
  }

  private static void setPlan(Subscription core, String plan, double[] prices) {
    core.plan = plan;
    core.unitAmount = Subscription.unitPrice(prices[planIndex(plan)], core.interval);
  }

  static int planIndex(String plan) {
    for (int i = 0; i < AccountCatalog.PLANS.length; i++) {
      if (AccountCatalog.PLANS[i].equals(plan)) {
        return i;
      }
    }
    throw new IllegalArgumentException(plan);
  }

  private static String subscriptionId(AccountProfile a, int n) {
    return "sub-" + a.accountId().substring(4) + "-" + n;
  }

  private static int second(SplittableRandom r) {
    return 8 * 3600 + r.nextInt(10 * 3600);
  }
}
