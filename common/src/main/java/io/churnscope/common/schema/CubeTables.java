package io.churnscope.common.schema;

import static io.churnscope.common.schema.Columns.optional;
import static io.churnscope.common.schema.Columns.required;
import static io.churnscope.common.schema.Columns.schema;
import static io.churnscope.common.schema.MartTables.RATIO;
import static io.churnscope.common.schema.StagedTables.MONEY;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.churnscope.common.lake.TableSpec;
import java.util.List;

/**
 * The cube zone: a star schema (dimensions with surrogate keys, account x month and account x day
 * facts) and a pre-aggregated rollup, for analysts and BI tools. See {@code docs/cube.md}.
 *
 * <p>Surrogate keys ({@code *_key}) are 64-bit hashes of the natural key, not sequence numbers:
 * closed months of the facts are never rewritten, so a key must mean the same member in every run.
 */
public final class CubeTables {
  public static final String ZONE = "cube";

  private CubeTables() {}

  /** The type-2 attributes of {@link #DIM_ACCOUNT}, with their comments. */
  private static final String[][] ACCOUNT_ATTRIBUTES = {
      {"acquisition_channel", "Acquisition channel (CRM)."},
      {"campaign", "Acquisition campaign (CRM)."},
      {"country", "ISO country code (CRM)."},
      {"region", "Region of the country (dimensions.regions; 'other' when listed nowhere)."},
      {"state", "State or province (CRM)."},
      {"industry", "Industry (CRM)."},
      {"size_band", "Company-size band from employee_count (dimensions.size-band-edges)."},
      {"plan", "Core plan in force."},
      {"arr_tier", "ARR tier (subscriptions.arr-tiers); customers only."},
      {"tenure_band", "Band of the current paid spell's length (dimensions.tenure-band-edges-days)."},
      {"lifecycle_stage", "trial, onboarding, adoption, churned or prospect."},
      {"frequency_band", "Usage frequency band (marts.account_engagement)."},
      {"utilization_band", "License utilization band."},
      {"breadth_band", "Feature breadth band."},
      {"trend_band", "Usage trend band."},
      {"concentration_band", "Usage concentration band."}};

  private static org.apache.spark.sql.types.StructField attribute(String name) {
    for (String[] a : ACCOUNT_ATTRIBUTES) {
      if (a[0].equals(name)) {
        return required(a[0], StringType, a[1] + " 'unknown' when the sources do not say.");
      }
    }
    throw new IllegalArgumentException(name);
  }

  private static org.apache.spark.sql.types.StructType accountSchema() {
    List<org.apache.spark.sql.types.StructField> fields = new java.util.ArrayList<>(List.of(
        required("account_key", LongType, "Surrogate key of the version: xxhash64 of account_id and valid_from."),
        required("account_id", StringType, "Account (natural key).")));
    for (String[] a : ACCOUNT_ATTRIBUTES) {
      fields.add(attribute(a[0]));
    }
    fields.addAll(List.of(
        required("valid_from", DateType, "First day of the first month this version describes."),
        required("valid_to", DateType, "Day before the next version's valid_from; 9999-12-31 for the current version."),
        required("is_current", BooleanType, "The account's latest version."),
        required("version_number", IntegerType, "1 for the account's first version, then 2, 3, ...")));
    return schema(fields.toArray(org.apache.spark.sql.types.StructField[]::new));
  }

  /** A small dimension: its hash key and the attributes that make its natural key. */
  private static TableSpec smallDimension(String name, String key, String comment, String... attributes) {
    List<org.apache.spark.sql.types.StructField> fields = new java.util.ArrayList<>();
    fields.add(required(key, LongType, "Surrogate key: xxhash64 of " + String.join(", ", attributes) + "."));
    for (String a : attributes) {
      fields.add(attribute(a));
    }
    return new TableSpec(ZONE, name, schema(fields.toArray(org.apache.spark.sql.types.StructField[]::new)), List.of(), comment);
  }

  public static final TableSpec DIM_ACCOUNT = new TableSpec(ZONE, "dim_account", accountSchema(), List.of(),
      "Accounts, type 2: a version per run of months with the same attributes (dimensions.AccountAttributes at each "
          + "month's as-of day), so an old month is reported with the values it had then.");

  public static final TableSpec DIM_ACQUISITION = smallDimension("dim_acquisition", "acquisition_key",
      "Acquisition channel and campaign.", "acquisition_channel", "campaign");
  public static final TableSpec DIM_GEOGRAPHY = smallDimension("dim_geography", "geography_key",
      "Geography: country, its region, state or province.", "country", "region", "state");
  public static final TableSpec DIM_SEGMENT = smallDimension("dim_segment", "segment_key",
      "Segment: industry x company-size band.", "industry", "size_band");
  public static final TableSpec DIM_PLAN = smallDimension("dim_plan", "plan_key",
      "Product plan and ARR tier.", "plan", "arr_tier");
  public static final TableSpec DIM_LIFECYCLE = smallDimension("dim_lifecycle", "lifecycle_key",
      "Lifecycle stage and tenure band.", "lifecycle_stage", "tenure_band");
  public static final TableSpec DIM_USAGE_PATTERN = smallDimension("dim_usage_pattern", "usage_pattern_key",
      "Usage pattern: the five usage bands together (a junk dimension of the combinations seen).",
      "frequency_band", "utilization_band", "breadth_band", "trend_band", "concentration_band");

  /** The small dimensions derived from dim_account, each keyed by a hash of its attributes. */
  public static final List<TableSpec> ATTRIBUTE_DIMENSIONS = List.of(DIM_ACQUISITION, DIM_GEOGRAPHY, DIM_SEGMENT,
      DIM_PLAN, DIM_LIFECYCLE, DIM_USAGE_PATTERN);

  public static final TableSpec DIM_DATE = new TableSpec(ZONE, "dim_date", schema(
      required("date_key", IntegerType, "yyyymmdd of the day, e.g. 20261031: a readable, stable key."),
      required("date", DateType, "The day."),
      required("day_of_week", IntegerType, "ISO day of week: 1 = Monday ... 7 = Sunday."),
      required("day_name", StringType, "Monday ... Sunday."),
      required("week_start", DateType, "Monday of the day's ISO week."),
      required("iso_year", IntegerType, "ISO week-numbering year (the year of the week's Thursday)."),
      required("iso_week", IntegerType, "ISO week number, 1-53."),
      required("month", DateType, "First day of the month: the key of the monthly facts."),
      required("month_of_year", IntegerType, "1-12."),
      required("month_name", StringType, "January ... December."),
      required("quarter", IntegerType, "Calendar quarter, 1-4."),
      required("year", IntegerType, "Calendar year."),
      required("fiscal_year", IntegerType, "Fiscal year, named by the calendar year it ends in (cube.fiscal-year-start-month)."),
      required("fiscal_quarter", IntegerType, "Fiscal quarter, 1-4, counted from cube.fiscal-year-start-month."),
      required("is_month_end", BooleanType, "The month's last day (the day month-end snapshots describe).")),
      List.of(), "Calendar: one row per day from the first month of the facts to the end of the run date's year.");

  public static final TableSpec DIM_CHURN_REASON = new TableSpec(ZONE, "dim_churn_reason", schema(
      required("churn_reason_key", LongType, "Surrogate key: xxhash64 of reason."),
      required("reason", StringType, "Cancel reason as in marts.churn_events.reason; 'none' for account-months without churn."),
      required("reason_group", StringType, "unavoidable, avoidable, unknown, or none (no churn).")),
      List.of(), "Why accounts churned (DOMAIN §3): every reason seen in marts.churn_events, plus 'none'.");

  public static final TableSpec FACT_ACCOUNT_MONTH = new TableSpec(ZONE, "fact_account_month", schema(
      required("month", DateType, "First day of the month; the partition column."),
      required("date_key", IntegerType, "cube.dim_date key of the month's first day."),
      required("account_id", StringType, "Account (natural key)."),
      required("account_key", LongType, "cube.dim_account version describing the month (its range holds the month's first day)."),
      required("acquisition_key", LongType, "cube.dim_acquisition key of the account's channel and campaign that month."),
      required("geography_key", LongType, "cube.dim_geography key."),
      required("segment_key", LongType, "cube.dim_segment key."),
      required("plan_key", LongType, "cube.dim_plan key."),
      required("lifecycle_key", LongType, "cube.dim_lifecycle key."),
      required("usage_pattern_key", LongType, "cube.dim_usage_pattern key."),
      required("as_of_date", DateType, "Day the month's end state is measured: its last day, or the run date for the run's own month."),
      required("is_customer", BooleanType, "MRR > 0 at as_of_date (end_mrr > 0). Trials and prospects are not customers."),
      required("customer_at_start", BooleanType, "MRR > 0 at the month's start (start_mrr > 0): the logo base of churn rates."),
      required("churned", BooleanType, "The account's MRR fell to zero this month (churn_mrr > 0): logo churn."),
      required("churn_reason_key", LongType, "cube.dim_churn_reason key: the churn event's reason, or 'none'."),
      required("start_mrr", MONEY, "marts.mrr_ledger_account.start_mrr (0 for an account-month without a ledger row)."),
      required("new_mrr", MONEY, "New MRR."),
      required("reactivation_mrr", MONEY, "Reactivation MRR."),
      required("expansion_mrr", MONEY, "Expansion (up-sell) MRR."),
      required("cross_sell_mrr", MONEY, "Cross-sell MRR."),
      required("contraction_mrr", MONEY, "Contraction (down-sell) MRR; positive."),
      required("churn_mrr", MONEY, "Churned MRR; positive."),
      required("fx_mrr", MONEY, "FX movement of the start MRR."),
      required("end_mrr", MONEY, "MRR at as_of_date. start + new + reactivation + expansion + cross_sell - contraction - churn + fx = end."),
      required("start_mrr_at_rate", MONEY, "start_mrr + fx_mrr: the base of revenue rates, as in marts.churn_metrics."),
      required("seats", LongType, "Licensed seats at as_of_date (paid versions of subscriptions.seat-products); 0 without."),
      required("active_users", LongType, "Distinct users with an active event in the month up to as_of_date (marts.user_day)."),
      required("active_days", IntegerType, "Days of the month with an active user."),
      optional("license_utilization", RATIO, "active_users / seats; null when seats = 0."),
      optional("tenure_months", IntegerType, "Months since the account's first month with MRR at its end (0 in that month); null if never a customer."),
      required("renewal_due", BooleanType, "A subscription paying at the month's start renews this month (marts.churn_metrics' renewal pool).")),
      List.of("month"), "Account x month snapshot: customer flag, churn, MRR and each movement, seats, active users, "
          + "utilization, tenure, renewal due. One row per account-month of the MRR ledger or with usage.");

  public static final TableSpec FACT_ACCOUNT_DAY = new TableSpec(ZONE, "fact_account_day", schema(
      required("month", DateType, "First day of activity_date's month; the partition column (BI filters by month)."),
      required("activity_date", DateType, "UTC day."),
      required("date_key", IntegerType, "cube.dim_date key of activity_date."),
      required("account_id", StringType, "Account (natural key)."),
      required("account_key", LongType, "cube.dim_account version of the day's month."),
      required("is_active", BooleanType, "At least one active user that day."),
      required("active_users", LongType, "Users with an active event that day."),
      required("users_seen", LongType, "Users with any event that day."),
      required("events", LongType, "Events, passive ones included."),
      required("active_events", LongType, "Events that are not passive."),
      required("sessions", LongType, "Sessions (marts.user_day.sessions)."),
      required("active_seconds", LongType, "Time in app, seconds."),
      required("features_used", IntegerType, "Distinct features of the day's active events."),
      required("records_created", LongType, "Records created that day (volumetrics)."),
      optional("settings_enabled", IntegerType, "Settings on in that day's configuration snapshot; null without one.")),
      List.of("month"), "Account x day engagement, from marts.account_day, partitioned by month.");

  /**
   * The dimension columns of {@link #CUBE_ROLLUP}: the account's attributes as of the month
   * ({@code cube.dim_account}). {@code cube.rollup-dimensions} picks which of them are grouped.
   */
  public static final List<String> ROLLUP_DIMENSIONS = List.of("acquisition_channel", "region", "industry", "size_band",
      "plan", "arr_tier", "tenure_band", "lifecycle_stage", "frequency_band", "utilization_band", "breadth_band",
      "trend_band", "concentration_band");

  public static final TableSpec CUBE_ROLLUP = new TableSpec(ZONE, "cube_rollup", rollupSchema(),
      List.of("month"), "Pre-aggregated cube: per month, every single dimension, every pair, the triples of "
          + "cube.rollup-triples and the grand total (GROUPING SETS), with additive measures and rates.");

  private static org.apache.spark.sql.types.StructType rollupSchema() {
    List<org.apache.spark.sql.types.StructField> fields = new java.util.ArrayList<>(List.of(
        required("month", DateType, "First day of the month; the partition column."),
        required("grouping_id", LongType, "Spark's grouping_id(): one bit per dimension of cube.rollup-dimensions, the first "
            + "the most significant; a set bit = rolled up over that dimension. Unique per grouping set."),
        required("grouping_level", IntegerType, "How many dimensions the row is grouped by: 0 = the month's grand total, 1, 2 or 3."),
        required("grouping_set", StringType, "The grouped dimensions, comma-separated ('' for the grand total): filter on this, "
            + "e.g. grouping_set = 'acquisition_channel,region'.")));
    for (String dimension : ROLLUP_DIMENSIONS) {
      fields.add(optional(dimension, StringType, "Value of " + dimension + " (cube.dim_account as of the month; 'unknown' when the "
          + "account has none); null when the row is rolled up over it."));
    }
    fields.addAll(List.of(
        required("accounts", LongType, "Account-months in the cell (customers, churned accounts and prospects with usage)."),
        required("customers_start", LongType, "Accounts with MRR at the month's start: the logo base."),
        required("customers_end", LongType, "Accounts with MRR at the month's as_of_date."),
        required("churned_accounts", LongType, "Accounts whose MRR fell to zero this month."),
        required("logo_churn_rate", RATIO, "churned_accounts / customers_start, 0 without a base (as marts.churn_metrics)."),
        required("start_mrr", MONEY, "Sum of start MRR."),
        required("start_mrr_at_rate", MONEY, "Sum of start MRR at this month's FX rate: the base of revenue_churn_rate."),
        required("new_mrr", MONEY, "Sum of new MRR."),
        required("reactivation_mrr", MONEY, "Sum of reactivation MRR."),
        required("expansion_mrr", MONEY, "Sum of expansion MRR."),
        required("cross_sell_mrr", MONEY, "Sum of cross-sell MRR."),
        required("contraction_mrr", MONEY, "Sum of contraction MRR."),
        required("churned_mrr", MONEY, "Sum of churned MRR (churn_mrr)."),
        required("fx_mrr", MONEY, "Sum of FX movements."),
        required("end_mrr", MONEY, "Sum of end MRR."),
        required("revenue_churn_rate", RATIO, "churned_mrr / start_mrr_at_rate, 0 without a base (as marts.churn_metrics)."),
        required("seats", LongType, "Sum of licensed seats."),
        required("active_users", LongType, "Sum of the accounts' monthly active users (a user active in two accounts counts twice)."),
        required("licensed_active_users", LongType, "Active users of accounts with seats: the numerator of license_utilization."),
        optional("license_utilization", RATIO, "licensed_active_users / seats; null without seats.")));
    return schema(fields.toArray(org.apache.spark.sql.types.StructField[]::new));
  }

  public static final List<TableSpec> ALL = List.of(DIM_DATE, DIM_ACCOUNT, DIM_ACQUISITION, DIM_GEOGRAPHY, DIM_SEGMENT,
      DIM_PLAN, DIM_LIFECYCLE, DIM_USAGE_PATTERN, DIM_CHURN_REASON, FACT_ACCOUNT_MONTH, FACT_ACCOUNT_DAY, CUBE_ROLLUP);
}
