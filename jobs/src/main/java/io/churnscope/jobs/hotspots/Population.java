package io.churnscope.jobs.hotspots;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.churnscope.common.UserError;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;

/**
 * The population a search runs on: each dimension as a string (numeric ones cut into quantile
 * bands, missing values as {@value #MISSING}), the outcome as 0/1 in {@value #CHURNED} and the weight
 * in {@value #WEIGHT} (1 without {@code --weight}), plus the id column when one is given.
 *
 * <p>Checked before any search, each with one clear error: every named column exists; the outcome
 * is boolean, 0/1 or yes/no (rows with no outcome are left out and counted); the weight is numeric
 * and not negative; no dimension has more than {@code max-values-per-dimension} distinct values.
 */
public final class Population {
  public static final String CHURNED = "_hotspot_churned";
  public static final String WEIGHT = "_hotspot_weight";
  public static final String MISSING = "(missing)";

  /**
   * @param rows the prepared rows (not cached: the engine decides)
   * @param bands for each banded numeric dimension, its band labels in order
   * @param rowsWithoutOutcome rows left out because their outcome was null
   * @param idColumn the id column, or null; with one, an id's rows are in one partition, next to each other
   */
  public record Prepared(Dataset<Row> rows, List<String> dimensions, Map<String, List<String>> bands,
      long rowsWithoutOutcome, String idColumn) {}

  private Population() {}

  /** A column by its exact name, even with dots or spaces in it. */
  public static Column column(String name) {
    return col("`" + name.replace("`", "``") + "`");
  }

  public static Prepared prepare(Dataset<Row> input, HotspotSpec spec) {
    requireColumns(input, spec);
    Column outcome = binaryOutcome(input, spec.outcome());
    Column weight = spec.weight() == null ? lit(1.0) : column(spec.weight()).cast("double");

    // One pass checks the outcome and weight and counts each dimension's distinct values.
    List<Column> checks = new ArrayList<>(List.of(
        sum(when(column(spec.outcome()).isNotNull().and(outcome.isNull()), 1).otherwise(0)).as("not_binary"),
        functions.first(when(outcome.isNull(), column(spec.outcome()).cast("string")), true).as("example"),
        sum(when(column(spec.outcome()).isNull(), 1).otherwise(0)).as("no_outcome"),
        sum(when(weight.lt(0), 1).otherwise(0)).as("negative_weight"),
        count(lit(1)).as("rows")));
    for (String dimension : spec.dimensions()) {
      checks.add(functions.approx_count_distinct(column(dimension)).as("distinct_" + checks.size()));
    }
    Row check = input.agg(checks.get(0), checks.subList(1, checks.size()).toArray(Column[]::new)).first();
    if (check.getLong(0) > 0) {
      throw new UserError("outcome column '" + spec.outcome() + "' is not binary: " + check.getLong(0)
          + " rows hold values like '" + check.getString(1) + "'; use a boolean, 0/1 or yes/no column");
    }
    if (check.getLong(3) > 0) {
      throw new UserError("weight column '" + spec.weight() + "' has " + check.getLong(3) + " negative values");
    }
    if (check.getLong(4) == check.getLong(2)) {
      throw new UserError("outcome column '" + spec.outcome() + "' has no values: nothing to search");
    }

    Map<String, Long> distinct = new LinkedHashMap<>();
    for (int i = 0; i < spec.dimensions().size(); i++) {
      distinct.put(spec.dimensions().get(i), check.getLong(5 + i));
    }
    Map<String, NumericBands.Bands> banded = NumericBands.fit(input, numericToBand(input, distinct, spec), spec.settings().bins());
    for (Map.Entry<String, Long> d : distinct.entrySet()) {
      if (!banded.containsKey(d.getKey()) && d.getValue() > spec.settings().maxValuesPerDimension()) {
        throw new UserError("dimension '" + d.getKey() + "' has about " + d.getValue() + " distinct values (more than "
            + spec.settings().maxValuesPerDimension() + "): it looks like an identifier; drop it from --dimensions");
      }
    }

    List<Column> columns = new ArrayList<>();
    for (String dimension : spec.dimensions()) {
      Column value = banded.containsKey(dimension)
          ? banded.get(dimension).label(column(dimension))
          : column(dimension).cast("string");
      columns.add(coalesce(value, lit(MISSING)).as(dimension));
    }
    columns.add(outcome.as(CHURNED));
    columns.add(coalesce(weight, lit(0.0)).as(WEIGHT));
    if (spec.idColumn() != null && !spec.dimensions().contains(spec.idColumn())) {
      columns.add(column(spec.idColumn()).cast("string").as(spec.idColumn()));
    }
    Dataset<Row> rows = input.where(column(spec.outcome()).isNotNull()).select(columns.toArray(Column[]::new));
    if (spec.idColumn() != null) {
      // The lattice gathers each id's rows as they pass (its per-account sums): one shuffle here, once.
      rows = rows.repartition(column(spec.idColumn())).sortWithinPartitions(column(spec.idColumn()));
    }
    Map<String, List<String>> bands = new LinkedHashMap<>();
    banded.forEach((name, b) -> bands.put(name, b.labels()));
    return new Prepared(rows, spec.dimensions(), bands, check.getLong(2), spec.idColumn());
  }

  private static void requireColumns(Dataset<Row> input, HotspotSpec spec) {
    List<String> present = Arrays.asList(input.columns());
    List<String> named = new ArrayList<>(spec.dimensions());
    named.add(spec.outcome());
    if (spec.weight() != null) {
      named.add(spec.weight());
    }
    if (spec.idColumn() != null) {
      named.add(spec.idColumn());
    }
    List<String> missing = named.stream().filter(name -> !present.contains(name)).toList();
    if (!missing.isEmpty()) {
      throw new UserError("no column " + String.join(", ", missing) + " in the input; it has " + String.join(", ", present));
    }
    if (spec.dimensions().contains(spec.outcome())) {
      throw new UserError("outcome column '" + spec.outcome() + "' cannot also be a dimension");
    }
    if (spec.weight() != null && !(input.schema().apply(spec.weight()).dataType() instanceof NumericType)) {
      throw new UserError("weight column '" + spec.weight() + "' is not numeric");
    }
  }

  /** 1 for churned, 0 for retained, null for anything else (which the check reports): boolean, 0/1 or yes/no. */
  public static Column binaryOutcome(Dataset<Row> input, String name) {
    DataType type = input.schema().apply(name).dataType();
    Column c = column(name);
    if (type instanceof BooleanType) {
      return when(c, 1).when(c.equalTo(false), 0);
    }
    if (type instanceof NumericType) {
      return when(c.equalTo(1), 1).when(c.equalTo(0), 0);
    }
    Column text = lower(trim(c.cast("string")));
    return when(text.isin("yes", "y", "true", "t", "1", "churned"), 1)
        .when(text.isin("no", "n", "false", "f", "0", "retained"), 0);
  }

  /** Numeric dimensions with more distinct values than bands get banded; 0/1 flags stay values. */
  private static List<String> numericToBand(Dataset<Row> input, Map<String, Long> distinct, HotspotSpec spec) {
    List<String> numeric = new ArrayList<>();
    for (String dimension : spec.dimensions()) {
      DataType type = input.schema().apply(dimension).dataType();
      if (type instanceof NumericType && distinct.get(dimension) > spec.settings().bins()) {
        numeric.add(dimension);
      }
    }
    return numeric;
  }
}
