package io.churnscope.jobs.upkeep;

import io.churnscope.common.UserError;
import io.churnscope.common.config.MaintainSettings;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.jobs.catalog.PublishedVersions;
import io.delta.tables.DeltaOptimizeBuilder;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Upkeep of one Delta table: {@code OPTIMIZE} of the partitions where small files have piled up
 * ({@link SmallFilePartitions}), then {@code VACUUM} with the configured retention, lengthened to
 * keep every file a published reader names ({@link PinnedFiles}).
 */
final class TableUpkeep {
  /**
   * What maintain did to a table.
   *
   * @param compactedFrom files OPTIMIZE replaced (0: not optimized)
   * @param compactedTo the files it wrote instead
   * @param partitionsCompacted the partitions it rewrote (1 for an unpartitioned table)
   * @param filesRemoved data files VACUUM deleted
   * @param bytesBefore the table folder's size before (data, log, manifests)
   * @param bytesAfter and after
   * @param retentionHours the retention VACUUM ran with, in hours ({@link #NOT_VACUUMED}: unsafe,
   *     {@link #NOTHING_TO_VACUUM}: every data file is live)
   * @param note why the retention was lengthened or VACUUM skipped, or ""
   */
  record Outcome(TableSpec table, long compactedFrom, long compactedTo, long partitionsCompacted, int filesRemoved,
      long bytesBefore, long bytesAfter, long retentionHours, String note) {
    String line() {
      String optimize = compactedFrom > 0 ? "; OPTIMIZE " + compactedFrom + " → " + compactedTo + " files in "
          + partitionsCompacted + (partitionsCompacted == 1 ? " partition" : " partitions") : "";
      String vacuum = retentionHours == NOT_VACUUMED ? "; VACUUM skipped"
          : retentionHours == NOTHING_TO_VACUUM ? "; nothing to vacuum" : "; VACUUM retention " + retentionHours + " h";
      return String.format("%-36s %5d files removed, %s → %s%s%s%s", table.qualifiedName(), filesRemoved,
          LakeUpkeep.size(bytesBefore), LakeUpkeep.size(bytesAfter), optimize, vacuum, note.isEmpty() ? "" : " (" + note + ")");
    }
  }

  static final long NOT_VACUUMED = -1;
  static final long NOTHING_TO_VACUUM = -2;

  private TableUpkeep() {}

  static Outcome maintain(SparkSession spark, TableSpec table, String path, MaintainSettings settings,
      PublishedVersions published, Configuration hadoop) {
    DiskUse before = DiskUse.of(path, hadoop);
    SmallFilePartitions small = SmallFilePartitions.of(spark, path, settings);
    Compaction compacted = small.none() ? Compaction.NONE : optimize(spark, path, small);
    long hours = NOT_VACUUMED;
    List<String> notes = new ArrayList<>();
    if (small.more() > 0) {
      notes.add(small.more() + " more partitions with small files left for the next run");
    }
    PinnedFiles.Requirement pins;
    if (compacted.removed() == 0 && before.dataFiles() == small.liveFiles()) {
      // Every data file on disk is live: VACUUM has nothing to delete (it would still list the
      // folder and run a few Spark jobs). An orphan that is not a Parquet file waits for a night with garbage.
      hours = NOTHING_TO_VACUUM;
    } else if ((pins = PinnedFiles.of(path, table.qualifiedName(), published, hadoop, System.currentTimeMillis())).unsafe() != null) {
      notes.add("not vacuumed: " + pins.unsafe());
    } else {
      hours = Math.max(settings.retentionHours(), pins.hours());
      if (pins.hours() > settings.retentionHours()) {
        notes.add("retention raised to keep " + pins.removedPinned() + " removed files the published catalog still reads");
      }
      vacuum(spark, table, path, hours);
    }
    DiskUse after = DiskUse.of(path, hadoop);
    // Under the run lock only maintain changes the table: OPTIMIZE adds files, VACUUM deletes them.
    int removed = (int) (before.dataFiles() + compacted.added() - after.dataFiles());
    return new Outcome(table, compacted.removed(), compacted.added(), small.partitions().size(), removed, before.bytes(),
        after.bytes(), hours, String.join("; ", notes));
  }

  /**
   * {@code OPTIMIZE} alone, without {@code VACUUM}: the partitions of the table where small files have
   * piled up, if any. What the nightly does to its own bookkeeping tables when {@code maintain.nightly}
   * is off ({@link MaintainStage}); the files it replaces stay on disk until a {@code maintain}.
   */
  static Compaction compact(SparkSession spark, String path, MaintainSettings settings) {
    SmallFilePartitions small = SmallFilePartitions.of(spark, path, settings);
    return small.none() ? Compaction.NONE : optimize(spark, path, small);
  }

  /** What an OPTIMIZE replaced: files removed from the table and files written. */
  record Compaction(long removed, long added) {
    static final Compaction NONE = new Compaction(0, 0);
  }

  /**
   * Compacts exactly the given partitions ({@code OPTIMIZE ... WHERE}, one commit), or the whole
   * table when it is not partitioned. Delta's own metrics say how many files it replaced.
   */
  private static Compaction optimize(SparkSession spark, String path, SmallFilePartitions small) {
    DeltaOptimizeBuilder optimize = DeltaTable.forPath(spark, path).optimize();
    String where = small.predicate();
    Row metrics = (where.isEmpty() ? optimize : optimize.where(where)).executeCompaction().first().getStruct(1);
    return new Compaction(metrics.<Long>getAs("numFilesRemoved"), metrics.<Long>getAs("numFilesAdded"));
  }

  private static void vacuum(SparkSession spark, TableSpec table, String path, long hours) {
    try {
      DeltaTable.forPath(spark, path).vacuum(hours);
    } catch (IllegalArgumentException e) {
      // Delta's retention check: the table's own delta.deletedFileRetentionDuration is longer.
      throw new UserError(table.qualifiedName() + ": Delta refuses VACUUM with a retention of " + hours + " hours"
          + " (" + firstLine(e.getMessage()) + "); raise " + MaintainSettings.RETENTION_HOURS.path(), e);
    }
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }

  /**
   * A table folder on disk: its size and how many data files it holds (not the log, not the
   * manifests), listed through Hadoop's file system like Delta itself; counted, not kept.
   */
  record DiskUse(long bytes, long dataFiles) {
    static DiskUse of(String tablePath, Configuration hadoop) {
      Path root = new Path(tablePath);
      try {
        FileSystem fs = root.getFileSystem(hadoop);
        long bytes = 0;
        long data = 0;
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
        String prefix = fs.makeQualified(root).toString() + "/";
        while (files.hasNext()) {
          LocatedFileStatus file = files.next();
          bytes += file.getLen();
          String relative = file.getPath().toString().substring(prefix.length());
          if (!relative.startsWith("_") && file.getPath().getName().endsWith(".parquet")) {
            data++;
          }
        }
        return new DiskUse(bytes, data);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + tablePath, e);
      }
    }
  }
}
