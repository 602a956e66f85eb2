package io.churnscope.jobs.subscriptions;

import static io.churnscope.common.schema.StagedTables.RATE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.try_divide;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The FX rate of each month's start: for every month and currency, the first rate on or after the
 * month's first day, expressed in the base currency ({@code rate_to_usd(currency) /
 * rate_to_usd(base)}, rounded to 10 decimals; exactly {@code rate_to_usd} when the base is USD).
 * USD is 1 by definition. A currency with no rate on or after a month's first day has no row for that
 * month (the ledger's gate then fails the run rather than guessing).
 *
 * <p>Output: {@code month, currency, rate_to_base}.
 */
public final class MonthStartRates {
  private MonthStartRates() {}

  /**
   * @param fx {@code staged.fx_rates}
   * @param months one column {@code month} (first days)
   */
  public static Dataset<Row> apply(Dataset<Row> fx, Dataset<Row> months, String baseCurrency) {
    Dataset<Row> usdRates = fx.where(col("currency").notEqual("USD")).select("rate_date", "currency", "rate_to_usd");
    Dataset<Row> toUsd = months.join(usdRates, col("rate_date").geq(col("month")))
        .groupBy("month", "currency").agg(min_by(col("rate_to_usd"), col("rate_date")).as("rate_to_usd"))
        .unionByName(months.select(col("month"), lit("USD").as("currency"), lit(1).cast(RATE).as("rate_to_usd")));
    if ("USD".equals(baseCurrency)) {
      return toUsd.select(col("month"), col("currency"), col("rate_to_usd").cast(RATE).as("rate_to_base"));
    }
    Dataset<Row> base = toUsd.where(col("currency").equalTo(baseCurrency))
        .select(col("month").as("base_month"), col("rate_to_usd").as("base_to_usd"));
    return toUsd.join(base, col("month").equalTo(col("base_month")))
        .select(col("month"), col("currency"),
            round(try_divide(col("rate_to_usd"), col("base_to_usd")), 10).cast(RATE).as("rate_to_base"));
  }
}
