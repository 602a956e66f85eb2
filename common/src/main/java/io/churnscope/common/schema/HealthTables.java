package io.churnscope.common.schema;

import static io.churnscope.common.schema.Columns.optional;
import static io.churnscope.common.schema.Columns.required;
import static io.churnscope.common.schema.Columns.schema;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createMapType;

import io.churnscope.common.lake.TableSpec;
import java.util.List;
import org.apache.spark.sql.types.StructType;

/** Customer health (docs/health.md): scorecards per lifecycle stage, every change explained. */
public final class HealthTables {
  private HealthTables() {}

  /** One measure of a score. Never null in practice; declared nullable because Delta refuses NOT NULL inside arrays. */
  public static final StructType MEASURE = schema(
      optional("measure", StringType, "Measure name (docs/health.md), e.g. license_utilization."),
      optional("raw_value", DoubleType, "The measure's value as of the snapshot date."),
      optional("band", StringType, "good, warning or poor by the scorecard's thresholds."),
      optional("weight", DoubleType, "The measure's weight in the scorecard."),
      optional("measure_score", DoubleType, "100 for good, 50 for warning, 0 for poor."),
      optional("contribution", DoubleType, "weight x measure_score / (sum of the weights of the measures with a value): "
          + "the contributions sum to the score."));

  /**
   * The measures every scorecard can weigh, in the order of the measure enum in jobs (HealthMeasure):
   * one nullable double column each in marts.health_measures, named by the measure.
   */
  public static final List<String> MEASURE_COLUMNS = List.of("usage_frequency", "license_utilization",
      "feature_breadth", "usage_trend_7d", "usage_trend_28d", "concentration", "support_tickets_30d",
      "open_high_priority_tickets", "csat_90d", "nps_score", "past_due", "refunds_90d");

  public static final TableSpec HEALTH_MEASURES = new TableSpec(MartTables.ZONE, "health_measures", schema(
      required("snapshot_date", DateType, "Date the row describes: everything as of this day (docs/health.md, "
          + "point in time); the partition column. Month-ends of the lake's history (back-fill) and every run date."),
      required("account_id", StringType, "A customer, or an account in an open trial, on the snapshot date."),
      required("lifecycle_stage", StringType, "trial, onboarding, renewal or adoption (as marts.health_scores): picks the "
          + "scorecard."),
      optional("arr_tier", StringType, "ARR tier on the snapshot date; null for trials."),
      optional("usage_frequency", DoubleType, "Active days in the 14 days ending on the snapshot date; null: no usage "
          + "data (no engagement row, or the usage rollups do not cover the date's MAU window)."),
      optional("license_utilization", DoubleType, "MAU / licensed seats; null without paid seats or usage data."),
      optional("feature_breadth", DoubleType, "Distinct features used in the MAU window; null: no usage data."),
      optional("usage_trend_7d", DoubleType, "Active events of the last 7 days against the 7 before (relative change); "
          + "null when the 7 before had none."),
      optional("usage_trend_28d", DoubleType, "The same over 28 days."),
      optional("concentration", DoubleType, "Share of the MAU window's active events made by the top user."),
      optional("support_tickets_30d", DoubleType, "Support tickets opened in the last 30 days (none: 0)."),
      optional("open_high_priority_tickets", DoubleType, "High or urgent tickets opened by the date and not closed by it "
          + "(none: 0)."),
      optional("csat_90d", DoubleType, "Mean CSAT of the tickets closed in the last 90 days; null: none rated."),
      optional("nps_score", DoubleType, "The latest NPS answer of the last 365 days (0-10); null: none."),
      optional("past_due", DoubleType, "1 when a subscription in force is past due, else 0."),
      optional("refunds_90d", DoubleType, "Refund invoices in the last 90 days (none: 0)."),
      optional("tenure_days", IntegerType, "Days of the current paid spell (marts.account_status.tenure_days); null for "
          + "a trial that never paid."),
      required("mrr", StagedTables.MONEY, "MRR on the snapshot date in the base currency (0 for trials)."),
      optional("seats", IntegerType, "Licensed seats in force (marts.account_status.seats); null for trials."),
      optional("plan", StringType, "Plan of the main paying subscription: a seat product's (core) first, then the "
          + "largest amount; null for trials."),
      optional("billing_interval", StringType, "month or year: that subscription's billing interval."),
      optional("days_to_renewal", IntegerType, "Days from the snapshot date to next_renewal_date; null when nothing "
          + "renews (every paying subscription set to end, or a trial)."),
      optional("acquisition_channel", StringType, "CRM acquisition channel (latest CRM row known on the date)."),
      optional("region", StringType, "Region of the CRM country (dimensions.regions)."),
      optional("industry", StringType, "CRM industry."),
      optional("size_band", StringType, "Employee-count band (dimensions.size-band-edges)."),
      optional("high_priority_tickets_90d", DoubleType, "High or urgent tickets opened in the last 90 days and known "
          + "by the snapshot date (none: 0); a churn-model feature, not a scorecard measure."),
      optional("detractor_answers_90d", DoubleType, "NPS answers of 6 or less in the last 90 days (none: 0); a "
          + "churn-model feature."),
      optional("past_due_spells_90d", DoubleType, "Subscription versions that turned past due in the last 90 days and "
          + "were delivered by the snapshot date (none: 0); a churn-model feature."),
      optional("cancel_scheduled", DoubleType, "1 when every paying subscription is set to end (a cancellation asked "
          + "for and not yet in effect), else 0; null for trials; a churn-model feature.")),
      List.of("snapshot_date"), "Every health measure and the account's context per account and snapshot date, "
          + "computed point in time from the full history (back-filled for past month-ends): the input of "
          + "marts.health_scores and the churn model's feature store.");

  public static final TableSpec HEALTH_SCORES = new TableSpec(MartTables.ZONE, "health_scores", schema(
      required("snapshot_date", DateType, "Date the score describes (every measure as of this day); the partition column."),
      required("account_id", StringType, "A customer, or an account in an open trial, on the snapshot date."),
      required("lifecycle_stage", StringType, "trial, onboarding (first health.onboarding-days of paid tenure), renewal "
          + "(an annual contract within health.renewal-window-days of its renewal) or adoption: picks the scorecard."),
      optional("arr_tier", StringType, "ARR tier on the snapshot date (marts.account_status)."),
      required("scorecard_version", StringType, "The scorecard used: its stage (and tier, for a tier's own card: "
          + "renewal.tier-1) and a hash of its measures, weights and thresholds. A changed scorecard scores new snapshots under a new version; old rows are never rewritten."),
      optional("score", DoubleType, "0-100: the sum of the contributions; null when no measure of the card has a value."),
      optional("score_band", StringType, "good (from health.score-bands.good-from), poor (below poor-below) or warning."),
      required("measures", createArrayType(MEASURE), "Each measure of the card that has a value: raw value, band, weight, "
          + "contribution."),
      required("missing_measures", createArrayType(StringType), "The card's measures without a value, by name (left out "
          + "of the score, the others re-weighted)."),
      optional("previous_snapshot_date", DateType, "The snapshot this one is compared with (the table's latest before it)."),
      optional("previous_score", DoubleType, "The account's score then."),
      optional("score_change", DoubleType, "score - previous_score = sum of measure_changes + reweighting_change + scorecard_change."),
      optional("measure_changes", createMapType(StringType, DoubleType), "Per measure valued at both snapshots: its "
          + "contribution's change, on the measures both share."),
      optional("reweighting_change", DoubleType, "The change due to measures that appeared or went missing."),
      optional("scorecard_change", DoubleType, "The previous values scored on tonight's card, less the previous score: a "
          + "new scorecard version or lifecycle stage."),
      required("explanation", StringType, "The change in one sentence with its top movers, e.g. 'score 71 → 58: "
          + "license_utilization 0.82 → 0.41 (−9)'.")),
      List.of("snapshot_date"), "Customer health per account and snapshot date: an explainable score per lifecycle stage, "
          + "what it is made of and why it moved.");

  public static final TableSpec CS_ACTIONS = new TableSpec(MartTables.ZONE, "cs_actions", schema(
      required("run_date", DateType, "The run that listed the action; the partition column."),
      required("list", StringType, "at_risk, expansion or advocacy."),
      required("account_id", StringType, "The account to act on."),
      required("rule", StringType, "The rule that put it on the list (docs/health.md), e.g. usage_drop."),
      required("evidence", StringType, "The measure behind the rule, in words, e.g. 'active events down 35 % over 28 days'."),
      required("call_to_action", StringType, "What to do (health.actions.<rule>.call-to-action)."),
      required("lifecycle_stage", StringType, "The account's lifecycle stage (marts.health_scores)."),
      optional("arr_tier", StringType, "ARR tier: picks the program."),
      required("program", StringType, "high_touch (a named CSM's task), coverage (a pooled CSM team with a capacity) or "
          + "digital (an audience for marketing automation), by health.programs.by-tier."),
      optional("owner_key", StringType, "Pseudonymous key of the account owner in the CRM: the named CSM of a high-touch account."),
      required("mrr", StagedTables.MONEY, "MRR on the run date in the base currency: at stake for at-risk, the base to grow "
          + "for expansion."),
      required("list_rank", IntegerType, "1 = the list's account with the most MRR (ties by account_id); every rule of "
          + "an account shares its rank."),
      required("reached", BooleanType, "Whether the program can act on it: false for a coverage account beyond the team's "
          + "capacity (health.programs.coverage: csms x accounts-per-csm, at-risk first, then by MRR).")),
      List.of("run_date"), "What customer success should do tonight: each account on the at-risk, expansion and advocacy "
          + "lists, the rule that put it there in words, a call to action and the program that acts.");

  public static final TableSpec CS_PROGRAMS = new TableSpec(MartTables.ZONE, "cs_programs", schema(
      required("run_date", DateType, "The run; the partition column."),
      required("list", StringType, "at_risk, expansion or advocacy."),
      required("program", StringType, "high_touch, coverage or digital."),
      required("accounts", LongType, "Accounts of the list in the program."),
      required("reached_accounts", LongType, "Of which the program can act on (reach)."),
      required("mrr", StagedTables.MONEY, "Their MRR: at stake or to grow (impact)."),
      required("reached_mrr", StagedTables.MONEY, "The MRR of the accounts reached.")),
      List.of("run_date"), "Reach beside impact per list and program: what each engagement model covers, so low tiers are "
          + "not left unmanaged.");

  public static final List<TableSpec> ALL = List.of(HEALTH_MEASURES, HEALTH_SCORES, CS_ACTIONS, CS_PROGRAMS);
}
