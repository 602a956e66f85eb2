package io.churnscope.common.schema;

import static io.churnscope.common.schema.Columns.optional;
import static io.churnscope.common.schema.Columns.required;
import static io.churnscope.common.schema.Columns.schema;
import static io.churnscope.common.schema.MartTables.RATIO;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createMapType;

import io.churnscope.common.lake.TableSpec;
import java.util.List;

/**
 * The engagement marts (DOMAIN §2): daily activity rollups per user and per account, and the
 * account engagement snapshot of each run date. Every trailing window is computed from the
 * rollups, never from the events. Definitions: {@code docs/engagement.md}.
 */
public final class EngagementTables {
  private EngagementTables() {}

  public static final TableSpec USER_DAY = new TableSpec(MartTables.ZONE, "user_day", schema(
      required("activity_date", DateType, "UTC day of the events; the partition column."),
      required("account_id", StringType, "Account the events belong to (a user who moves account has a row per account)."),
      required("user_key", StringType, "Pseudonymous user key."),
      required("is_active", BooleanType, "At least one active event (an event not in engagement.passive-events)."),
      required("events", LongType, "Events of the user in the account that day, passive ones included."),
      required("active_events", LongType, "Events that are not passive."),
      required("events_by_name", createMapType(StringType, LongType), "Events per event name, passive ones included."),
      required("features", createArrayType(StringType), "Distinct features of the day's active events, sorted."),
      required("sessions", IntegerType, "Sessions: active events split by an idle gap above engagement.session.idle-timeout-minutes, "
          + "by engagement.session.max-length-minutes from the session's first event, and at UTC midnight."),
      required("active_seconds", LongType, "Sum of the intervals between consecutive active events of the same session, "
          + "whole seconds (an idle gap adds nothing)."),
      optional("first_active_ts", TimestampType, "First active event, UTC."),
      optional("last_active_ts", TimestampType, "Last active event, UTC.")),
      List.of("activity_date"), "Activity per user, account and UTC day, from staged.usage_events.");

  public static final TableSpec ACCOUNT_DAY = new TableSpec(MartTables.ZONE, "account_day", schema(
      required("activity_date", DateType, "UTC day; the partition column."),
      required("account_id", StringType, "Account."),
      required("is_active", BooleanType, "At least one active user that day."),
      required("active_users", LongType, "Users with an active event that day."),
      required("users_seen", LongType, "Users with any event that day, passive ones included."),
      required("events", LongType, "Events, passive ones included."),
      required("active_events", LongType, "Events that are not passive."),
      required("events_by_name", createMapType(StringType, LongType), "Events per event name."),
      required("features", createArrayType(StringType), "Distinct features of the day's active events, sorted."),
      required("sessions", LongType, "Sessions of the account's users (see marts.user_day.sessions)."),
      required("active_seconds", LongType, "Time in app of the account's users, seconds (see marts.user_day.active_seconds)."),
      required("records_created", LongType, "Records created that day (staged.account_volumetrics, all object types); 0 when none."),
      optional("settings_enabled", IntegerType, "Settings turned on in that day's configuration snapshot (staged.account_config); "
          + "null when there is no snapshot that day.")),
      List.of("activity_date"), "Activity per account and UTC day: marts.user_day summed, with volumetrics and configuration.");

  public static final TableSpec ACCOUNT_ENGAGEMENT = new TableSpec(MartTables.ZONE, "account_engagement", schema(
      required("snapshot_date", DateType, "Run date the snapshot describes (windows end on it, inclusive); the partition column."),
      required("account_id", StringType, "Account: every account with a row in marts.account_day in the trailing 56 days or licensed seats on the date."),
      optional("product", StringType, "Product the seats and the cadence are read from (first of subscriptions.seat-products paying)."),
      required("cadence", StringType, "Expected use: daily, weekly or monthly (engagement.cadence.by-product.<product>, else engagement.cadence.default)."),
      required("dau", LongType, "Active users on snapshot_date."),
      required("wau", LongType, "Distinct active users in the 7 days ending on snapshot_date."),
      required("mau", LongType, "Distinct active users in the engagement.mau-window-days days ending on snapshot_date."),
      required("mau_window_days", IntegerType, "The MAU window (28 or 30)."),
      optional("dau_mau", RATIO, "dau / mau; null when mau = 0."),
      optional("stickiness", RATIO, "At the cadence: dau / mau (daily), wau / mau (weekly), null (monthly: no shorter period to compare)."),
      required("active_users", LongType, "Active users at the cadence: dau (daily), wau (weekly) or mau (monthly)."),
      required("active_days_14", IntegerType, "Days with at least one active user in the 14 days ending on snapshot_date."),
      required("frequency_band", StringType, "daily, weekly, infrequent or dormant, from active_days_14 (engagement.frequency.*)."),
      required("licensed_seats", LongType, "Licensed seats on snapshot_date, as marts.account_status.seats: quantity of the "
          + "paying versions in force of subscriptions.seat-products, summed (the largest paying quantity when no seat "
          + "product pays); 0 when none."),
      optional("license_utilization", RATIO, "mau / licensed_seats; null when licensed_seats = 0."),
      required("utilization_reading", StringType, "grow (> engagement.utilization.grow-above), upsell (>= upper edge), "
          + "adoption_risk (< lower edge), healthy, or no_seats."),
      required("utilization_band", StringType, "low, medium, high (engagement.utilization.edges) or no_seats."),
      required("feature_breadth", IntegerType, "Distinct features used by active events in the MAU window."),
      required("breadth_band", StringType, "none, narrow, moderate or broad (engagement.breadth.edges)."),
      required("active_events_7d", LongType, "Active events in the 7 days ending on snapshot_date."),
      required("active_events_prior_7d", LongType, "Active events in the 7 days before those."),
      optional("trend_7d", RATIO, "active_events_7d / active_events_prior_7d - 1; null when the prior week had none."),
      required("decline_flag", BooleanType, "trend_7d < -engagement.trend.decline-threshold (a drop of more than 20 % by default)."),
      required("active_events_28d", LongType, "Active events in the 28 days ending on snapshot_date."),
      required("active_events_prior_28d", LongType, "Active events in the 28 days before those."),
      optional("trend_28d", RATIO, "active_events_28d / active_events_prior_28d - 1; null when the prior 28 days had none."),
      required("decline_flag_28d", BooleanType, "trend_28d < -engagement.trend.decline-threshold."),
      required("trend_band", StringType, "From the 7-day trend: declining, stable, growing, new (no prior activity) or inactive (none in either week)."),
      optional("top_user_share", RATIO, "Share of the account's active events in the MAU window made by its most active user; null when none."),
      required("concentration_band", StringType, "spread, moderate, concentrated (engagement.concentration.edges) or none."),
      required("records_created_window", LongType, "Records created in the MAU window (volumetrics)."),
      optional("settings_enabled", IntegerType, "Settings turned on in the latest configuration snapshot of the MAU window.")),
      List.of("snapshot_date"), "Account engagement snapshot per run date: DAU/WAU/MAU, frequency, license utilization, "
          + "breadth, trend and concentration with their bands (the usage-pattern dimensions of the cube).");

  public static final TableSpec TRIAL_ENGAGEMENT = new TableSpec(MartTables.ZONE, "trial_engagement", schema(
      required("account_id", StringType, "Trial account."),
      required("trial_start", DateType, "First trial_start among the account's subscription versions."),
      required("signup_month", DateType, "First day of the trial start's month."),
      optional("acquisition_channel", StringType, "Acquisition channel (latest staged.crm_accounts row)."),
      optional("campaign", StringType, "Source campaign (latest staged.crm_accounts row); null when none."),
      required("active_days_first_14", IntegerType, "Days with an active user in [trial_start, trial_start + engagement.trial.window-days - 1]."),
      required("engaged", BooleanType, "active_days_first_14 >= engagement.trial.engaged-min-active-days (3): an engaged evaluation."),
      required("evaluation_complete", BooleanType, "The whole window lies on or before the run date (otherwise engaged may still become true)."),
      optional("first_key_action_date", DateType, "First day on or after trial_start with one of engagement.trial.key-events."),
      optional("days_to_first_key_action", IntegerType, "first_key_action_date - trial_start, days (time to first value)."),
      required("as_of_date", DateType, "Run date the row was computed on.")),
      List.of(), "Engaged evaluation per trial account whose trial started inside the rolled-up usage history.");

  public static final TableSpec TRIAL_ENGAGEMENT_REPORT = new TableSpec(MartTables.ZONE, "trial_engagement_report", schema(
      required("signup_month", DateType, "Month the trials started."),
      required("grouping", StringType, "month (all campaigns) or campaign."),
      optional("campaign", StringType, "Source campaign ('(none)' for trials without one); null on the month rows."),
      required("trials", LongType, "Trial accounts whose evaluation window is complete."),
      required("engaged_trials", LongType, "Of which engaged."),
      optional("engaged_share", RATIO, "engaged_trials / trials; null without trials."),
      required("reading", StringType, "below_expected (< 20 %), expected (>= 20 %), ideal (>= 50 %) or no_trials."),
      optional("median_days_to_first_key_action", IntegerType, "Median time to first key action of the trials that took one.")),
      List.of(), "Engaged evaluation month by month and by source campaign (complete evaluations only).");

  public static final TableSpec CS_SIGNALS = new TableSpec(MartTables.ZONE, "cs_signals", schema(
      required("signal_date", DateType, "Run date the signals were computed on (windows end on it, inclusive); the partition column."),
      required("account_id", StringType, "Account the signal is about."),
      optional("user_key", StringType, "User the signal is about; null for an account-level signal (unused_seats)."),
      required("signal_type", StringType, "unused_seats, user_never_active, login_only, funnel_abandoned, help_loop, "
          + "heavy_adopter or differentiated_feature_user (docs/engagement.md)."),
      optional("subject", StringType, "What the signal is about: the funnel (funnel_abandoned), the task event (help_loop), "
          + "the differentiated features used, comma-separated (differentiated_feature_user); null otherwise."),
      required("evidence_value", LongType, "The count the signal rests on: unused seats, days since provisioning, "
          + "login-only active days, funnel steps reached, loops, active events (heavy_adopter) or days (differentiated_feature_user)."),
      required("evidence", StringType, "The evidence in words, with the window it was read from."),
      required("severity", StringType, "high (revenue at risk), medium (adoption problem) or low (mild, or an opportunity)."),
      required("call_to_action", StringType, "What customer success should do about it.")),
      List.of("signal_date"), "Customer-success signals per account or user with a call to action, per run date: "
          + "seats never used, login-only users, abandoned funnels, task-help-task loops, evangelist candidates.");

  public static final TableSpec ROLLUP_WATERMARK = new TableSpec("_runs", "engagement_watermark", schema(
      required("stage", StringType, "Stage that keeps the watermark (engagement-rollups)."),
      required("rolled_up_through", DateType, "Latest ingest_date (delivery) whose events the rollups include."),
      required("run_id", StringType, "Run that last moved it.")),
      List.of(), "How far the daily engagement rollups have read the staged usage deliveries.");

  /** The published marts (the watermark is run state, not a mart). */
  public static final List<TableSpec> ALL = List.of(USER_DAY, ACCOUNT_DAY, ACCOUNT_ENGAGEMENT, TRIAL_ENGAGEMENT, TRIAL_ENGAGEMENT_REPORT,
      CS_SIGNALS);
}
