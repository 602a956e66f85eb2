package io.churnscope.jobs.cube;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.trunc;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code cube.fact_account_day} from {@code marts.account_day}: the daily engagement measures with a
 * date key and a month. Partitioned by month, not by day: BI filters and the rollups work by month,
 * and a month of a few thousand accounts is one file of a few hundred kB where daily partitions would
 * be thirty tiny ones; a day filter still skips files by Delta's min/max statistics.
 */
public final class AccountDayFacts {
  private AccountDayFacts() {}

  /** @param history {@code cube.dim_account}: each day gets the version of its month */
  public static Dataset<Row> apply(Dataset<Row> accountDay, Dataset<Row> history) {
    Dataset<Row> versions = history.select(col("account_id").as("h_account_id"), col("valid_from"), col("valid_to"), col("account_key"));
    return accountDay
        .withColumn("month", trunc(col("activity_date"), "month"))
        .join(versions, col("h_account_id").equalTo(col("account_id"))
            .and(col("month").between(col("valid_from"), col("valid_to"))), "left")
        .withColumn("date_key", DimDate.key(col("activity_date")))
        .withColumn("features_used", size(col("features")));
  }
}
