package io.churnscope.jobs.nightly;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.beust.jcommander.JCommander;
import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.config.RunLockSettings;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.run.RunLock;
import io.churnscope.common.schema.RunTables;
import io.churnscope.common.testing.SparkTestBase;
import io.churnscope.generator.SampleLakeGenerator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nightly --from D1 --to D2} and the lake's run lock, on a tiny generated lake with
 * {@code --stages ingest-crm} (one cheap stage is enough: the back-fill and the lock wrap whatever
 * stages run): the dates run oldest first, one line each; a re-run skips the dates whose stages all
 * succeeded unless {@code --force}; a failing date stops the back-fill and releases the lock; and a
 * nightly started while another run holds the lock exits with status 2 and one line naming it.
 */
class NightlyBackfillAndLockTest extends SparkTestBase {
  static final LocalDate END = LocalDate.parse("2026-10-31");

  @TempDir
  static Path dir;
  static Lake lake;

  @BeforeAll
  static void generateATinyLake() throws Exception {
    lake = new Lake(dir.resolve("lake").toString());
    SampleLakeGenerator.Args generate = new SampleLakeGenerator.Args();
    JCommander.newBuilder().addObject(generate).build().parse("--lake", lake.root(), "--scale", "0.02",
        "--history-months", "1", "--usage-days", "14", "--end-date", END.toString());
    SampleLakeGenerator.run(spark(), generate);
  }

  static NightlyJob.Args nightly(Lake on, String... flags) {
    NightlyJob.Args args = new NightlyJob.Args();
    List<String> argv = new ArrayList<>(List.of("--lake", on.root()));
    argv.addAll(Arrays.asList(flags));
    JCommander.newBuilder().addObject(args).build().parse(argv.toArray(String[]::new));
    args.validate();
    return args;
  }

  /** Runs the nightly and returns its progress lines ({@code nightly: date i/n ...}). */
  static List<String> progress(NightlyJob.Args args) throws Exception {
    PrintStream console = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      NightlyJob.run(spark(), args);
    } finally {
      System.setOut(console);
      System.out.print(captured.toString(StandardCharsets.UTF_8));
    }
    return captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("nightly: date ")).toList();
  }

  /** The manifest's (run date, status) rows of one stage, in the order the stage ran. */
  static List<String> manifest(Lake on, String stage) {
    return DeltaIO.read(spark(), on, RunTables.RUN_MANIFEST).where(col("stage").equalTo(stage)).orderBy("started_at")
        .collectAsList().stream().map(r -> r.getAs("run_date") + " " + r.getAs("status")).toList();
  }

  @Test
  void aBackfillRunsItsDatesInOrderAndARerunSkipsTheCompleteOnesUnlessForced() throws Exception {
    List<String> first = progress(nightly(lake, "--from", "2026-10-29", "--to", "2026-10-30", "--stages", "ingest-crm"));
    assertEquals(List.of("nightly: date 1/2 2026-10-29: running its stage ingest-crm",
        "nightly: date 2/2 2026-10-30: running its stage ingest-crm"), first);
    assertEquals(List.of("2026-10-29 succeeded", "2026-10-30 succeeded"), manifest(lake, "ingest-crm"));

    List<String> resumed = progress(nightly(lake, "--from", "2026-10-29", "--to", "2026-10-31", "--stages", "ingest-crm"));
    assertEquals(3, resumed.size(), String.join("\n", resumed));
    for (int i = 0; i < 2; i++) {
      assertTrue(resumed.get(i).startsWith("nightly: date " + (i + 1) + "/3 2026-10-" + (29 + i)
          + ": skipped, already complete (its stage ingest-crm succeeded"), resumed.get(i));
    }
    assertEquals("nightly: date 3/3 2026-10-31: running its stage ingest-crm", resumed.get(2));
    assertEquals(List.of("2026-10-29 succeeded", "2026-10-30 succeeded", "2026-10-31 succeeded"),
        manifest(lake, "ingest-crm"), "only the missing date ran");

    List<String> forced = progress(nightly(lake, "--from", "2026-10-31", "--to", "2026-10-31", "--stages", "ingest-crm",
        "--force"));
    assertEquals(List.of("nightly: date 1/1 2026-10-31: running its stage ingest-crm"), forced);
    assertEquals(4, manifest(lake, "ingest-crm").size());
    assertFalse(Files.exists(dir.resolve("lake/_runs/lock")), "the lock is released");
  }

  @Test
  void aFailingDateStopsTheBackfillAndReleasesTheLockAndARerunRetriesIt() throws Exception {
    Lake empty = new Lake(dir.resolve("empty-lake").toString());
    // churn-metrics reads marts.mrr_ledger_account, which no run has written on this lake: it fails.
    NightlyJob.Args failing = nightly(empty, "--from", "2026-10-26", "--to", "2026-10-27", "--stages", "churn-metrics");
    assertThrows(IllegalStateException.class, () -> progress(failing));
    assertEquals(List.of("2026-10-26 failed"), manifest(empty, "churn-metrics"), "2026-10-27 never started");
    assertFalse(Files.exists(dir.resolve("empty-lake/_runs/lock")), "the lock is released after the failure");

    // The failed date is not complete: the same command runs it again (and fails again, here).
    assertThrows(IllegalStateException.class, () -> progress(failing));
    assertEquals(List.of("2026-10-26 failed", "2026-10-26 failed"), manifest(empty, "churn-metrics"));
    try (RunLock lock = RunLock.acquire(spark().sparkContext().hadoopConfiguration(), empty,
        RunLockSettings.from(ChurnscopeConfig.defaults()), "test", "2026-10-26")) {
      assertTrue(lock.tookOver().isEmpty(), "free, not stale");
    }
  }

  @Test
  void theFlagsOfABackfillAreCheckedWithOneLineEach() {
    assertEquals("--run-date and --from/--to exclude each other: one date with --run-date, or a range with --from and --to",
        assertThrows(UserError.class, () -> nightly(lake, "--run-date", "2026-10-31", "--from", "2026-10-01",
            "--to", "2026-10-02")).getMessage());
    assertEquals("--from 2026-10-31 is after --to 2026-10-01: a back-fill runs oldest first, from --from to --to; swap them",
        assertThrows(UserError.class, () -> nightly(lake, "--from", "2026-10-31", "--to", "2026-10-01")).getMessage());
    assertEquals("--from and --to go together: name the first and the last date of the back-fill",
        assertThrows(UserError.class, () -> nightly(lake, "--from", "2026-10-31")).getMessage());
    // --force with one date: every stage runs, unchanged ones too (UnchangedStagesTest).
    assertTrue(nightly(lake, "--run-date", "2026-10-31", "--force").force);
    assertEquals(List.of(LocalDate.parse("2026-10-30"), LocalDate.parse("2026-10-31")),
        nightly(lake, "--from", "2026-10-30", "--to", "2026-10-31").dates());
  }

  /**
   * A run started while another holds the lake is refused with one line and status 2, before its Spark
   * session starts: each command runs with the embedded metastore, whose session would create
   * {@code <lake>/_catalog}.
   */
  @Test
  void aRunStartedWhileAnotherHoldsTheLakeIsRefusedInOneLineWithStatus2BeforeSparkStarts() throws Exception {
    Lake held = new Lake(dir.resolve("held-lake").toString());
    try (RunLock other = RunLock.acquire(spark().sparkContext().hadoopConfiguration(), held,
        RunLockSettings.from(ChurnscopeConfig.defaults()), "nightly", "2026-10-31")) {
      for (List<String> command : List.of(List.of("nightly", "--stages", "ingest-crm"), List.of("mrr-ledger"),
          List.of("maintain"), List.of("ingest-mapped", "--mapping", "ravenstack", "--source-dir", dir.toString()))) {
        refused(held, other, command);
      }
    }
  }

  private static void refused(Lake held, RunLock other, List<String> args) throws Exception {
    String name = args.get(0);
    List<String> command = io.churnscope.common.testing.ChildJvm.javaForSpark("1g");
    command.addAll(List.of("-Dspark.master=local[1]", "-Dspark.ui.enabled=false", "-Dlog4j2.level=WARN",
        "-cp", System.getProperty("java.class.path"), "io.churnscope.jobs.Churnscope"));
    command.addAll(args);
    command.addAll(List.of("--lake", held.root(), "--run-date", "2026-10-31",
        "--set", "privacy.pseudonym-salt=a-test-secret", "--set", "catalog.metastore=embedded"));
    Path out = dir.resolve("refused-" + name + "-out.txt");
    Path err = dir.resolve("refused-" + name + "-err.txt");
    long started = System.nanoTime();
    Process second = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(second.waitFor(3, TimeUnit.MINUTES), name + " ended");
    System.out.printf("%s refused in %d ms (JVM start included)%n", name, (System.nanoTime() - started) / 1_000_000);
    String stdout = Files.readString(out);
    String stderr = Files.readString(err);
    assertEquals(2, second.exitValue(), name + ": " + stdout + stderr);
    List<String> lines = stderr.lines().filter(l -> l.startsWith("churnscope " + name + ":")).toList();
    assertEquals(1, lines.size(), stderr);
    assertTrue(lines.get(0).startsWith("churnscope " + name + ": the lake is locked by another run: nightly for 2026-10-31 (pid "
        + ProcessHandle.current().pid() + " on host "), lines.get(0));
    assertTrue(lines.get(0).contains("delete " + held.root() + "/_runs/lock"), lines.get(0));
    assertFalse((stdout + stderr).contains("\tat "), "no stack trace:\n" + stdout + stderr);
    assertFalse(Files.exists(Path.of(held.root(), "_catalog")), name + " started no Spark session");
    assertFalse(DeltaIO.exists(spark(), held.path(RunTables.RUN_MANIFEST)), "the refused run wrote nothing");
    assertEquals(other.holder().token(), new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(Path.of(held.root(), "_runs", "lock").toFile()).get("token").asText(), "the holder keeps its lock");
  }
}
