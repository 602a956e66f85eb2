package io.churnscope.common.testing;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.utils.CloseableIterator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * The data files of a Delta table's current snapshot, as Delta Kernel — a reader independent of
 * Spark — resolves them from the transaction log. Reading a Delta directory as plain Parquet is
 * wrong: after an overwrite or MERGE it still holds the removed files.
 */
public final class DeltaSnapshotFiles {
  private DeltaSnapshotFiles() {}

  /** Absolute local paths of the live files. */
  public static List<String> of(String tablePath) {
    Engine engine = DefaultEngine.create(new Configuration());
    Snapshot snapshot = Table.forPath(engine, tablePath).getLatestSnapshot(engine);
    Scan scan = snapshot.getScanBuilder().build();
    List<String> files = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> batches = scan.getScanFiles(engine)) {
      while (batches.hasNext()) {
        FilteredColumnarBatch batch = batches.next();
        try (CloseableIterator<Row> rows = batch.getRows()) {
          while (rows.hasNext()) {
            String path = InternalScanFileUtils.getAddFileStatus(rows.next()).getPath();
            files.add(path.startsWith("file:") ? URI.create(path).getPath() : path);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /** The snapshot's version, for checks that a re-run committed. */
  public static long version(String tablePath) {
    Engine engine = DefaultEngine.create(new Configuration());
    return Table.forPath(engine, tablePath).getLatestSnapshot(engine).getVersion();
  }
}
