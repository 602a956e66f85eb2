package io.churnscope.jobs.upkeep;

import io.churnscope.common.config.MaintainSettings;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.spark.InParallel;
import io.churnscope.jobs.catalog.PublishedVersions;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * Upkeep of a whole lake: every given table that exists, a few at a time (each is mostly the
 * driver's listing and Delta commits, like the catalog stage's refreshes), one line each and a total.
 */
final class LakeUpkeep {
  /** The Delta session setting behind its retention safety check. */
  static final String RETENTION_CHECK = "spark.databricks.delta.retentionDurationCheck.enabled";
  static final String LISTING_PARALLELISM = "spark.sql.sources.parallelPartitionDiscovery.parallelism";
  private static final int PARALLEL_TABLES = 4;

  /** What maintain did: one outcome per existing table, in the order given. */
  record Report(List<TableUpkeep.Outcome> tables, List<String> absent) {
    long bytesBefore() {
      return tables.stream().mapToLong(TableUpkeep.Outcome::bytesBefore).sum();
    }

    long bytesAfter() {
      return tables.stream().mapToLong(TableUpkeep.Outcome::bytesAfter).sum();
    }

    int filesRemoved() {
      return tables.stream().mapToInt(TableUpkeep.Outcome::filesRemoved).sum();
    }

    List<String> lines() {
      List<String> lines = new ArrayList<>(tables.stream().map(TableUpkeep.Outcome::line).toList());
      lines.add(total());
      return lines;
    }

    String total() {
      long optimized = tables.stream().filter(t -> t.compactedFrom() > 0).count();
      long skipped = tables.stream().filter(t -> t.retentionHours() == TableUpkeep.NOT_VACUUMED).count();
      return "total: " + tables.size() + " tables, " + filesRemoved() + " files removed, " + size(bytesBefore()) + " → "
          + size(bytesAfter()) + ", " + optimized + " optimized" + (skipped == 0 ? "" : ", " + skipped + " not vacuumed")
          + (absent.isEmpty() ? "" : "; not created yet: " + absent.size());
    }
  }

  private LakeUpkeep() {}

  static Report run(SparkSession spark, Lake lake, List<TableSpec> tables, MaintainSettings settings) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    PublishedVersions published = PublishedVersions.load(lake, hadoop);
    List<TableSpec> present = new ArrayList<>();
    List<String> absent = new ArrayList<>();
    for (TableSpec table : tables) {
      if (isDeltaTable(lake.path(table), hadoop)) {
        present.add(table);
      } else {
        absent.add(table.qualifiedName());
      }
    }
    boolean liftCheck = settings.belowDeltaMinimum() && settings.retentionHours() < MaintainSettings.DELTA_MINIMUM_RETENTION_HOURS;
    String previous = spark.conf().get(RETENTION_CHECK, "true");
    if (liftCheck) {
      spark.conf().set(RETENTION_CHECK, "false");
    }
    // VACUUM lists a table in as many Spark tasks as this setting, 10,000 unless set: on a few cores
    // that is minutes of near-empty tasks per table (measured on 2 shared cores, a scale-0.02 lake:
    // 8 of its 48 tables vacuumed after 8 minutes; with this and TableUpkeep's skip of tables with
    // nothing to vacuum, all 48 in 95 to 160 s). Unless the conf sets it, list with one task per core.
    boolean listingSet = spark.conf().contains(LISTING_PARALLELISM);
    if (!listingSet) {
      spark.conf().set(LISTING_PARALLELISM, String.valueOf(spark.sparkContext().defaultParallelism()));
    }
    try {
      List<TableUpkeep.Outcome> outcomes = InParallel.map(present, PARALLEL_TABLES,
          table -> TableUpkeep.maintain(spark, table, lake.path(table), settings, published, hadoop));
      return new Report(outcomes, absent);
    } finally {
      spark.conf().set(RETENTION_CHECK, previous);
      if (!listingSet) {
        spark.conf().unset(LISTING_PARALLELISM);
      }
    }
  }

  /** A listing, not Delta's snapshot load: most of a young lake's tables may not exist yet. */
  private static boolean isDeltaTable(String path, Configuration hadoop) {
    org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(path, "_delta_log");
    try {
      return log.getFileSystem(hadoop).exists(log);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + log, e);
    }
  }

  static String size(long bytes) {
    if (bytes < 1 << 20) {
      return String.format("%.1f KB", bytes / 1024.0);
    }
    return bytes < 1L << 30 ? String.format("%.1f MB", bytes / (double) (1 << 20)) : String.format("%.2f GB", bytes / (double) (1L << 30));
  }
}
