package io.churnscope.jobs.cube;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** {@code cube.dim_churn_reason}: every reason of {@code marts.churn_events}, plus {@value #NONE} for months without churn. */
public final class ChurnReasons {
  /** The member of account-months without churn, so the fact's key is never null. */
  public static final String NONE = "none";

  private ChurnReasons() {}

  public static Column key(Column reason) {
    return SurrogateKeys.of(reason);
  }

  public static Dataset<Row> dimension(Dataset<Row> churnEvents) {
    Dataset<Row> none = churnEvents.sparkSession().range(1).select(lit(NONE).as("reason"), lit(NONE).as("reason_group"));
    return churnEvents.select("reason", "reason_group").distinct()
        .unionByName(none)
        .withColumn("churn_reason_key", key(col("reason")));
  }
}
