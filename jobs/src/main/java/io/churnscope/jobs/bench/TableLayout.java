package io.churnscope.jobs.bench;

import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.jobs.catalog.PublishedTables;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
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

  private TableLayout() {}

  static List<Files> of(SparkSession spark, Lake lake) {
    List<Files> out = new ArrayList<>();
    for (TableSpec table : PublishedTables.all()) {
      String path = lake.path(table);
      if (!DeltaIO.exists(spark, path)) {
        continue;
      }
      DeltaTable delta = DeltaTable.forPath(spark, path);
      Row detail = delta.detail().select("numFiles", "sizeInBytes").first();
      long version = delta.history(1).select("version").first().getLong(0);
      out.add(new Files(table.qualifiedName(), detail.getLong(0), detail.getLong(1), version));
    }
    return out;
  }
}
