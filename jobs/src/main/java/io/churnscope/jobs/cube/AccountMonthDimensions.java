package io.churnscope.jobs.cube;

import static org.apache.spark.sql.functions.col;

import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.schema.CubeTables;
import io.churnscope.jobs.dimensions.AccountAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/**
 * Ties the account-months to their dimensions. The attribute values come only from
 * {@link AccountAttributes} (never computed here), so a cube slice and a hot-spot agree by construction.
 */
public final class AccountMonthDimensions {
  private AccountMonthDimensions() {}

  /** {@code account_id, month} and the account's attributes at the month's as-of day (its end, or the run date). */
  public static Dataset<Row> attributesByMonth(SparkSession spark, RunContext run, Dataset<Row> accountMonths) {
    Dataset<Row> keys = accountMonths.select("account_id", "as_of_date");
    Dataset<Row> attributes = AccountAttributes.asOf(spark, run.lake(), run.config(), keys);
    List<Column> columns = new ArrayList<>(List.of(col("m_account_id").as("account_id"), col("month")));
    AccountHistory.ATTRIBUTES.forEach(a -> columns.add(col(a)));
    return accountMonths.select(col("account_id").as("m_account_id"), col("as_of_date").as("m_as_of_date"), col("month"))
        .join(attributes, col("account_id").equalTo(col("m_account_id")).and(col("as_of_date").equalTo(col("m_as_of_date"))), "left")
        .select(columns.toArray(Column[]::new));
  }

  /**
   * The account-months with the attributes of the version whose range holds the month's first day,
   * its {@code account_key} and the key of every small dimension.
   */
  public static Dataset<Row> describe(Dataset<Row> accountMonths, Dataset<Row> history) {
    List<Column> version = new ArrayList<>(List.of(col("account_id").as("h_account_id"), col("valid_from"), col("valid_to"),
        col("account_key")));
    AccountHistory.ATTRIBUTES.forEach(a -> version.add(col(a)));
    Dataset<Row> described = accountMonths.join(history.select(version.toArray(Column[]::new)),
        col("h_account_id").equalTo(col("account_id"))
            .and(col("month").between(col("valid_from"), col("valid_to"))), "left");
    for (TableSpec dimension : CubeTables.ATTRIBUTE_DIMENSIONS) {
      described = described.withColumn(keyColumn(dimension), SurrogateKeys.of(attributeColumns(dimension)));
    }
    return described;
  }

  /** The members of a small dimension: the distinct attribute combinations of every account version. */
  public static Dataset<Row> members(Dataset<Row> history, TableSpec dimension) {
    return history.select(attributeColumns(dimension)).distinct()
        .withColumn(keyColumn(dimension), SurrogateKeys.of(attributeColumns(dimension)));
  }

  private static String keyColumn(TableSpec dimension) {
    return dimension.schema().fields()[0].name();
  }

  private static Column[] attributeColumns(TableSpec dimension) {
    StructField[] fields = dimension.schema().fields();
    return Arrays.stream(fields, 1, fields.length).map(f -> col(f.name())).toArray(Column[]::new);
  }
}
