package io.churnscope.jobs.cube;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * {@code cube.dim_account}, the type-2 account dimension, from the conformed attributes of each
 * account at each month's as-of day ({@link io.churnscope.jobs.dimensions.AccountAttributes}):
 * consecutive months with equal attributes collapse into one version valid from the first day of its
 * first month to the day before the next version (or {@value #OPEN_END}). A month is reported with
 * the version whose range holds the month's first day, so an old month keeps the values it had then.
 *
 * <p>Attribute values the sources do not know are {@value #UNKNOWN}, so BI filters and the rollup
 * never meet a null member. {@code account_key} hashes {@code account_id} and {@code valid_from}:
 * a closed month's version keeps its key when later months add versions after it.
 */
public final class AccountHistory {
  public static final String UNKNOWN = "unknown";
  public static final String OPEN_END = "9999-12-31";

  /** The type-2 attributes, in {@code AccountAttributes} order. */
  public static final List<String> ATTRIBUTES = List.of("acquisition_channel", "campaign", "country", "region", "state",
      "industry", "size_band", "plan", "arr_tier", "tenure_band", "lifecycle_stage", "frequency_band",
      "utilization_band", "breadth_band", "trend_band", "concentration_band");

  private AccountHistory() {}

  /** @param monthlyAttributes {@code account_id, month} and {@link #ATTRIBUTES} (one row per account-month) */
  public static Dataset<Row> versions(Dataset<Row> monthlyAttributes) {
    List<Column> known = new java.util.ArrayList<>(List.of(col("account_id"), col("month")));
    ATTRIBUTES.forEach(a -> known.add(coalesce(col(a).cast("string"), lit(UNKNOWN)).as(a)));
    Column values = struct(ATTRIBUTES.stream().map(a -> col(a)).toArray(Column[]::new));
    WindowSpec byMonth = Window.partitionBy("account_id").orderBy("month");
    Column changed = when(lag(values, 1).over(byMonth).eqNullSafe(values), lit(0)).otherwise(lit(1));
    Dataset<Row> numbered = monthlyAttributes.select(known.toArray(Column[]::new))
        .withColumn("starts_version", changed)
        .withColumn("version_number", sum("starts_version").over(byMonth.rowsBetween(Window.unboundedPreceding(), Window.currentRow())));
    Column[] firstValues = ATTRIBUTES.stream().map(a -> first(col(a)).as(a)).toArray(Column[]::new);
    Dataset<Row> ranges = numbered.groupBy("account_id", "version_number")
        .agg(min("month").as("valid_from"), firstValues);
    WindowSpec byStart = Window.partitionBy("account_id").orderBy("valid_from");
    Column next = lead(col("valid_from"), 1).over(byStart);
    return ranges
        .withColumn("valid_to", coalesce(date_sub(next, 1), lit(Date.valueOf(OPEN_END))))
        .withColumn("is_current", next.isNull())
        .withColumn("version_number", col("version_number").cast("int"))
        .withColumn("account_key", key(col("account_id"), col("valid_from")));
  }

  public static Column key(Column accountId, Column validFrom) {
    return SurrogateKeys.of(accountId, validFrom);
  }
}
