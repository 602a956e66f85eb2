package io.churnscope.jobs.catalog;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageResult;
import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage {@code publish-catalog}, the nightly's last: makes every published table readable by name
 * and without Spark.
 * <ul>
 *   <li>registers it as {@code zone.table} in the session's catalog (the cluster's metastore, or
 *       the embedded Derby metastore under {@code <lake>/_catalog} with {@code catalog.metastore = embedded});
 *   <li>refreshes its Delta symlink-format manifest, which Presto, Trino and Athena read;
 *   <li>rewrites the DuckDB catalog file: a view per table over its live Parquet files.
 * </ul>
 * Tables not created yet (a stage that has not run on this lake) are skipped and named in the message.
 * A table still at the Delta version the previous run published keeps its manifest and file list
 * ({@link PublishedVersions}): only the tables the night changed cost Spark jobs.
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

  @Override
  public void validate(ChurnscopeConfig config) {
    config.oneOf("catalog.metastore", List.of("session", "embedded"));
    config.bool("catalog.symlink-manifests");
    config.string("catalog.duckdb-file");
  }

  @Override
  public StageResult run(SparkSession spark, RunContext run) {
    validate(run.config());
    List<String> absent = new ArrayList<>();
    List<DuckDbCatalog.View> views = new ArrayList<>();
    org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    PublishedVersions published = PublishedVersions.load(run.lake(), hadoop);
    boolean manifests = run.config().bool("catalog.symlink-manifests");
    int refreshed = 0;
    for (TableSpec table : PublishedTables.all()) {
      String path = run.lake().path(table);
      if (!DeltaIO.exists(spark, path)) {
        absent.add(table.qualifiedName());
        continue;
      }
      MetastoreTables.register(spark, table, path);
      long version = PublishedVersions.latestVersion(path, hadoop);
      List<String> files = published.unchanged(table.qualifiedName(), version);
      if (files == null || (manifests && !manifestExists(path, hadoop))) {
        if (manifests) {
          DeltaTable.forPath(spark, path).generate("symlink_format_manifest");
        }
        files = Arrays.asList(spark.read().format("delta").load(path).inputFiles());
        published.publish(table.qualifiedName(), version, files);
        refreshed++;
      }
      views.add(new DuckDbCatalog.View(table, files));
    }
    Optional<Path> duckDbFile = duckDbFile(run.config(), run.lake());
    duckDbFile.ifPresent(file -> DuckDbCatalog.write(file, views));
    published.save();
    String message = views.size() + " tables published (" + refreshed + " changed since the last publish)" + duckDbFile.map(f -> "; DuckDB catalog " + f).orElse("")
        + (absent.isEmpty() ? "" : "; not created yet: " + String.join(", ", absent));
    LOG.info(message);
    return new StageResult(views.size(), views.size(), 0, List.of(), message);
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
    String configured = config.string("catalog.duckdb-file");
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
