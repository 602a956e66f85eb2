package io.churnscope.common.lake;

import io.delta.tables.DeltaTable;
import io.delta.tables.DeltaTableBuilder;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;

/**
 * Reading and writing Churnscope's Delta tables. Every write is one Delta commit, so a run that
 * fails midway leaves the previously published version readable and unchanged.
 */
public final class DeltaIO {
  private DeltaIO() {}

  public static boolean exists(SparkSession spark, String path) {
    return DeltaTable.isDeltaTable(spark, path);
  }

  public static Dataset<Row> read(SparkSession spark, Lake lake, TableSpec table) {
    TableAccess.read(table);
    String path = lake.path(table);
    if (!exists(spark, path)) {
      throw new IllegalStateException(table.qualifiedName() + " does not exist at " + path
          + ": run the stage that writes it first");
    }
    return spark.read().format("delta").load(path);
  }

  /** The table, or an empty frame of its schema when no run has written it yet. */
  public static Dataset<Row> readOrEmpty(SparkSession spark, Lake lake, TableSpec table) {
    TableAccess.read(table);
    String path = lake.path(table);
    return exists(spark, path)
        ? spark.read().format("delta").load(path)
        : spark.createDataFrame(List.of(), table.schema());
  }

  /** Creates the table with its declared schema, nullability, comments and partitioning if absent. */
  public static void createIfAbsent(SparkSession spark, Lake lake, TableSpec table) {
    TableAccess.wrote(table);
    String path = lake.path(table);
    if (exists(spark, path)) {
      return;
    }
    DeltaTableBuilder builder = DeltaTable.createIfNotExists(spark)
        .location(path)
        .addColumns(table.schema())
        .comment(table.comment());
    if (!table.partitionBy().isEmpty()) {
      builder = builder.partitionedBy(table.partitionBy().toArray(String[]::new));
    }
    builder.execute();
  }

  /**
   * Atomically replaces exactly the rows matching {@code predicate} with {@code rows}: the
   * idempotent write of a run (re-running a date replaces what that date wrote, nothing else).
   */
  public static void replaceWhere(SparkSession spark, Lake lake, TableSpec table, Dataset<Row> rows, String predicate) {
    TableAccess.wrote(table);
    createIfAbsent(spark, lake, table);
    WriteFaults.before(table);
    conform(rows, table).write().format("delta")
        .mode("overwrite")
        .option("replaceWhere", predicate)
        // A column a later release added to the spec is added to the table (older rows: null).
        .option("mergeSchema", "true")
        // A partitioned table (events by day) gets one file per partition rather than one per task
        // and partition; for the small tables the extra shuffle would cost more than it saves.
        .option("optimizeWrite", String.valueOf(!table.partitionBy().isEmpty()))
        .save(lake.path(table));
    WriteFaults.after(table);
  }

  /**
   * Atomically replaces the whole table (small snapshots and dimensions), schema included, so a
   * table written by an older release takes the spec's current columns.
   */
  public static void overwrite(SparkSession spark, Lake lake, TableSpec table, Dataset<Row> rows) {
    TableAccess.wrote(table);
    createIfAbsent(spark, lake, table);
    WriteFaults.before(table);
    conform(rows, table).write().format("delta")
        .mode("overwrite")
        .option("overwriteSchema", "true")
        .save(lake.path(table));
    WriteFaults.after(table);
  }

  public static void append(SparkSession spark, Lake lake, TableSpec table, Dataset<Row> rows) {
    append(spark, lake, table, rows, false);
  }

  /**
   * Appends; with {@code addNewColumns} a table created by an older release gains the columns its
   * spec has since added (older rows read them as null) instead of refusing the write.
   */
  public static void append(SparkSession spark, Lake lake, TableSpec table, Dataset<Row> rows, boolean addNewColumns) {
    TableAccess.wrote(table);
    createIfAbsent(spark, lake, table);
    WriteFaults.before(table);
    conform(rows, table).write().format("delta").mode("append")
        .option("mergeSchema", String.valueOf(addNewColumns))
        .save(lake.path(table));
    WriteFaults.after(table);
  }

  /**
   * Selects the table's columns in order, cast to their declared types. A missing column is a
   * programming error and fails here, before anything is written.
   */
  public static Dataset<Row> conform(Dataset<Row> rows, TableSpec table) {
    Set<String> present = Arrays.stream(rows.columns()).collect(Collectors.toSet());
    List<String> missing = Arrays.stream(table.schema().fields())
        .map(StructField::name).filter(name -> !present.contains(name)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException("rows for " + table.qualifiedName() + " lack columns " + missing);
    }
    Column[] columns = Arrays.stream(table.schema().fields())
        .map(f -> functions.col(f.name()).cast(f.dataType()).as(f.name(), f.metadata()))
        .toArray(Column[]::new);
    return rows.select(columns);
  }
}
