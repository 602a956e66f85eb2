package io.churnscope.jobs.engagement;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;

/**
 * The usage-pattern bands of {@code marts.account_engagement}: the dimensions the cube and hot-spot
 * discovery cut accounts by. Every edge comes from {@code conf} ({@link EngagementSettings}); the
 * utilization edges default to the generator's planted [0.5, 0.8] ({@code generate.Bands}).
 */
final class UsageBands {
  private UsageBands() {}

  /** From active days in the trailing 14: daily, weekly, infrequent, dormant. */
  static Column frequency(Column activeDays14, EngagementSettings s) {
    return when(activeDays14.geq(s.dailyMinActiveDays()), lit("daily"))
        .when(activeDays14.geq(s.weeklyMinActiveDays()), lit("weekly"))
        .when(activeDays14.geq(1), lit("infrequent"))
        .otherwise(lit("dormant"));
  }

  /** low / medium / high; no_seats when the utilization is null (no licensed seats). */
  static Column utilization(Column utilization, EngagementSettings s) {
    return when(utilization.isNull(), lit("no_seats"))
        .when(utilization.lt(s.lowUtilizationBelow()), lit("low"))
        .when(utilization.lt(s.highUtilizationFrom()), lit("medium"))
        .otherwise(lit("high"));
  }

  /** What to do about it (DOMAIN §2): grow (> 1), upsell (≥ 0.8), adoption_risk (< 0.5), healthy. */
  static Column utilizationReading(Column utilization, EngagementSettings s) {
    return when(utilization.isNull(), lit("no_seats"))
        .when(utilization.gt(s.growAbove()), lit("grow"))
        .when(utilization.geq(s.highUtilizationFrom()), lit("upsell"))
        .when(utilization.lt(s.lowUtilizationBelow()), lit("adoption_risk"))
        .otherwise(lit("healthy"));
  }

  static Column breadth(Column features, EngagementSettings s) {
    return when(features.equalTo(0), lit("none"))
        .when(features.lt(s.narrowBreadthBelow()), lit("narrow"))
        .when(features.lt(s.broadBreadthFrom()), lit("moderate"))
        .otherwise(lit("broad"));
  }

  /** From the 7-day comparison: inactive, new, declining, growing, stable. */
  static Column trend(Column recent, Column prior, Column change, EngagementSettings s) {
    return when(recent.equalTo(0).and(prior.equalTo(0)), lit("inactive"))
        .when(prior.equalTo(0), lit("new"))
        .when(change.lt(-s.declineThreshold()), lit("declining"))
        .when(change.gt(s.declineThreshold()), lit("growing"))
        .otherwise(lit("stable"));
  }

  static Column concentration(Column topUserShare, EngagementSettings s) {
    return when(topUserShare.isNull(), lit("none"))
        .when(topUserShare.lt(s.spreadBelow()), lit("spread"))
        .when(topUserShare.lt(s.concentratedFrom()), lit("moderate"))
        .otherwise(lit("concentrated"));
  }

  static Column ratio(Column numerator, Column denominator) {
    return org.apache.spark.sql.functions.try_divide(numerator.cast("decimal(20,0)"), denominator.cast("decimal(20,0)"))
        .cast("decimal(18,6)");
  }
}
