package io.churnscope.jobs.ingest;

import io.churnscope.common.schema.RawFeed;
import io.churnscope.common.run.DataFlow;
import io.churnscope.common.schema.RawFeed;
import static io.churnscope.common.schema.StagedTables.MONEY;
import static io.churnscope.common.schema.StagedTables.RATE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.StagedTables;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;

/**
 * Stage {@code ingest-billing}: FX rates, subscription versions and invoices from the billing
 * export to {@code staged.fx_rates}, {@code staged.subscription_versions}, {@code staged.invoices}.
 * Negative amounts and currencies outside {@code ingest.currencies} are quarantined.
 */
public final class BillingIngest implements Stage {
  static final RawSource FX_RATES = RawSource.csv(RawFeed.FX_RATES,
      List.of(Field.required("rate_date", DateType), Field.required("currency", StringType),
          Field.required("rate_to_usd", RATE)),
      List.of("rate_date", "currency"));

  static final RawSource SUBSCRIPTIONS = RawSource.csv(RawFeed.SUBSCRIPTIONS,
      List.of(
          Field.required("subscription_id", StringType), Field.required("version", IntegerType),
          Field.required("account_id", StringType), Field.required("product", StringType),
          Field.required("plan", StringType), Field.required("billing_interval", StringType),
          Field.required("quantity", IntegerType), Field.required("unit_amount", MONEY),
          Field.required("currency", StringType), Field.required("status", StringType),
          Field.optional("trial_start", DateType), Field.optional("trial_end", DateType),
          Field.required("start_date", DateType), Field.required("effective_date", DateType),
          Field.optional("cancel_requested_at", DateType), Field.optional("ended_at", DateType),
          Field.optional("cancel_reason", StringType), Field.required("updated_at", TimestampType)),
      List.of("subscription_id", "version"));

  static final RawSource INVOICES = RawSource.csv(RawFeed.INVOICES,
      List.of(
          Field.required("invoice_id", StringType), Field.required("subscription_id", StringType),
          Field.required("account_id", StringType), Field.required("invoice_date", DateType),
          Field.required("kind", StringType), Field.required("amount", MONEY),
          Field.required("currency", StringType), Field.optional("period_start", DateType),
          Field.optional("period_end", DateType)),
      List.of("invoice_id"));

  private static final UnaryOperator<org.apache.spark.sql.Dataset<org.apache.spark.sql.Row>> AS_IS = rows -> rows;

  @Override
  public String name() {
    return "ingest-billing";
  }

  @Override
  public String description() {
    return "billing export (FX rates, subscriptions, invoices) → staged";
  }

  @Override
  public DataFlow dataFlow() {
    return IngestFlows.of(List.of(RawFeed.FX_RATES, RawFeed.SUBSCRIPTIONS, RawFeed.INVOICES),
        StagedTables.FX_RATES, StagedTables.SUBSCRIPTION_VERSIONS, StagedTables.INVOICES);
  }

  @Override
  public void validate(io.churnscope.common.config.ChurnscopeConfig config) {
    IngestSettings.validate(config);
  }

  @Override
  public StageResult run(SparkSession spark, RunContext run) {
    Column unknownCurrency = unknownCurrency(run.config());
    StageResult fx = new TableIngestion(FX_RATES, StagedTables.FX_RATES,
        List.of(new Check("unknown_currency", "currency", unknownCurrency),
            new Check("negative_amount", "rate_to_usd", col("rate_to_usd").lt(0)),
            new Check("invalid_value", "rate_to_usd", col("rate_to_usd").equalTo(0))),
        false, AS_IS).run(spark, run);
    StageResult subscriptions = new TableIngestion(SUBSCRIPTIONS, StagedTables.SUBSCRIPTION_VERSIONS,
        List.of(new Check("unknown_currency", "currency", unknownCurrency),
            new Check("negative_amount", "unit_amount", col("unit_amount").lt(0)),
            new Check("invalid_value", "quantity", col("quantity").lt(0)),
            new Check("invalid_value", "billing_interval", col("billing_interval").isin("month", "year").unary_$bang()),
            new Check("invalid_value", "status",
                col("status").isin("trialing", "active", "past_due", "canceled").unary_$bang()),
            EventTime.future("updated_at", run.config())),
        true, rows -> rows.withColumn("amount", col("unit_amount").multiply(col("quantity")))).run(spark, run);
    StageResult invoices = new TableIngestion(INVOICES, StagedTables.INVOICES,
        List.of(new Check("unknown_currency", "currency", unknownCurrency),
            new Check("negative_amount", "amount", col("amount").lt(0)),
            new Check("invalid_value", "kind", col("kind").isin("recurring", "proration", "one_off", "refund").unary_$bang())),
        true, AS_IS).run(spark, run);
    return fx.plus(subscriptions).plus(invoices);
  }

  static Column unknownCurrency(ChurnscopeConfig config) {
    return upper(col("currency")).isin(IngestSettings.CURRENCIES.from(config).toArray()).unary_$bang();
  }
}
