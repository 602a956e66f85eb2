package io.churnscope.jobs.upkeep;

import io.churnscope.common.UserError;
import io.churnscope.common.config.MaintainSettings;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.jobs.catalog.PublishedVersions;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.SparkSession;

/**
 * Upkeep of one Delta table: {@code OPTIMIZE} when small files have piled up, then {@code VACUUM}
 * with the configured retention, lengthened to keep every file a published reader names
 * ({@link PinnedFiles}).
 */
final class TableUpkeep {
  /**
   * What maintain did to a table.
   *
   * @param compactedFrom live files before OPTIMIZE (0: not optimized)
   * @param compactedTo live files after it
   * @param filesRemoved data files VACUUM deleted
   * @param bytesBefore the table folder's size before (data, log, manifests)
   * @param bytesAfter and after
   * @param retentionHours the retention VACUUM ran with, in hours ({@link #NOT_VACUUMED}: unsafe,
   *     {@link #NOTHING_TO_VACUUM}: every data file is live)
   * @param note why the retention was lengthened or VACUUM skipped, or ""
   */
  record Outcome(TableSpec table, long compactedFrom, long compactedTo, int filesRemoved, long bytesBefore,
      long bytesAfter, long retentionHours, String note) {
    String line() {
      String optimize = compactedFrom > 0 ? "; OPTIMIZE " + compactedFrom + " → " + compactedTo + " files" : "";
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
    long liveFiles = DeltaTable.forPath(spark, path).detail().first().<Long>getAs("numFiles");
    long[] compacted = optimizeIfSmallFiles(spark, path, settings, before, liveFiles);
    long hours = NOT_VACUUMED;
    String note = "";
    PinnedFiles.Requirement pins;
    if (compacted[0] == 0 && before.dataFiles().size() == liveFiles) {
      // Every data file on disk is live: VACUUM has nothing to delete (it would still list the
      // folder and run a few Spark jobs). An orphan that is not a Parquet file waits for a night with garbage.
      hours = NOTHING_TO_VACUUM;
    } else if ((pins = PinnedFiles.of(path, table.qualifiedName(), published, hadoop, System.currentTimeMillis())).unsafe() != null) {
      note = "not vacuumed: " + pins.unsafe();
    } else {
      hours = Math.max(settings.retentionHours(), pins.hours());
      note = pins.hours() > settings.retentionHours()
          ? "retention raised to keep " + pins.removedPinned() + " removed files the published catalog still reads" : "";
      vacuum(spark, table, path, hours);
    }
    DiskUse after = DiskUse.of(path, hadoop);
    int removed = (int) before.dataFiles().stream().filter(f -> !after.dataFiles().contains(f)).count();
    return new Outcome(table, compacted[0], compacted[1], removed, before.bytes(), after.bytes(), hours, note);
  }

  /**
   * Compacts the table when at least {@code min-files} live files share a partition with another
   * (Delta's OPTIMIZE leaves a partition of one file alone) and they average under the size limit.
   * Returns the live file count before and after, or {0, 0} when nothing was done.
   */
  private static long[] optimizeIfSmallFiles(SparkSession spark, String path, MaintainSettings settings, DiskUse disk,
      long liveFiles) {
    if (liveFiles < settings.optimizeMinFiles()) {
      return new long[] {0, 0};
    }
    Map<String, Integer> perPartition = new HashMap<>();
    List<String> live = Arrays.stream(spark.read().format("delta").load(path).inputFiles()).map(PinnedFiles::fileName).toList();
    Map<String, String> partitionOf = new HashMap<>();
    disk.dataFileSizes().keySet().forEach(f -> partitionOf.put(PinnedFiles.fileName(f), f.substring(0, f.lastIndexOf('/') + 1)));
    Map<String, Long> sizeOf = new HashMap<>();
    disk.dataFileSizes().forEach((f, size) -> sizeOf.put(PinnedFiles.fileName(f), size));
    live.forEach(f -> perPartition.merge(partitionOf.getOrDefault(f, ""), 1, Integer::sum));
    List<String> compactable = live.stream().filter(f -> perPartition.get(partitionOf.getOrDefault(f, "")) > 1).toList();
    double averageMb = compactable.stream().mapToLong(f -> sizeOf.getOrDefault(f, 0L)).average().orElse(0) / (1 << 20);
    if (compactable.size() < settings.optimizeMinFiles() || averageMb >= settings.optimizeMaxAverageFileMb()) {
      return new long[] {0, 0};
    }
    DeltaTable.forPath(spark, path).optimize().executeCompaction();
    return new long[] {liveFiles, DeltaTable.forPath(spark, path).detail().first().<Long>getAs("numFiles")};
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
   * A table folder on disk: its size and its data files (path → bytes; not the log, not the
   * manifests), listed through Hadoop's file system like Delta itself.
   */
  record DiskUse(long bytes, Map<String, Long> dataFileSizes) {
    Set<String> dataFiles() {
      return dataFileSizes.keySet();
    }

    static DiskUse of(String tablePath, Configuration hadoop) {
      Path root = new Path(tablePath);
      try {
        FileSystem fs = root.getFileSystem(hadoop);
        long bytes = 0;
        Map<String, Long> data = new HashMap<>();
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
        String prefix = fs.makeQualified(root).toString() + "/";
        while (files.hasNext()) {
          LocatedFileStatus file = files.next();
          bytes += file.getLen();
          String relative = file.getPath().toString().substring(prefix.length());
          if (!relative.startsWith("_") && file.getPath().getName().endsWith(".parquet")) {
            data.put(relative, file.getLen());
          }
        }
        return new DiskUse(bytes, data);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + tablePath, e);
      }
    }
  }
}
