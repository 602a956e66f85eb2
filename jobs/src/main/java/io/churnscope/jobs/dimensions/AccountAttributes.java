package io.churnscope.jobs.dimensions;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.jobs.subscriptions.SubscriptionSettings;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.schema.EngagementTables;
import io.churnscope.common.schema.MartTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.jobs.engagement.AccountEngagement;
import io.churnscope.jobs.engagement.EngagementSettings;
import io.churnscope.jobs.subscriptions.LicensedSeats;
import io.churnscope.jobs.subscriptions.ArrTiers;
import io.churnscope.jobs.subscriptions.SubscriptionsAsOf;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The conformed account attributes as they stood at the end of any date: the cube's type-2 account
 * dimension and the hot-spot look-back both read them, so a hot-spot and a cube slice agree
 * (DOMAIN §5, §6; docs/dimensions.md lists every column).
 *
 * <p>Input keys {@code account_id, as_of_date} (many dates per account allowed); output one row per
 * distinct key:
 * <ul>
 *   <li>CRM ({@code staged.crm_accounts} is a change history): the latest row with
 *       {@code last_modified_at} on or before the date (UTC day) — {@code acquisition_channel,
 *       campaign, country, region} ({@link DimensionSettings#region}), {@code state, industry,
 *       size_band} (employee_count by {@code dimensions.size-band-edges}); null before the CRM
 *       knew the account.</li>
 *   <li>Subscriptions in force ({@link SubscriptionsAsOf}): {@code plan} (the core plan),
 *       {@code arr_tier} (12 × MRR by {@link ArrTiers}), {@code tenure_band} (days of the current
 *       paid spell by {@code dimensions.tenure-band-edges-days}), {@code lifecycle_stage}:
 *       {@code onboarding} (paying, tenure under {@code subscriptions.stick-point-days}),
 *       {@code adoption} (paying, past it), {@code trial} (an open trial, not paying),
 *       {@code churned} (paid before, not now), {@code prospect} (never paid).</li>
 *   <li>Usage ({@link AccountEngagement#at} over {@code marts.account_day} / {@code marts.user_day}
 *       windows ending on the date, the same bands and edges as {@code marts.account_engagement}):
 *       {@code frequency_band, utilization_band, breadth_band, trend_band, concentration_band}; null
 *       when the rollups do not cover the date's MAU window (usage history starts later).</li>
 * </ul>
 * One pass of range joins over all keys (no loop per date): a few Spark jobs whatever the number of dates.
 * The usage rollups are read only for the days the keys' windows reach ({@link #usageDaysRead}).
 */
public final class AccountAttributes {
  /** The output columns, in order. */
  public static final List<String> COLUMNS = List.of("account_id", "as_of_date", "acquisition_channel", "campaign",
      "country", "region", "state", "industry", "size_band", "plan", "arr_tier", "tenure_band", "lifecycle_stage",
      "frequency_band", "utilization_band", "breadth_band", "trend_band", "concentration_band");

  /** The tables the attributes are read from ({@link Sources#read}): a stage that uses them reads these. */
  public static final List<TableSpec> TABLES = List.of(StagedTables.CRM_ACCOUNTS, StagedTables.SUBSCRIPTION_VERSIONS,
      StagedTables.FX_RATES, MartTables.CHURN_EVENTS, EngagementTables.ACCOUNT_DAY, EngagementTables.USER_DAY);

  /** The tables the attributes are read from. */
  public record Sources(Dataset<Row> crmAccounts, Dataset<Row> versions, Dataset<Row> fxRates,
      Dataset<Row> churnEvents, Dataset<Row> accountDays, Dataset<Row> userDays) {
    public static Sources read(SparkSession spark, Lake lake) {
      return new Sources(DeltaIO.readOrEmpty(spark, lake, StagedTables.CRM_ACCOUNTS),
          DeltaIO.readOrEmpty(spark, lake, StagedTables.SUBSCRIPTION_VERSIONS),
          DeltaIO.readOrEmpty(spark, lake, StagedTables.FX_RATES),
          DeltaIO.readOrEmpty(spark, lake, MartTables.CHURN_EVENTS),
          DeltaIO.readOrEmpty(spark, lake, EngagementTables.ACCOUNT_DAY),
          DeltaIO.readOrEmpty(spark, lake, EngagementTables.USER_DAY));
    }
  }

  private AccountAttributes() {}

  /** Reads the lake's staged and marts tables; see the class comment. */
  public static Dataset<Row> asOf(SparkSession spark, Lake lake, ChurnscopeConfig config, Dataset<Row> keys) {
    return asOf(Sources.read(spark, lake), config, keys);
  }

  public static Dataset<Row> asOf(Sources in, ChurnscopeConfig config, Dataset<Row> keys) {
    DimensionSettings dims = DimensionSettings.from(config);
    EngagementSettings usage = EngagementSettings.from(config);
    ArrTiers tiers = ArrTiers.from(config);
    int stickPoint = SubscriptionSettings.STICK_POINT_DAYS.from(config);
    String[] key = {"account_id", "as_of_date"};
    Dataset<Row> dates = keys.select(col("account_id"), col("as_of_date").cast("date").as("as_of_date")).distinct();

    Dataset<Row> crm = crmAsOf(in.crmAccounts(), dates, dims);

    Dataset<Row> subscriptions = SubscriptionsAsOf.at(in.versions(), in.fxRates(), in.churnEvents(), dates,
        SubscriptionSettings.BASE_CURRENCY.from(config), usage.seatProducts());

    Dataset<Row> seats = LicensedSeats.at(in.versions(), dates, usage.seatProducts());
    // The first rolled-up day of the whole table (not of the days read): it says whether a window is covered.
    Dataset<Row> firstDay = in.accountDays().agg(min("activity_date").as("first_rolled_up_day"));
    Column read = usageDaysRead(dates, usage);
    Dataset<Row> engagement = AccountEngagement.at(dates, in.accountDays().where(read), in.userDays().where(read), seats, usage)
        .crossJoin(firstDay)
        // Bands need the whole MAU window rolled up; before that the usage is unknown, not dormant.
        .withColumn("covered", col("first_rolled_up_day").isNotNull()
            .and(date_sub(col("as_of_date"), usage.mauWindowDays() - 1).geq(col("first_rolled_up_day"))));

    Column paying = col("mrr").gt(0);
    Column stage = when(paying.and(col("tenure_days").lt(stickPoint)), lit("onboarding"))
        .when(paying, lit("adoption"))
        .when(col("trial_open"), lit("trial"))
        .when(col("last_churn_date").isNotNull(), lit("churned"))
        .otherwise(lit("prospect"));
    return dates
        .join(crm, key, "left")
        .join(subscriptions, key, "left")
        .join(engagement, key, "left")
        .select(col("account_id"), col("as_of_date"),
            col("acquisition_channel"), col("campaign"), col("country"), col("region"), col("state"), col("industry"),
            col("size_band"),
            col("plan"), when(paying, tiers.tierOf(col("mrr").multiply(12))).as("arr_tier"),
            dims.tenureBand(col("tenure_days")).as("tenure_band"), stage.as("lifecycle_stage"),
            usageBand("frequency_band"), usageBand("utilization_band"), usageBand("breadth_band"),
            usageBand("trend_band"), usageBand("concentration_band"));
  }

  /**
   * The CRM attributes of each key: the latest {@code staged.crm_accounts} row with {@code last_modified_at}
   * on or before the key's date (UTC day); {@code account_id, as_of_date, acquisition_channel, campaign,
   * country, region, state, industry, size_band}, only for keys the CRM knew by then.
   */
  public static Dataset<Row> crmAsOf(Dataset<Row> crmAccounts, Dataset<Row> keys, DimensionSettings dims) {
    return keys.select("account_id", "as_of_date")
        .join(crmAccounts.select(col("account_id").as("c_account_id"), col("last_modified_at"),
            struct(col("acquisition_channel"), col("campaign"), col("country"), col("state"), col("industry"),
                col("employee_count")).as("c")),
            col("c_account_id").equalTo(col("account_id"))
                .and(to_date(col("last_modified_at")).leq(col("as_of_date"))))
        .groupBy("account_id", "as_of_date")
        .agg(max_by(col("c"), col("last_modified_at")).as("c"))
        .select(col("account_id"), col("as_of_date"), col("c.acquisition_channel").as("acquisition_channel"),
            col("c.campaign").as("campaign"), col("c.country").as("country"), dims.region(col("c.country")).as("region"),
            col("c.state").as("state"), col("c.industry").as("industry"),
            dims.sizeBand(col("c.employee_count")).as("size_band"));
  }

  /**
   * The usage days some key's windows reach: from {@link AccountEngagement#firstDayRead} of the earliest
   * {@code as_of_date} to the latest. A literal range on the partition column, so Delta reads only
   * those days: the cube asks for recent months only and its nightly cost must not follow the length
   * of the usage history. Costs one small job on the keys (their date range).
   */
  static Column usageDaysRead(Dataset<Row> dates, EngagementSettings usage) {
    Row range = dates.agg(min("as_of_date"), max("as_of_date")).first();
    if (range.isNullAt(0)) {
      return lit(false);
    }
    LocalDate from = AccountEngagement.firstDayRead(range.getDate(0).toLocalDate(), usage);
    return col("activity_date").between(lit(Date.valueOf(from)), lit(range.getDate(1)));
  }

  private static Column usageBand(String name) {
    return when(col("covered"), col(name)).as(name);
  }
}
