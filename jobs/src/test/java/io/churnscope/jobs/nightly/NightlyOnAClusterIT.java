package io.churnscope.jobs.nightly;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.beust.jcommander.JCommander;
import com.fasterxml.jackson.databind.JsonNode;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.run.Stage;
import io.churnscope.common.schema.EngagementTables;
import io.churnscope.common.schema.RawFeed;
import io.churnscope.common.schema.RunTables;
import io.churnscope.common.testing.SparkTestBase;
import io.churnscope.generator.SampleLakeGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar under Spark's real {@code SparkSubmit} on a standalone cluster (issue 23, README
 * "Running on a cluster"): a master and two workers on 127.0.0.1 ({@link StandaloneCluster}), Delta
 * given the offline way ({@code --jars} of local jar files, never {@code --packages}).
 *
 * <p>One small generated lake (50 accounts, 3 months of billing, 14 days of usage), copied three
 * times; the same date runs on each copy:
 * <ul>
 *   <li>the reference: the whole nightly on {@code local[*]} in this test JVM ({@code NightlyJob.run} on
 *       the tests' session, as NightlyEndToEndTest runs it: its JIT is already warm from generating
 *       the lake, where a JVM of its own would start cold on the same two cores);</li>
 *   <li>client deploy mode: the nightly's stages {@link #CLIENT_MODE_STAGES} (in CI the ingestion of
 *       CRM and billing and the MRR ledger: joins, windows and shuffles across both workers; measured
 *       with the churn metrics too at 7 min 10 s under a load of 10, too long for CI; {@code -Dchurnscope.cluster-it.stages=all}: the whole nightly) through {@code SparkSubmit},
 *       its tasks on the workers' executors, at the same time as the reference (the same stages).
 *       Worker 2 is killed with SIGKILL, executor and all, 20 s after that executor started, in the middle
 *       of the run: the driver runs the lost tasks again on worker 1;
 *       every table those stages write must equal the
 *       reference's row for row, though the two ran different physical plans (the tests' session
 *       interprets expressions and has no adaptive execution; the submitted job runs with
 *       conf/defaults.conf: generated code, adaptive execution; both have 2 shuffle partitions);</li>
 *   <li>cluster deploy mode: the driver itself runs on a worker (launched by it, the jar fetched
 *       from the submitting machine). Only the ingestion of the CRM feed ({@link #CLUSTER_MODE_STAGES}): the whole nightly a second time on the cluster would add
 *       minutes to CI (25.7 of its 30 minutes are spent), and what cluster mode adds — the driver's
 *       JVM, class path and jars on a worker — is exercised by any stage. Its tables must equal the
 *       reference's.</li>
 * </ul>
 * The whole nightly (stages=all) was measured at 14-15 minutes of wall time at a load average of 10-17
 * from other builds, 17-18 CPU-minutes for the whole Maven call (about 9 minutes on two idle cores, an
 * estimate): more than CI's 30-minute cap leaves, hence the stage subset there (jobs/pom.xml).
 */
class NightlyOnAClusterIT extends SparkTestBase {
  static final LocalDate RUN_DATE = LocalDate.parse("2026-10-31");
  static final List<String> CLUSTER_MODE_STAGES = List.of("ingest-crm");
  /** The client-mode run's stages (jobs/pom.xml), or null for the whole nightly. */
  static final List<String> CLIENT_MODE_STAGES = clientModeStages();

  static List<String> clientModeStages() {
    String stages = System.getProperty("churnscope.cluster-it.stages", "all").trim();
    return stages.isEmpty() || stages.equals("all") ? null : List.of(stages.split("\\s*,\\s*"));
  }

  /** The stages of the client-mode and reference runs. */
  static List<Stage> clientModeDag() {
    return CLIENT_MODE_STAGES == null ? NightlyJob.dag()
        : NightlyJob.dag().stream().filter(s -> CLIENT_MODE_STAGES.contains(s.name())).toList();
  }
  static final String MAIN_CLASS = "io.churnscope.jobs.Churnscope";

  /**
   * Columns that differ between two runs of one date by design, by table; nothing else is left out.
   * The run id is the run date and the run's start time. The run manifest's other columns here are
   * what a stage cost, not what it computed: its start, wall and task times, bytes read, shuffled,
   * spilled and written (file sizes follow the number of tasks), heap, and the number of Spark jobs
   * (Delta's log reads depend on what the session had cached).
   */
  static final Map<TableSpec, List<String>> RUN_SPECIFIC = Map.of(
      RunTables.QUARANTINE, List.of("run_id"),
      RunTables.INGEST_WATERMARKS, List.of("run_id"),
      EngagementTables.ROLLUP_WATERMARK, List.of("run_id"),
      RunTables.RUN_MANIFEST, List.of("run_id", "started_at", "duration_ms", "spark_jobs", "task_ms", "input_bytes",
          "shuffle_read_bytes", "shuffle_write_bytes", "spill_bytes", "output_bytes", "peak_heap_mb", "retained_heap_mb",
          // Hashes the code too: the shaded jar there, the class folders here.
          "fingerprint"));

  static final Path dir = Path.of(System.getProperty("churnscope.cluster.dir", "target/cluster-it"))
      .toAbsolutePath().resolve("run");
  static StandaloneCluster cluster;
  static Lake local;
  static Lake client;
  static Lake clusterMode;
  static final Map<String, Duration> took = new LinkedHashMap<>();

  @BeforeAll
  static void runTheNightlyThreeWays() throws Exception {
    long start = System.nanoTime();
    deleteTree(dir);
    Path home = StandaloneCluster.assembleSparkHome(dir, jarsListedIn("spark-jars.txt"));
    cluster = StandaloneCluster.start(home, dir.resolve("logs"), jvmOptions(), 2, 2, "3g");
    // The cluster's JVMs start while the lake is generated.
    Path generated = dir.resolve("generated");
    SampleLakeGenerator.Args generate = new SampleLakeGenerator.Args();
    JCommander.newBuilder().addObject(generate).build().parse("--lake", generated.toString(), "--scale", "0.05",
        "--usage-days", "14", "--history-months", "3", "--end-date", RUN_DATE.toString(), "--bad-record-rate", "0.03");
    SampleLakeGenerator.run(spark(), generate);
    local = copyOf(generated, "local");
    client = copyOf(generated, "client");
    clusterMode = copyOf(generated, "cluster-mode");
    cluster.awaitWorkers(2, Duration.ofMinutes(2));
    took.put("generate, copy, cluster up", since(start));

    long runs = System.nanoTime();
    List<String> stageFlags = CLIENT_MODE_STAGES == null ? List.of() : List.of("--stages", String.join(",", CLIENT_MODE_STAGES));
    CompletableFuture<Integer> clientRun = submit("client", List.of("--master", cluster.masterUrl(), "--deploy-mode", "client"),
        client, "2g", stageFlags);
    CompletableFuture<Boolean> workerKilled = killWorkerTwoDuring(clientRun);
    NightlyJob.Args reference = new NightlyJob.Args();
    reference.lake = local.root();
    reference.runDate = RUN_DATE;
    if (CLIENT_MODE_STAGES != null) {
      reference.stages = new ArrayList<>(CLIENT_MODE_STAGES);
    }
    NightlyJob.run(spark(), reference);
    took.put("local nightly (in this JVM, while the client-mode one runs)", since(runs));
    assertEquals(0, clientRun.get(), cluster.tail("client"));
    killedWhileRunning = workerKilled.get();
    took.put("client-mode " + (CLIENT_MODE_STAGES == null ? "nightly" : String.join(",", CLIENT_MODE_STAGES)), since(runs));

    long clusterRun = System.nanoTime();
    int status = submit("cluster-mode", List.of("--master", cluster.masterUrl(), "--deploy-mode", "cluster",
            // Without it spark-submit returns once the driver is accepted, not when it ends.
            "--conf", "spark.standalone.submit.waitAppCompletion=true",
            "--conf", "spark.driver.memory=1g", "--conf", "spark.driver.cores=1"),
        clusterMode, "512m", List.of("--stages", String.join(",", CLUSTER_MODE_STAGES))).get();
    assertEquals(0, status, cluster.tail("cluster-mode") + driverOutput());
    took.put("cluster-mode " + String.join(",", CLUSTER_MODE_STAGES), since(clusterRun));
    took.put("all", since(start));
    System.out.println("NightlyOnAClusterIT wall times: " + took);
  }

  /**
   * Kills worker 2, executors and all, {@link #KILL_AFTER} after the client-mode run's executor started on it
   * (its work folder holds the application's): in the middle of the run's first stages (ingest-crm alone
   * took 75 s there). The future says whether the run was still going when the worker died.
   */
  static CompletableFuture<Boolean> killWorkerTwoDuring(CompletableFuture<Integer> run) {
    Path work = cluster.logs().resolve("worker-2-work");
    return CompletableFuture.supplyAsync(() -> {
      try {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!run.isDone() && System.nanoTime() < deadline) {
          try (Stream<Path> apps = Files.list(work)) {
            if (apps.anyMatch(p -> p.getFileName().toString().startsWith("app-"))) {
              break;
            }
          }
          Thread.sleep(500);
        }
        Thread.sleep(KILL_AFTER.toMillis());
        boolean running = !run.isDone();
        cluster.killWorker(2);
        System.out.println("NightlyOnAClusterIT: worker 2 killed " + (running ? "during" : "after") + " the client-mode run");
        return running;
      } catch (Exception e) {
        throw new IllegalStateException("killing worker 2: " + e.getMessage(), e);
      }
    });
  }

  static final Duration KILL_AFTER = Duration.ofSeconds(20);
  static boolean killedWhileRunning;

  @AfterAll
  static void stopTheCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * {@code SparkSubmit} as {@code bin/spark-submit} runs it (a JVM on the Spark home's jars with
   * Spark's options for Java 17), the product jar, Delta and the DuckDB driver as local files: the
   * README's command. Runs in the background; the future gives its exit status.
   */
  static CompletableFuture<Integer> submit(String name, List<String> where, Lake lake, String heap, List<String> flags) {
    List<String> args = new ArrayList<>(where);
    String opens = String.join(" ", jvmOptions());
    List<Path> jars = new ArrayList<>(jarsListedIn("delta-jars.txt"));
    if (!flags.contains("--stages")) {
      jars.add(duckDbDriver()); // the whole nightly publishes the DuckDB catalog; the shaded jar leaves it out
    }
    args.addAll(List.of("--class", MAIN_CLASS, "--jars", String.join(",", jars.stream().map(Path::toString).toList()),
        "--conf", "spark.driver.extraJavaOptions=" + opens, "--conf", "spark.executor.extraJavaOptions=" + opens,
        "--conf", "spark.executor.memory=1g", "--conf", "spark.executor.cores=1", "--conf", "spark.cores.max=2",
        // Shuffle partitions sized to the two executor cores (docs/runbook.md; the default of 8 is for a
        // bigger cluster): a quarter of the tasks, each of which crosses the network on a cluster.
        "--conf", "spark.sql.shuffle.partitions=2", "--conf", "spark.ui.enabled=false",
        productJar().toString(), "nightly", "--lake", lake.root(), "--run-date", RUN_DATE.toString()));
    args.addAll(flags);
    List<String> command = cluster.java(heap, List.of(), "org.apache.spark.deploy.SparkSubmit", args.toArray(String[]::new));
    return CompletableFuture.supplyAsync(() -> {
      try {
        return cluster.run(command, name, Duration.ofMinutes(25));
      } catch (Exception e) {
        throw new IllegalStateException(name + ": " + e.getMessage(), e);
      }
    });
  }

  @Test
  void theClientModeNightlyPublishesTheTablesOfALocalRun() {
    Set<TableSpec> tables = writtenBy(clientModeDag());
    tables.add(RunTables.RUN_MANIFEST);
    int compared = 0;
    long rows = 0;
    for (TableSpec table : tables) {
      boolean exists = DeltaIO.exists(spark(), local.path(table));
      assertEquals(exists, DeltaIO.exists(spark(), client.path(table)), table.qualifiedName() + " exists on one lake only");
      if (exists) {
        rows += assertSameRows(table, "true");
        compared++;
      }
    }
    assertTrue(compared >= (CLIENT_MODE_STAGES == null ? 40 : 8), "tables compared: " + compared);
    assertTrue(rows > (CLIENT_MODE_STAGES == null ? 10_000 : 1_000), "rows compared: " + rows);
    assertEquals(List.of(), DeltaIO.read(spark(), client, RunTables.RUN_MANIFEST).where("status <> 'succeeded'")
        .select("stage").as(Encoders.STRING()).collectAsList(), "every stage of the client-mode run succeeded");
  }

  /** The tables the cluster-mode stages write; the quarantine and watermarks only for their feeds. */
  @Test
  void theClusterModeStagesPublishTheTablesOfALocalRun() {
    List<Stage> stages = NightlyJob.dag().stream().filter(s -> CLUSTER_MODE_STAGES.contains(s.name())).toList();
    List<String> feeds = stages.stream().flatMap(s -> s.dataFlow().rawInputs().stream()).map(RawFeed::sourceName).toList();
    String theirFeeds = "source IN ('" + String.join("', '", feeds) + "')";
    for (TableSpec table : writtenBy(stages)) {
      long rows = assertSameRows(clusterMode, table, Arrays.asList(table.schema().fieldNames()).contains("source") ? theirFeeds : "true");
      assertTrue(rows > 0, table.qualifiedName() + " has rows to compare");
    }
    List<Row> manifest = DeltaIO.read(spark(), clusterMode, RunTables.RUN_MANIFEST).select("stage", "status").collectAsList();
    assertEquals(CLUSTER_MODE_STAGES.stream().sorted().toList(), manifest.stream().map(r -> r.getString(0)).sorted().toList(),
        "the stages the driver ran");
    assertTrue(manifest.stream().allMatch(r -> r.getString(1).equals("succeeded")), manifest.toString());
  }

  /**
   * The work really ran on the cluster: the master saw both applications and the cluster-mode
   * driver end well, and each worker started executors for the client-mode nightly.
   */
  /**
   * Worker 2 died, executor and all, while the client-mode run was going: its driver lost that executor
   * and ran the lost tasks on the other worker, and the run still published the local run's tables
   * ({@link #theClientModeNightlyPublishesTheTablesOfALocalRun}).
   */
  @Test
  void aWorkerKilledDuringTheClientModeRunCostItNoRow() throws Exception {
    assertTrue(killedWhileRunning, "worker 2 was killed while the client-mode run was still going");
    String driverLog = Files.readString(cluster.logs().resolve("client.log"));
    assertTrue(driverLog.contains("Lost executor"), "the client-mode driver lost worker 2's executor:\n" + cluster.tail("client"));
  }

  /** Under spark-submit the cluster's log4j2 configuration applies: no log file, so no empty {@code _logs/} on the lake. */
  @Test
  void submittedRunsLeaveNoLogsFolderOnTheLake() {
    for (Lake lake : List.of(client, clusterMode)) {
      assertFalse(Files.exists(Path.of(lake.root(), "_logs")), lake.root());
    }
  }

  @Test
  void theMasterRanBothApplicationsOnBothWorkers() throws Exception {
    JsonNode master = cluster.masterState();
    List<String> apps = new ArrayList<>();
    master.path("completedapps").forEach(app -> apps.add(app.path("name").asText() + ":" + app.path("state").asText()));
    assertEquals(List.of("churnscope nightly:FINISHED", "churnscope nightly:FINISHED"), apps.stream().sorted().toList());
    List<String> drivers = new ArrayList<>();
    master.path("completeddrivers").forEach(driver -> drivers.add(driver.path("state").asText()));
    assertEquals(List.of("FINISHED"), drivers, "the cluster-mode driver");
    for (int worker = 1; worker <= 2; worker++) {
      try (Stream<Path> executors = Files.list(cluster.logs().resolve("worker-" + worker + "-work"))) {
        assertTrue(executors.filter(p -> p.getFileName().toString().startsWith("app-")).count() >= 1,
            "worker " + worker + " ran executors");
      }
    }
  }

  /** Every table a stage of {@code stages} declares it writes, in DAG order. */
  static Set<TableSpec> writtenBy(List<Stage> stages) {
    Set<TableSpec> tables = new LinkedHashSet<>();
    stages.forEach(stage -> tables.addAll(stage.dataFlow().writes()));
    return tables;
  }

  static long assertSameRows(TableSpec table, String where) {
    return assertSameRows(client, table, where);
  }

  /**
   * {@code table} on {@code other} holds the rows it holds on the local run's lake, as a multiset
   * (Spark's {@code exceptAll} both ways), without its {@link #RUN_SPECIFIC} columns; the lake's root
   * in a value (a raw file's path) reads {@code <lake>} on both. Returns the row count.
   */
  static long assertSameRows(Lake other, TableSpec table, String where) {
    Dataset<Row> expected = comparable(local, table, where);
    Dataset<Row> actual = comparable(other, table, where);
    List<String> onlyLocal = expected.exceptAll(actual).limit(5).as(Encoders.STRING()).collectAsList();
    List<String> onlyOther = actual.exceptAll(expected).limit(5).as(Encoders.STRING()).collectAsList();
    long count = expected.count();
    assertTrue(onlyLocal.isEmpty() && onlyOther.isEmpty(), table.qualifiedName() + " (" + where + "): local run " + count
        + " rows, " + other.root() + " " + actual.count() + " rows\n  only in the local run: " + onlyLocal
        + "\n  only in the other: " + onlyOther);
    return count;
  }

  /** One JSON string per row, without the run-specific columns and with the lake root as {@code <lake>}. */
  static Dataset<Row> comparable(Lake lake, TableSpec table, String where) {
    Dataset<Row> rows = DeltaIO.read(spark(), lake, table).where(where)
        .drop(RUN_SPECIFIC.getOrDefault(table, List.of()).toArray(String[]::new));
    return rows.select(functions.regexp_replace(functions.to_json(functions.struct(col("*"))),
        Pattern.quote(lake.root()), "<lake>").as("row"));
  }

  /** The cluster-mode driver's console output, kept by the worker that ran it. */
  static String driverOutput() {
    try (Stream<Path> files = Files.walk(cluster.logs())) {
      StringBuilder out = new StringBuilder();
      for (Path file : files.filter(p -> p.getParent().getFileName().toString().startsWith("driver-")
          && (p.endsWith("stdout") || p.endsWith("stderr"))).toList()) {
        List<String> lines = Files.readAllLines(file);
        out.append("--- ").append(file).append(" (end) ---\n")
            .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()))).append('\n');
      }
      return out.toString();
    } catch (IOException e) {
      return e.getMessage();
    }
  }

  static Lake copyOf(Path generated, String name) throws IOException {
    Path target = dir.resolve(name);
    try (Stream<Path> files = Files.walk(generated)) {
      for (Path file : files.toList()) {
        Path copy = target.resolve(generated.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy);
        }
      }
    }
    return new Lake(target.toString());
  }

  /** Spark's JVM options for Java 17 (the parent pom's spark.jvm.opens, passed by failsafe). */
  static List<String> jvmOptions() {
    return Arrays.asList(System.getProperty("churnscope.jvm.opens").trim().split("\\s+"));
  }

  /** A class-path file the build wrote (jobs/pom.xml, pre-integration-test). */
  static List<Path> jarsListedIn(String file) {
    try {
      Path listing = Path.of(System.getProperty("churnscope.cluster.dir")).resolve(file);
      return Arrays.stream(Files.readString(listing).trim().split(java.io.File.pathSeparator)).map(Path::of).toList();
    } catch (IOException e) {
      throw new IllegalStateException("run through Maven (mvn verify): the build lists the jars in " + file, e);
    }
  }

  static Path productJar() {
    return Path.of(System.getProperty("churnscope.product.jar"));
  }

  static Path duckDbDriver() {
    return Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(entry -> entry.contains("duckdb_jdbc")).map(Path::of).findFirst().orElseThrow();
  }

  private static Duration since(long nanos) {
    return Duration.ofNanos(System.nanoTime() - nanos).withNanos(0);
  }

  private static void deleteTree(Path root) throws IOException {
    if (Files.exists(root)) {
      try (Stream<Path> old = Files.walk(root)) {
        old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
