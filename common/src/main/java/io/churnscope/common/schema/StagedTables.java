package io.churnscope.common.schema;

import static io.churnscope.common.schema.Columns.optional;
import static io.churnscope.common.schema.Columns.required;
import static io.churnscope.common.schema.Columns.schema;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createDecimalType;
import static org.apache.spark.sql.types.DataTypes.createMapType;

import io.churnscope.common.lake.TableSpec;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;

/**
 * The staged zone: typed, de-duplicated, UTC, pseudonymized tables written by ingestion. Every
 * table carries {@code ingest_date} (the raw delivery date that brought the row) and
 * {@code source_file}, so a re-run of a date replaces exactly that date's rows.
 */
public final class StagedTables {
  public static final String ZONE = "staged";
  /** Money: 18 digits, 4 after the point — exact to a hundredth of a cent. */
  public static final DataType MONEY = createDecimalType(18, 4);
  public static final DataType RATE = createDecimalType(20, 10);

  private static final StructField INGEST_DATE =
      required("ingest_date", DateType, "Delivery date (raw dt partition) that brought this row.");
  private static final StructField SOURCE_FILE =
      required("source_file", StringType, "Raw file the row was read from.");

  private StagedTables() {}

  public static final TableSpec USAGE_EVENTS = new TableSpec(ZONE, "usage_events", schema(
      required("event_id", StringType, "Segment messageId or server-log request_id; unique."),
      required("source", StringType, "clickstream or server_log."),
      required("event_type", StringType, "track, page (clickstream) or server (server log)."),
      required("event_name", StringType, "Event name (Segment event, page name, or log action)."),
      optional("feature", StringType, "Product feature the event belongs to, if any."),
      required("user_key", StringType, "Pseudonymous user key: SHA-256 of salt and user id."),
      required("account_id", StringType, "Account the event belongs to (context.groupId, the log's account, or the user's latest group call)."),
      required("event_ts", TimestampType, "When the event happened, UTC."),
      required("event_date", DateType, "UTC date of event_ts; the partition column."),
      optional("properties", createMapType(StringType, StringType), "Event properties with PII keys removed."),
      INGEST_DATE, SOURCE_FILE),
      List.of("event_date"), "Product-usage events from clickstream and server logs, one row per event.");

  public static final TableSpec USER_ACCOUNTS = new TableSpec(ZONE, "user_accounts", schema(
      required("event_id", StringType, "messageId of the Segment group call."),
      required("user_key", StringType, "Pseudonymous user key."),
      required("account_id", StringType, "Account the user joined (groupId)."),
      required("valid_from", TimestampType, "When the group call happened, UTC; in force until the user's next one."),
      INGEST_DATE, SOURCE_FILE),
      List.of(), "User-to-account membership from Segment group calls.");

  public static final TableSpec USER_IDENTITIES = new TableSpec(ZONE, "user_identities", schema(
      required("event_id", StringType, "messageId of the Segment identify call."),
      required("user_key", StringType, "Pseudonymous user key."),
      required("identified_at", TimestampType, "When the identify call happened, UTC."),
      INGEST_DATE, SOURCE_FILE),
      List.of(), "Users seen by Segment identify calls (their traits are PII and are not kept).");

  public static final TableSpec ACCOUNT_VOLUMETRICS = new TableSpec(ZONE, "account_volumetrics", schema(
      required("account_id", StringType, "Account."),
      required("extract_date", DateType, "Day the records were created."),
      required("object_type", StringType, "Kind of record created (e.g. project, task)."),
      required("records_created", LongType, "Records of that type created that day."),
      INGEST_DATE, SOURCE_FILE),
      List.of(), "Daily records created per account and object type, from database extracts.");

  public static final TableSpec ACCOUNT_CONFIG = new TableSpec(ZONE, "account_config", schema(
      required("account_id", StringType, "Account."),
      required("snapshot_date", DateType, "Day of the configuration snapshot."),
      required("setting", StringType, "Setting or integration name."),
      required("enabled", BooleanType, "Whether the account had it turned on that day."),
      INGEST_DATE, SOURCE_FILE),
      List.of(), "Daily configuration snapshots per account, from database extracts.");

  public static final TableSpec SUBSCRIPTION_VERSIONS = new TableSpec(ZONE, "subscription_versions", schema(
      required("subscription_id", StringType, "Subscription."),
      required("version", IntegerType, "Version number; a version is in force from effective_date to the next version's."),
      required("account_id", StringType, "Account that owns the subscription."),
      required("product", StringType, "Product (core or an add-on)."),
      required("plan", StringType, "Plan of the product."),
      required("billing_interval", StringType, "month or year."),
      required("quantity", IntegerType, "Seats (licensed quantity)."),
      required("unit_amount", MONEY, "Price per seat per billing interval, in currency."),
      required("amount", MONEY, "Recurring amount per billing interval, in currency (quantity x unit_amount, or the source's own total)."),
      required("currency", StringType, "ISO currency code."),
      required("status", StringType, "trialing, active, past_due or canceled."),
      optional("trial_start", DateType, "Trial start, if the subscription began with a trial."),
      optional("trial_end", DateType, "Trial end."),
      required("start_date", DateType, "Subscription start."),
      required("effective_date", DateType, "Day this version takes effect."),
      optional("cancel_requested_at", DateType, "Day the customer asked to cancel."),
      optional("ended_at", DateType, "Day the cancellation takes effect (the subscription's end)."),
      optional("cancel_reason", StringType, "Why it was canceled, as the billing system recorded it."),
      required("updated_at", TimestampType, "When the billing system wrote this version, UTC."),
      INGEST_DATE, SOURCE_FILE),
      List.of(), "Subscription versions from the billing export.");

  public static final TableSpec INVOICES = new TableSpec(ZONE, "invoices", schema(
      required("invoice_id", StringType, "Invoice."),
      required("subscription_id", StringType, "Subscription invoiced."),
      required("account_id", StringType, "Account invoiced."),
      required("invoice_date", DateType, "Invoice date."),
      required("kind", StringType, "recurring, proration, one_off or refund."),
      required("amount", MONEY, "Amount in currency; positive (a refund's amount is money returned)."),
      required("currency", StringType, "ISO currency code."),
      optional("period_start", DateType, "Service period start."),
      optional("period_end", DateType, "Service period end."),
      INGEST_DATE, SOURCE_FILE),
      List.of(), "Invoice lines from the billing export.");

  public static final TableSpec FX_RATES = new TableSpec(ZONE, "fx_rates", schema(
      required("rate_date", DateType, "Day of the rate."),
      required("currency", StringType, "ISO currency code."),
      required("rate_to_usd", RATE, "US dollars per unit of currency."),
      INGEST_DATE, SOURCE_FILE),
      List.of(), "Daily foreign-exchange rates.");

  public static final TableSpec CRM_ACCOUNTS = new TableSpec(ZONE, "crm_accounts", schema(
      required("account_id", StringType, "Account."),
      optional("parent_account_id", StringType, "Parent account, for subsidiaries."),
      required("created_date", DateType, "Day the account was created in the CRM."),
      required("acquisition_channel", StringType, "How the account was acquired (organic, paid_search, reseller, ...)."),
      optional("campaign", StringType, "Acquisition campaign."),
      required("country", StringType, "ISO country code."),
      optional("state", StringType, "State or province."),
      optional("industry", StringType, "Industry."),
      optional("employee_count", IntegerType, "Employees."),
      optional("annual_revenue", MONEY, "Annual revenue in USD."),
      optional("owner_key", StringType, "Pseudonymous key of the account owner (never the e-mail)."),
      optional("tier", StringType, "Service tier assigned in the CRM."),
      required("last_modified_at", TimestampType, "When the CRM last changed the account, UTC; one row per change."),
      INGEST_DATE, SOURCE_FILE),
      List.of(), "CRM account history: one row per account change (names and e-mails are not kept).");

  public static final TableSpec SUPPORT_TICKETS = new TableSpec(ZONE, "support_tickets", schema(
      required("ticket_id", StringType, "Ticket."),
      required("account_id", StringType, "Account."),
      optional("user_key", StringType, "Pseudonymous key of the requester."),
      required("created_at", TimestampType, "Opened, UTC."),
      optional("closed_at", TimestampType, "Closed, UTC."),
      optional("priority", StringType, "low, normal, high, urgent."),
      optional("category", StringType, "Ticket category."),
      optional("csat", IntegerType, "Satisfaction score given at closing (1-5)."),
      INGEST_DATE, SOURCE_FILE),
      List.of(), "Support tickets.");

  public static final TableSpec NPS_RESPONSES = new TableSpec(ZONE, "nps_responses", schema(
      required("response_id", StringType, "Survey response."),
      required("account_id", StringType, "Account."),
      optional("user_key", StringType, "Pseudonymous key of the respondent."),
      required("responded_at", TimestampType, "When, UTC."),
      required("score", IntegerType, "Likelihood to recommend, 0-10 (free-text comments are not kept: they may hold PII)."),
      INGEST_DATE, SOURCE_FILE),
      List.of(), "NPS survey responses.");

  public static final TableSpec FEATURE_USAGE_DAILY = new TableSpec(ZONE, "feature_usage_daily", schema(
      required("account_id", StringType, "Account."),
      optional("subscription_id", StringType, "Subscription the usage was recorded under, when the source says."),
      required("usage_date", DateType, "Day of use."),
      required("feature", StringType, "Feature used."),
      required("usage_count", LongType, "Times the feature was used that day."),
      optional("usage_seconds", LongType, "Seconds spent in the feature that day."),
      optional("error_count", LongType, "Errors met in the feature that day."),
      required("usage_id", StringType, "The source's id of the daily record; unique."),
      INGEST_DATE, SOURCE_FILE),
      List.of(), "Daily per-feature usage counts, for sources that deliver aggregates rather than events (e.g. RavenStack).");

  public static final TableSpec CHURN_EVENTS = new TableSpec(ZONE, "churn_events", schema(
      required("churn_event_id", StringType, "The source's churn event id; unique."),
      required("account_id", StringType, "Account that churned."),
      required("churn_date", DateType, "Day the account churned."),
      optional("reason", StringType, "Churn reason as the source recorded it (never dropped; 'unknown' if absent)."),
      optional("refund_amount", MONEY, "Refund given at churn, USD."),
      optional("is_reactivation", BooleanType, "Whether the event ended a reactivated subscription."),
      INGEST_DATE, SOURCE_FILE),
      List.of(), "Churn events recorded by the source itself (free-text feedback is not kept).");

  /**
   * Tables only a mapping fills ({@code ingest-mapped}, e.g. RavenStack's feature usage and churn
   * events): the nightly's own sources have no such feed.
   */
  public static final List<TableSpec> MAPPED_ONLY = List.of(FEATURE_USAGE_DAILY, CHURN_EVENTS);

  public static final List<TableSpec> ALL = List.of(USAGE_EVENTS, USER_ACCOUNTS, USER_IDENTITIES, ACCOUNT_VOLUMETRICS,
      ACCOUNT_CONFIG, SUBSCRIPTION_VERSIONS, INVOICES, FX_RATES, CRM_ACCOUNTS, SUPPORT_TICKETS, NPS_RESPONSES,
      FEATURE_USAGE_DAILY, CHURN_EVENTS);
}
