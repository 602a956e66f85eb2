package io.churnscope.common.testing;

import io.churnscope.common.spark.Sessions;
import java.io.File;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The one SparkSession of a test JVM ({@code local[2]}, 2 shuffle partitions, UI off), shared by
 * every test class that extends this base and runs in that JVM. Surefire keeps two long-lived forks
 * per module (see the parent pom), so the session is built once per fork; it is stopped by the JVM's exit.
 */
public abstract class SparkTestBase {
  private static SparkSession spark;

  protected static synchronized SparkSession spark() {
    if (spark == null) {
      SparkSession.Builder builder = SparkSession.builder()
          .master("local[2]")
          .appName("churnscope-tests")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.default.parallelism", "2")
          .config("spark.ui.enabled", "false")
          // Adaptive execution re-plans each query at every shuffle: on a test's few rows that is extra
          // Spark jobs and planning, not a better plan (measured solo: SubscriptionMartsOnALakeTest +
          // CubeStageTest 441 s with it, 380 s without). The jobs keep it on (conf/defaults.conf).
          .config("spark.sql.adaptive.enabled", "false")
          .config("spark.databricks.delta.snapshotPartitions", "2")
          // As the jobs run (conf/defaults.conf): no checksum file, whose snapshot computation follows every commit.
          .config("spark.databricks.delta.writeChecksumFile.enabled", "false")
          .config("spark.sql.sources.parallelPartitionDiscovery.parallelism", "2")
          .config("spark.sql.warehouse.dir", tempDir("warehouse").getAbsolutePath())
          // Interpreted evaluation, as Spark's own suites also run: a test's rows are few, and compiling
          // generated Java for each new query (janino) was 30 % of a test JVM's CPU (JFR profile of
          // SubscriptionMartsOnALakeTest: 100 s -> 68 s; the whole suite 31 -> 24 min). The jobs
          // themselves run generated code; WideLatticeCodegenTest forces it on where code size matters.
          // Measured and dropped: generated code for the two data-heavy classes (EngagementGeneratedLakeTest
          // 470 -> 528 s, NightlyHotspotGeneratedLakeTest 186 -> 236 s).
          .config("spark.sql.codegen.wholeStage", "false")
          .config("spark.sql.codegen.factoryMode", "NO_CODEGEN");
      for (Map.Entry<String, String> entry : Sessions.deltaAndUtc().entrySet()) {
        builder.config(entry.getKey(), entry.getValue());
      }
      io.churnscope.common.lake.local.LocalFileSystems.sparkConf().forEach(builder::config);
      spark = builder.getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
    }
    return spark;
  }

  /** Closing it puts the session's settings back; see {@link #withConf}. */
  public interface ConfRestore extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Sets runtime settings of the shared session until the returned handle is closed, which puts back
   * each key's earlier value (or unsets it), so the next test class gets the usual session.
   */
  protected static ConfRestore withConf(Map<String, String> settings) {
    RuntimeConfig conf = spark().conf();
    Map<String, String> before = new HashMap<>();
    settings.forEach((key, value) -> {
      before.put(key, conf.contains(key) ? conf.get(key) : null);
      conf.set(key, value);
    });
    return () -> before.forEach((key, value) -> {
      if (value == null) {
        conf.unset(key);
      } else {
        conf.set(key, value);
      }
    });
  }

  /** A small frame from literal rows and an explicit schema. */
  protected static Dataset<Row> rows(StructType schema, Object[]... values) {
    List<Row> list = java.util.Arrays.stream(values).map(RowFactory::create).toList();
    return spark().createDataFrame(list, schema);
  }

  protected static Dataset<Row> sql(String query, Object... args) {
    return spark().sql(String.format(query, args));
  }

  private static File tempDir(String prefix) {
    try {
      File dir = Files.createTempDirectory("churnscope-" + prefix).toFile();
      dir.deleteOnExit();
      return dir;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code ../shared}, where the real datasets live. */
  protected static File sharedDir() {
    String configured = System.getProperty("churnscope.shared.dir");
    File dir = configured != null ? new File(configured) : new File("../../shared");
    if (!dir.isDirectory()) {
      dir = new File("../shared");
    }
    return dir;
  }
}
