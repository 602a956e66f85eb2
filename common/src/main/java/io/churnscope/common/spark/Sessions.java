package io.churnscope.common.spark;

import io.churnscope.common.config.CatalogSettings;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.config.SparkSettings;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.local.LocalFileSystems;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the one SparkSession a job uses.
 *
 * <p>The master is never set here: spark-submit sets it on a cluster, and {@code bin/churnscope}
 * passes {@code -Dspark.master=local[*]} locally. Delta's extension and catalog are always on,
 * the session time zone is UTC (every staged timestamp is UTC), and each key under
 * {@code spark.conf} in the configuration is applied unless spark-submit already set it. Local
 * {@code file:} paths go through {@link LocalFileSystems} unless either sets {@code spark.hadoop.fs.file.impl}.
 */
public final class Sessions {
  private Sessions() {}

  public static SparkSession create(String appName, ChurnscopeConfig config) {
    return create(appName, config, null);
  }

  /**
   * With {@code catalog.metastore = embedded} and a lake, table names live in a Derby metastore
   * under {@code <lake>/_catalog}: they survive the run, for {@code bin/churnscope sql} and the next run.
   */
  public static SparkSession create(String appName, ChurnscopeConfig config, Lake lake) {
    SparkConf submitted = new SparkConf(true);
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    if (lake != null && CatalogSettings.METASTORE.from(config).equals("embedded")) {
      embeddedMetastore(lake).forEach(builder::config);
      builder.enableHiveSupport();
    }
    for (Map.Entry<String, String> entry : deltaAndUtc().entrySet()) {
      builder.config(entry.getKey(), entry.getValue());
    }
    Map<String, String> configured = SparkSettings.CONF.from(config);
    for (Map.Entry<String, String> entry : configured.entrySet()) {
      if (!submitted.contains(entry.getKey())) {
        builder.config(entry.getKey(), entry.getValue());
      }
    }
    // Local paths without a child process per file (LocalFileSystems), unless set otherwise.
    LocalFileSystems.sparkConf().forEach((key, value) -> {
      if (!submitted.contains(key) && !configured.containsKey(key)) {
        builder.config(key, value);
      }
    });
    return builder.getOrCreate();
  }

  /**
   * The Hadoop configuration the session {@link #create} would build, without starting Spark: the
   * {@code spark.hadoop.*} keys of spark-submit, of {@code spark.conf} and of {@link LocalFileSystems},
   * in that order of precedence, without their prefix. A command that must refuse to run (the lake's
   * run lock) can then do so before Spark's several seconds of start-up.
   */
  public static Configuration hadoopConfiguration(ChurnscopeConfig config) {
    SparkConf submitted = new SparkConf(true);
    Map<String, String> configured = SparkSettings.CONF.from(config);
    Map<String, String> effective = new java.util.LinkedHashMap<>(LocalFileSystems.sparkConf());
    effective.putAll(configured);
    for (scala.Tuple2<String, String> entry : submitted.getAll()) {
      effective.put(entry._1(), entry._2());
    }
    Configuration hadoop = new Configuration();
    String prefix = "spark.hadoop.";
    effective.forEach((key, value) -> {
      if (key.startsWith(prefix)) {
        hadoop.set(key.substring(prefix.length()), value);
      }
    });
    return hadoop;
  }

  /** A Derby metastore and warehouse under {@code <lake>/_catalog}; one JVM at a time may open it. */
  static Map<String, String> embeddedMetastore(Lake lake) {
    String catalog = lake.root().replaceFirst("^file:", "") + "/_catalog";
    // Derby writes its boot banner to this file; before the lake's first run the folder does not
    // exist, and Derby would print a FileNotFoundException and the banner on the console instead.
    lake.localFolder().ifPresent(folder -> folder.resolve("_catalog").toFile().mkdirs());
    System.setProperty("derby.stream.error.file", catalog + "/derby.log");
    return Map.of(
        "spark.sql.catalogImplementation", "hive",
        "spark.sql.warehouse.dir", catalog + "/warehouse",
        "spark.hadoop.javax.jdo.option.ConnectionURL", "jdbc:derby:;databaseName=" + catalog + "/metastore_db;create=true",
        // Create the metastore's tables on first use, without Hive's schema tool.
        "spark.hadoop.datanucleus.schema.autoCreateAll", "true",
        "spark.hadoop.hive.metastore.schema.verification", "false");
  }

  /** The settings without which Churnscope is not correct: Delta, and UTC everywhere. */
  public static Map<String, String> deltaAndUtc() {
    return Map.of(
        "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension",
        "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog",
        "spark.sql.session.timeZone", "UTC");
  }
}
