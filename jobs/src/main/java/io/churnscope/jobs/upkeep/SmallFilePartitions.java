package io.churnscope.jobs.upkeep;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.churnscope.common.config.MaintainSettings;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The partitions of a Delta table worth an {@code OPTIMIZE}: at least {@code maintain.optimize.min-files}
 * live files averaging under {@code maintain.optimize.max-average-file-mb}. Found from the table's
 * snapshot in Delta's log (its {@code add} actions: partition values and sizes), counted per
 * partition by a Spark aggregation, so the driver receives only the partitions that qualify — never
 * the table's file list — and the work follows what the nights changed, not the table's size.
 *
 * <p>The {@code OPTIMIZE} that follows names those partitions in its {@code WHERE}, so every other
 * partition keeps its files: a first {@code maintain} on a year of daily partitions of two files
 * each rewrites nothing, where a whole-table {@code OPTIMIZE} rewrote (and, until {@code VACUUM},
 * doubled) the table.
 *
 * @param liveFiles the snapshot's file count
 * @param partitions the qualifying partitions, most files first, at most {@link #MAX_PARTITIONS}
 * @param more how many further partitions qualify (left for the next run)
 */
record SmallFilePartitions(long liveFiles, List<Partition> partitions, long more) {
  /**
   * At most this many partitions per table and run: bounds the driver's list and the OPTIMIZE's
   * predicate on a lake never maintained before; the rest are compacted by the next runs.
   */
  static final int MAX_PARTITIONS = 100;

  /**
   * One partition with small files.
   *
   * @param columns the table's partition columns (none: unpartitioned)
   * @param values each column's value, as Delta's log keeps it: a string, or null
   * @param files its live files
   */
  record Partition(List<String> columns, List<String> values, long files) {
    /** The SQL predicate selecting exactly this partition, e.g. {@code `event_date` = '2026-10-02'}. */
    String predicate() {
      List<String> terms = new ArrayList<>();
      for (int i = 0; i < columns.size(); i++) {
        String column = "`" + columns.get(i).replace("`", "``") + "`";
        String value = values.get(i);
        terms.add(value == null ? column + " IS NULL" : column + " = '" + value.replace("\\", "\\\\").replace("'", "\\'") + "'");
      }
      return "(" + String.join(" AND ", terms) + ")";
    }
  }

  boolean none() {
    return partitions.isEmpty();
  }

  /** The OPTIMIZE predicate over every qualifying partition, or "" for an unpartitioned table. */
  String predicate() {
    if (partitions.isEmpty() || partitions.get(0).columns().isEmpty()) {
      return "";
    }
    return String.join(" OR ", partitions.stream().map(Partition::predicate).toList());
  }

  long files() {
    return partitions.stream().mapToLong(Partition::files).sum();
  }

  static SmallFilePartitions of(SparkSession spark, String path, MaintainSettings settings) {
    Snapshot snapshot = DeltaLog.forTableWithSnapshot(spark, path)._2();
    long liveFiles = snapshot.numOfFiles();
    if (liveFiles < settings.optimizeMinFiles()) {
      // No partition can reach min-files: no Spark job at all.
      return new SmallFilePartitions(liveFiles, List.of(), 0);
    }
    List<String> columns = CollectionConverters.asJava(snapshot.metadata().partitionColumns());
    List<Column> keys = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      keys.add(col("partitionValues").getItem(columns.get(i)).as("p" + i));
    }
    Dataset<Row> files = snapshot.allFiles().toDF().select(concat(keys, col("size")));
    Dataset<Row> perPartition = (keys.isEmpty() ? files.groupBy() : files.groupBy(names(columns.size())))
        .agg(count(lit(1)).as("files"), sum("size").as("bytes"))
        .where(col("files").geq(settings.optimizeMinFiles())
            .and(col("bytes").divide(col("files")).lt(settings.optimizeMaxAverageFileMb() * (1 << 20))))
        .orderBy(desc("files"));
    List<Row> rows = perPartition.limit(MAX_PARTITIONS + 1).collectAsList();
    List<Partition> partitions = new ArrayList<>();
    for (Row row : rows.subList(0, Math.min(rows.size(), MAX_PARTITIONS))) {
      List<String> values = new ArrayList<>();
      for (int i = 0; i < columns.size(); i++) {
        values.add(row.isNullAt(i) ? null : row.getString(i));
      }
      partitions.add(new Partition(columns, values, row.<Long>getAs("files")));
    }
    long more = rows.size() > MAX_PARTITIONS ? perPartition.count() - MAX_PARTITIONS : 0;
    return new SmallFilePartitions(liveFiles, partitions, more);
  }

  private static Column[] concat(List<Column> keys, Column size) {
    List<Column> all = new ArrayList<>(keys);
    all.add(size);
    return all.toArray(Column[]::new);
  }

  private static Column[] names(int count) {
    Column[] names = new Column[count];
    for (int i = 0; i < count; i++) {
      names[i] = col("p" + i);
    }
    return names;
  }
}
