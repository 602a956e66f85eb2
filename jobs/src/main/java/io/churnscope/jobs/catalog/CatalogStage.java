package io.churnscope.jobs.catalog;

import io.churnscope.common.run.DataFlow;
import io.churnscope.common.config.CatalogSettings;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.lake.WriteFaults;
import io.churnscope.common.schema.RunTables;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.spark.InParallel;
import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage {@code publish-catalog}, the nightly's last but the run report ({@code run-report}): makes
 * every published table readable by name and without Spark.
 * <ul>
 *   <li>registers it as {@code zone.table} in the session's catalog (the cluster's metastore, or
 *       the embedded Derby metastore under {@code <lake>/_catalog} with {@code catalog.metastore = embedded});
 *   <li>refreshes its Delta symlink-format manifest, which Presto, Trino and Athena read;
 *   <li>rewrites the DuckDB catalog file: a view per table over its live Parquet files.
 * </ul>
 * Tables not created yet (a stage that has not run on this lake) are skipped and named in the message.
 * A table still at the Delta version the previous run published keeps its manifest and file list
 * ({@link PublishedVersions}): only the tables the night changed cost Spark jobs, a few of them at once.
 */
public final class CatalogStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(CatalogStage.class);

  @Override
  public String name() {
    return "publish-catalog";
  }

  @Override
  public String description() {
    return "every table → metastore names, symlink manifests, DuckDB catalog file";
  }

  /** Never skipped as unchanged: it also writes the metastore, the DuckDB catalog and symlink manifests. */
  @Override
  public boolean skipsWhenUnchanged() {
    return false;
  }

  @Override
  public DataFlow dataFlow() {
    return DataFlow.reading(PublishedTables.all());
  }

  @Override
  public void validate(ChurnscopeConfig config) {
    CatalogSettings.from(config);
  }

  @Override
  public StageResult run(SparkSession spark, RunContext run) {
    validate(run.config());
    List<String> absent = new ArrayList<>();
    List<DuckDbCatalog.View> views = new ArrayList<>();
    org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    PublishedVersions published = PublishedVersions.load(run.lake(), hadoop);
    boolean manifests = CatalogSettings.SYMLINK_MANIFESTS.from(run.config());
    List<TableSpec> present = new ArrayList<>();
    Map<TableSpec, Long> versions = new HashMap<>();
    List<TableSpec> changed = new ArrayList<>();
    boolean quarantine = CatalogSettings.PUBLISH_QUARANTINE.from(run.config());
    for (TableSpec table : PublishedTables.all()) {
      String path = run.lake().path(table);
      if (table.equals(RunTables.QUARANTINE) && !quarantine) {
        // Operators' table, not analysts' (catalog.publish-quarantine): unnamed, read by path.
        MetastoreTables.unregister(spark, table);
        continue;
      }
      if (!DeltaIO.exists(spark, path)) {
        absent.add(table.qualifiedName());
        continue;
      }
      present.add(table);
      MetastoreTables.register(spark, table, path);
      long version = PublishedVersions.latestVersion(path, hadoop);
      versions.put(table, version);
      if (published.unchanged(table.qualifiedName(), version) == null || (manifests && !manifestExists(path, hadoop))) {
        changed.add(table);
      }
    }
    List<List<String>> refreshedFiles = InParallel.map(changed, PARALLEL_REFRESHES,
        table -> refresh(spark, run.lake().path(table), manifests));
    for (int i = 0; i < changed.size(); i++) {
      published.publish(changed.get(i).qualifiedName(), versions.get(changed.get(i)), refreshedFiles.get(i));
    }
    for (TableSpec table : present) {
      views.add(new DuckDbCatalog.View(table, published.unchanged(table.qualifiedName(), versions.get(table))));
    }
    int refreshed = changed.size();
    Optional<Path> duckDbFile = duckDbFile(run.config(), run.lake());
    duckDbFile.ifPresent(file -> DuckDbCatalog.write(file, views));
    WriteFaults.after("duckdb-catalog-file");
    published.save();
    WriteFaults.after("published-versions-file");
    String message = views.size() + " tables published (" + refreshed + " changed since the last publish)" + duckDbFile.map(f -> "; DuckDB catalog " + f).orElse("")
        + (absent.isEmpty() ? "" : "; not created yet: " + String.join(", ", absent));
    LOG.info(message);
    return new StageResult(views.size(), views.size(), 0, List.of(), message);
  }

  /**
   * Tables refreshed at once. A refresh is a few small Spark jobs (the manifest, the live file list)
   * whose time is mostly the driver's planning and Delta's commits, so a few tables in flight keep two
   * cores busy where one at a time leaves them idle (measured: docs/benchmarks.md).
   */
  static final int PARALLEL_REFRESHES = 4;

  /** Rewrites a changed table's symlink manifest (when kept) and returns its live files. */
  private static List<String> refresh(SparkSession spark, String path, boolean manifests) {
    if (manifests) {
      DeltaTable.forPath(spark, path).generate("symlink_format_manifest");
    }
    return Arrays.asList(spark.read().format("delta").load(path).inputFiles());
  }

  private static boolean manifestExists(String tablePath, org.apache.hadoop.conf.Configuration hadoop) {
    org.apache.hadoop.fs.Path manifest = new org.apache.hadoop.fs.Path(tablePath, "_symlink_format_manifest");
    try {
      return manifest.getFileSystem(hadoop).exists(manifest);
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** Where the DuckDB catalog goes: {@code catalog.duckdb-file}, else beside a local lake; none for a remote lake. */
  static Optional<Path> duckDbFile(ChurnscopeConfig config, Lake lake) {
    String configured = CatalogSettings.DUCKDB_FILE.from(config);
    if (configured.equals("none")) {
      return Optional.empty();
    }
    if (!configured.isBlank()) {
      return Optional.of(Path.of(configured));
    }
    if (lake.root().contains("://") && !lake.root().startsWith("file:")) {
      LOG.info("lake {} is not local: set catalog.duckdb-file to a local path to publish a DuckDB catalog", lake.root());
      return Optional.empty();
    }
    return Optional.of(Path.of(lake.root().replaceFirst("^file:", ""), "_catalog", "churnscope.duckdb"));
  }
}
