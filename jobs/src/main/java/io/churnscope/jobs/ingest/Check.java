package io.churnscope.jobs.ingest;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * A reason to reject a record: when {@code failsWhen} is true the record goes to quarantine with
 * {@code reason} and {@code detail}. Checks are tried in order and the first that fails names the
 * reason, so each bad record is counted once.
 */
public record Check(String reason, String detail, Column failsWhen) {
  public static final String REASON = "_reject_reason";
  public static final String DETAIL = "_reject_detail";

  /** Adds {@code reason} and {@code detail} (null for a good record), keeping earlier reasons. */
  public static Dataset<Row> classify(Dataset<Row> records, List<Check> checks) {
    List<String> present = List.of(records.columns());
    Column reason = present.contains(REASON) ? functions.col(REASON) : functions.lit(null).cast("string");
    Column detail = present.contains(DETAIL)
        ? functions.col(DETAIL) : functions.lit(null).cast("string");
    Column newReason = null;
    Column newDetail = null;
    for (Check check : checks) {
      Column fails = functions.coalesce(check.failsWhen(), functions.lit(false));
      newReason = newReason == null ? functions.when(fails, check.reason()) : newReason.when(fails, check.reason());
      newDetail = newDetail == null ? functions.when(fails, check.detail()) : newDetail.when(fails, check.detail());
    }
    if (newReason == null) {
      return records;
    }
    return records
        .withColumn(DETAIL, functions.when(reason.isNull(), newDetail).otherwise(detail))
        .withColumn(REASON, functions.when(reason.isNull(), newReason).otherwise(reason));
  }

  public static Column isGood() {
    return functions.col(REASON).isNull();
  }
}
