package io.churnscope.generator;

import java.time.LocalDate;
import java.util.List;

/**
 * What happened to one account over the history window: its trial, when it became a customer, whether
 * and why it churned, and the state the usage generator needs (plan, seats, add-ons).
 *
 * @param trialStart null when the account never had a trial in the history window
 * @param trialOnly the account never became a paying customer (lapsed or still trialing)
 * @param customerStart first paid day, null for trial-only accounts
 * @param churnDate the day the subscription ended (cancellation took effect), null if it did not churn
 * @param reactivationDate the day a churned account came back with a new subscription, or null
 * @param plan the core plan in force on the churn date (or on end-date): the plan the segments use
 * @param hotspots ids of the planted hot-spots this customer belongs to (empty for trial-only accounts)
 * @param lostMrr MRR in the account's currency in force just before the churn: the sum over its subscriptions
 *     of quantity × unit amount (to the cent, as billed) ÷ months of the interval, each rounded half up to 4
 *     decimals, as the ledger rounds; null if it did not churn
 * @param changedInChurnMonth a subscription version took effect in the churn's month before the churn (a
 *     seat, plan, add-on or past-due change): a month-end ledger then measures the loss at the month's start
 * @param cancelRequested the day the churn's cancellation was asked for, or null
 * @param distress the customer's distress episodes that began before its churn ({@link DistressEpisodes#NONE}
 *     for trial-only accounts)
 * @param hazards the hazard at each anniversary inside the history window up to the churn (empty for
 *     trial-only accounts)
 */
record AccountHistory(
    AccountProfile profile, LocalDate trialStart, LocalDate trialEnd, boolean trialOnly, LocalDate customerStart,
    LocalDate churnDate, String cancelReason, LocalDate reactivationDate, String plan, int seats,
    LocalDate analyticsFrom, LocalDate automationFrom, List<String> hotspots, java.math.BigDecimal lostMrr,
    boolean changedInChurnMonth, LocalDate cancelRequested, DistressEpisodes distress,
    List<AnniversaryHazard> hazards) {

  boolean churned() {
    return churnDate != null;
  }

  boolean isCustomer() {
    return customerStart != null;
  }

  /** First day the account's users can use the product (trial or paid), or null. */
  LocalDate activeFrom() {
    return trialStart != null ? trialStart : customerStart;
  }

  /** First day the product is no longer available (churn or lapsed trial), or null if still active. */
  LocalDate activeUntil() {
    if (churnDate != null) {
      return churnDate;
    }
    if (trialOnly && trialEnd != null) {
      return trialEnd;
    }
    return null;
  }
}
