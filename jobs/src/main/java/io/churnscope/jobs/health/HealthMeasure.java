package io.churnscope.jobs.health;

import java.util.Arrays;
import java.util.List;

/**
 * The measures a health scorecard can weigh, each read as of the snapshot date (docs/health.md
 * says where each comes from). A measure either improves as it grows (active days) or worsens
 * (open tickets); its thresholds in a scorecard are read in that direction.
 */
public enum HealthMeasure {
  USAGE_FREQUENCY("usage_frequency", true, "active days in the 14 days ending on the snapshot date"),
  LICENSE_UTILIZATION("license_utilization", true, "MAU / licensed seats"),
  FEATURE_BREADTH("feature_breadth", true, "distinct features used in the MAU window"),
  USAGE_TREND_7D("usage_trend_7d", true, "active events of the last 7 days against the 7 before, as a relative change"),
  USAGE_TREND_28D("usage_trend_28d", true, "active events of the last 28 days against the 28 before, as a relative change"),
  CONCENTRATION("concentration", false, "share of the account's active events made by its top user"),
  SUPPORT_TICKETS_30D("support_tickets_30d", false, "support tickets opened in the last 30 days"),
  OPEN_HIGH_PRIORITY_TICKETS("open_high_priority_tickets", false, "high or urgent tickets open on the snapshot date"),
  CSAT_90D("csat_90d", true, "mean CSAT of the tickets closed in the last 90 days"),
  NPS_SCORE("nps_score", true, "the latest NPS answer of the last 365 days (0-10; 6 or less is a detractor)"),
  PAST_DUE("past_due", false, "1 when a subscription in force is past due, else 0"),
  REFUNDS_90D("refunds_90d", false, "refund invoices in the last 90 days"),
  CHURN_PROBABILITY("churn_probability", false, "the churn model's probability of an established churn within "
      + "churn-model.horizon-days (marts.churn_predictions); no value when the model is off or the date was not predicted");

  private final String id;
  private final boolean higherIsBetter;
  private final String definition;

  HealthMeasure(String id, boolean higherIsBetter, String definition) {
    this.id = id;
    this.higherIsBetter = higherIsBetter;
    this.definition = definition;
  }

  /** The measure's name in configuration and tables, e.g. {@code license_utilization}. */
  public String id() {
    return id;
  }

  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  public String definition() {
    return definition;
  }

  public static List<String> ids() {
    return Arrays.stream(values()).map(HealthMeasure::id).toList();
  }

  /**
   * The measures computed from the lake's history as of a date (the columns of marts.health_measures):
   * every measure but the model's probability, which marts.churn_predictions holds.
   */
  public static List<String> pointInTimeIds() {
    return Arrays.stream(values()).filter(m -> m != CHURN_PROBABILITY).map(HealthMeasure::id).toList();
  }

  /** The measure of a name, or null. */
  public static HealthMeasure byId(String id) {
    return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst().orElse(null);
  }
}
