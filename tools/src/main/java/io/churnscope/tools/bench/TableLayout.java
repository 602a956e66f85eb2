package io.churnscope.tools.bench;

import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.jobs.catalog.PublishedTables;
import io.delta.tables.DeltaTable;
import io.churnscope.common.spark.InParallel;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The files each published table holds in its current snapshot, and how many commits it has: the
 * small-files report. A table whose file count climbs with every nightly run needs compaction.
 */
final class TableLayout {
  /** One table's layout after a run. */
  record Files(String table, long files, long bytes, long version) {}

  /**
   * Tables read at once: each is two small Delta queries, mostly the driver's time, and the report
   * runs after every measured run.
   */
  private static final int PARALLEL_READS = 4;

  private TableLayout() {}

  static List<Files> of(SparkSession spark, Lake lake) {
    return InParallel.map(PublishedTables.all(), PARALLEL_READS, table -> read(spark, lake, table)).stream()
        .filter(java.util.Objects::nonNull).toList();
  }

  /** The table's live files, bytes and latest version; null when it has not been created. */
  private static Files read(SparkSession spark, Lake lake, TableSpec table) {
    String path = lake.path(table);
    if (!DeltaIO.exists(spark, path)) {
      return null;
    }
    DeltaTable delta = DeltaTable.forPath(spark, path);
    Row detail = delta.detail().select("numFiles", "sizeInBytes").first();
    long version = delta.history(1).select("version").first().getLong(0);
    return new Files(table.qualifiedName(), detail.getLong(0), detail.getLong(1), version);
  }
}
