package io.churnscope.jobs.cube;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.schema.CubeTables;
import io.churnscope.jobs.dimensions.AccountAttributes;
import java.sql.Date;
import java.time.LocalDate;
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
 * {@link AccountAttributes} (never computed here), so a cube slice and a hot-spot agree by construction:
 * evaluated tonight for the open months, and for a closed month the values it was published with.
 */
public final class AccountMonthDimensions {
  /** The column of {@link #attributesByMonth} saying whether an account-month's attributes were evaluated tonight. */
  public static final String EVALUATED = "attributes_evaluated";

  private AccountMonthDimensions() {}

  /**
   * The attributes of the closed account-months the published cube already holds: {@code account_id,
   * month, as_of_date} of {@code cube.fact_account_month} before {@code firstOpenMonth} with the
   * attributes of the {@code cube.dim_account} version the row points at ({@code unknown} for what the
   * sources did not say, as {@link AccountHistory} wrote them). A row whose version is gone from
   * dim_account (a run that stopped between the two writes) is left out, so it is evaluated again.
   */
  public static Dataset<Row> publishedAttributes(Dataset<Row> publishedFacts, Dataset<Row> publishedAccounts,
      LocalDate firstOpenMonth) {
    List<Column> version = new ArrayList<>(List.of(col("account_key").as("d_account_key")));
    AccountHistory.ATTRIBUTES.forEach(a -> version.add(col(a)));
    List<Column> columns = new ArrayList<>(List.of(col("account_id"), col("month"), col("as_of_date")));
    AccountHistory.ATTRIBUTES.forEach(a -> columns.add(col(a)));
    return publishedFacts.where(col("month").lt(lit(Date.valueOf(firstOpenMonth))))
        .select("account_id", "month", "as_of_date", "account_key")
        .join(publishedAccounts.select(version.toArray(Column[]::new)), col("account_key").equalTo(col("d_account_key")))
        .select(columns.toArray(Column[]::new));
  }

  /**
   * {@code account_id, month}, the account's attributes at the month's attributes day (its as-of day —
   * its end, or the run date — or, in a churn month, the day before the churn:
   * {@link AccountMonthFacts#ATTRIBUTES_DATE}) and {@value #EVALUATED}. An account-month found in {@code published} ({@link #publishedAttributes}:
   * a closed month, published with the same as-of day) keeps the attributes it was published with;
   * every other one — the open months, and any closed account-month the cube does not hold yet — is
   * evaluated by {@link AccountAttributes#asOf}, so a night's cost follows the open months, not the history.
   */
  public static Dataset<Row> attributesByMonth(SparkSession spark, RunContext run, Dataset<Row> accountMonths,
      Dataset<Row> published) {
    String[] key = {"account_id", "month", "as_of_date"};
    Dataset<Row> months = accountMonths.select(key[0], key[1], key[2], AccountMonthFacts.ATTRIBUTES_DATE);
    Dataset<Row> kept = months.join(published, key);
    Dataset<Row> toEvaluate = months.join(published, key, "left_anti");
    Dataset<Row> attributes = AccountAttributes.asOf(spark, run.lake(), run.config(),
            toEvaluate.select(col("account_id"), col(AccountMonthFacts.ATTRIBUTES_DATE).as("as_of_date")).distinct())
        .withColumnRenamed("account_id", "a_account_id").withColumnRenamed("as_of_date", "a_as_of_date");
    Dataset<Row> evaluated = toEvaluate.join(attributes, col("account_id").equalTo(col("a_account_id"))
        .and(col(AccountMonthFacts.ATTRIBUTES_DATE).equalTo(col("a_as_of_date"))), "left");
    return withAttributes(kept, false).unionByName(withAttributes(evaluated, true));
  }

  private static Dataset<Row> withAttributes(Dataset<Row> rows, boolean evaluated) {
    List<Column> columns = new ArrayList<>(List.of(col("account_id"), col("month")));
    AccountHistory.ATTRIBUTES.forEach(a -> columns.add(col(a).cast("string").as(a)));
    columns.add(lit(evaluated).as(EVALUATED));
    return rows.select(columns.toArray(Column[]::new));
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
