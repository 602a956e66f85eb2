package io.churnscope.common.run;

import com.typesafe.config.ConfigRenderOptions;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.schema.RawFeed;
import io.churnscope.common.schema.RunTables;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Everything a stage's result depends on, as one hash: the run date, the configuration, the code,
 * the Delta version of every table it reads or writes, and for each raw feed it reads, the files of
 * the run date's delivery and how far the feed was ingested (its watermark). Taken right after a stage succeeds and recorded in the run manifest; when a
 * later run of the same date finds the same fingerprint before the stage starts, nothing the stage
 * reads has changed and nothing has touched what it wrote, so running it again would write the same
 * rows: the runner skips it ({@code unchanged}). This is what makes resuming a failed night cheap.
 *
 * <p>The versions are read from each table's {@code _delta_log} listing (no Spark job); a folder a
 * stage also uses (the model registry, {@link Stage#otherFiles}) is listed like a delivery. Stages
 * whose output is not only tables (the catalog, the report, lake upkeep) opt out
 * ({@link Stage#skipsWhenUnchanged}). Secrets (the pseudonym salt) are left out of the hashed
 * configuration; the salt only matters to ingestion, which reruns when its delivery changes.
 */
public final class StageFingerprint {

  private static final Pattern COMMIT = Pattern.compile("\\d{20}\\.json");

  private StageFingerprint() {}

  /** The stage's fingerprint on this run, or empty for a stage that never skips. */
  public static Optional<String> of(SparkSession spark, RunContext run, Stage stage) throws IOException {
    if (!stage.skipsWhenUnchanged()) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>();
    parts.add("stage " + stage.name());
    parts.add("date " + run.runDate());
    parts.add("config " + configHash(run));
    parts.add("code " + code(stage.getClass()));
    DataFlow flow = stage.dataFlow();
    TreeSet<String> tables = new TreeSet<>();
    for (TableSpec table : java.util.stream.Stream.concat(flow.reads().stream(), flow.writes().stream()).toList()) {
      // Every ingestion writes its own slice of the bookkeeping tables (by source): another stage's slice
      // moves their version without touching this stage's rows, so they are left out; the manifest is the runner's.
      if (!RunTables.BOOKKEEPING.contains(table)) {
        tables.add(table.qualifiedName() + "@" + version(spark, run.lake().path(table)));
      }
    }
    parts.addAll(tables);
    for (RawFeed feed : flow.rawInputs()) {
      parts.add(feed.sourceName() + " " + listing(spark, run.lake().rawDelivery(feed.folder(), run.runDate())));
    }
    for (String folder : stage.otherFiles()) {
      parts.add(folder + " " + listing(spark, run.lake().root() + "/" + folder));
    }
    if (!flow.rawInputs().isEmpty()) {
      parts.add("watermarks " + watermarks(spark, run, flow.rawInputs()));
    }
    return Optional.of(sha256(String.join("\n", parts)));
  }

  /**
   * How far each feed was ingested: with the date's delivery, what decides which deliveries an
   * ingestion reads (a watermark before the run date means later deliveries are still to come).
   */
  static String watermarks(SparkSession spark, RunContext run, List<RawFeed> feeds) {
    List<String> sources = feeds.stream().map(RawFeed::sourceName).toList();
    return DeltaIO.readOrEmpty(spark, run.lake(), RunTables.INGEST_WATERMARKS)
        .where(functions.col("source").isin(sources.toArray()))
        .select(functions.concat_ws("=", functions.col("source"), functions.col("ingested_through").cast("string")))
        .collectAsList().stream().map(r -> r.getString(0)).sorted().toList().toString();
  }

  /** The table's latest Delta version, or -1 when there is no table at the path. */
  static long version(SparkSession spark, String tablePath) throws IOException {
    Path log = new Path(tablePath, "_delta_log");
    FileSystem fs = log.getFileSystem(spark.sparkContext().hadoopConfiguration());
    if (!fs.exists(log)) {
      return -1;
    }
    long latest = -1;
    for (FileStatus file : fs.listStatus(log)) {
      String name = file.getPath().getName();
      if (COMMIT.matcher(name).matches()) {
        latest = Math.max(latest, Long.parseLong(name.substring(0, 20)));
      }
    }
    return latest;
  }

  /** Each file under a folder (relative path, size, modification time), sorted; "none" without the folder. */
  static String listing(SparkSession spark, String folderPath) throws IOException {
    Path delivery = new Path(folderPath);
    FileSystem fs = delivery.getFileSystem(spark.sparkContext().hadoopConfiguration());
    if (!fs.exists(delivery)) {
      return "none";
    }
    TreeSet<String> files = new TreeSet<>();
    String root = fs.getFileStatus(delivery).getPath().toString();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(delivery, true);
    while (it.hasNext()) {
      LocatedFileStatus file = it.next();
      files.add(file.getPath().toString().substring(root.length()) + ":" + file.getLen() + ":" + file.getModificationTime());
    }
    return String.join(",", files);
  }

  /** The configuration's hash, its secrets (a key named like a salt, secret, password or token) left out. */
  private static String configHash(RunContext run) {
    // Whether unchanged stages are skipped changes nothing they write.
    com.typesafe.config.Config config = run.config().raw().withoutPath(io.churnscope.common.config.RunSettings.SKIP_UNCHANGED.path());
    for (var entry : config.entrySet()) {
      if (SECRET.matcher(entry.getKey()).find()) {
        config = config.withoutPath(entry.getKey());
      }
    }
    return sha256(config.root().render(ConfigRenderOptions.concise().setJson(false)));
  }

  private static final Pattern SECRET = Pattern.compile("(?i)(salt|secret|password|token|credential)[^.]*$");

  /** The jar (or class file, in a build tree) the stage's code comes from: its size and time. */
  static String code(Class<?> type) {
    try {
      File source = new File(type.getProtectionDomain().getCodeSource().getLocation().toURI());
      File file = source.isDirectory() ? new File(source, type.getName().replace('.', '/') + ".class") : source;
      return file.getName() + ":" + file.length() + ":" + file.lastModified();
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      return "unknown";
    }
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
