package io.churnscope.generator;

import java.io.Serializable;
import java.time.LocalDate;

/**
 * The validated parameters of one generator run and the date windows derived from them.
 *
 * @param seed every random draw is derived from this seed (and an entity id and a day)
 * @param scale 1 = the demo (about 1,000 accounts and 100,000+ usage events a day); cost is linear in it
 * @param endDate the last day of generated data
 * @param historyMonths months of billing and CRM history ending at {@code endDate}
 * @param usageDays days of usage events ending at {@code endDate}
 * @param badRecordRate share of extra, deliberately bad records per source
 * @param baseMonthlyHazard mean monthly churn probability outside the planted hot-spots (the lifts multiply it;
 *     distress episodes concentrate it, see {@link DistressEpisodes});
 *     {@link LifecycleSimulator#BASE_MONTHLY_HAZARD} unless a test needs more churn for statistical power
 * @param distressOnset probability that a paying customer not in a distress episode enters one at an
 *     anniversary ({@link DistressEpisodes}); 0 switches the episodes (and their signals) off
 * @param usageIntensity share of a full day's sessions and actions an active user's day produces, in
 *     (0, 1]; who is active on which day does not depend on it (see {@link UsageDayGenerator})
 */
public record GeneratorParams(
    long seed, double scale, LocalDate endDate, int historyMonths, int usageDays, double badRecordRate,
    double baseMonthlyHazard, double distressOnset, double usageIntensity)
    implements Serializable {

  /** First day of billing and CRM history (the first delivery holds the state as of that day). */
  public LocalDate historyStart() {
    return endDate.minusMonths(historyMonths).plusDays(1);
  }

  /** First day of usage events. */
  public LocalDate usageStart() {
    return endDate.minusDays(usageDays - 1L);
  }

  /** Number of accounts: 1,000 at scale 1, at least 20 so that tiny test lakes still have every kind of account. */
  public int accountCount() {
    return Math.max(20, (int) Math.round(1000 * scale));
  }
}
