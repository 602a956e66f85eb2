package io.churnscope.common.run;

import io.churnscope.common.lake.TableAccess;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.spark.JobDescription;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs stages in order, recording each in the run manifest. A stage whose {@link StageFingerprint}
 * is the one its last success on the run date recorded is not run again ({@code unchanged}), unless
 * {@code run.skip-unchanged = false} ({@code nightly --force}). The first failure stops the run: the
 * failed stage and those after it are recorded (failed, skipped), the summary is printed, and the
 * error is rethrown so the process exits non-zero. Tables the failed stage had not yet committed
 * keep their previous version.
 */
public final class StageRunner {
  private static final Logger LOG = LoggerFactory.getLogger(StageRunner.class);

  private StageRunner() {}

  public static List<RunManifest.Entry> runAll(SparkSession spark, RunContext run, List<Stage> stages) throws Exception {
    List<RunManifest.Entry> entries = new ArrayList<>();
    Exception failure = null;
    boolean skipUnchanged = io.churnscope.common.config.RunSettings.SKIP_UNCHANGED.from(run.config());
    Map<String, RunManifest.Recorded> recorded = skipUnchanged
        ? RunManifest.fingerprints(spark, run.lake(), run.runDate()) : Map.of();
    recordInterrupted(spark, run);
    for (Stage stage : stages) {
      io.churnscope.common.lake.WriteFaults.inStage(stage.name());
      if (failure != null) {
        entries.add(record(spark, run, new RunManifest.Entry(stage.name(), "skipped", Instant.now(), 0,
            StageResult.nothingToDo("not run: an earlier stage failed"))));
        continue;
      }
      Instant started = Instant.now();
      Optional<String> before = skipUnchanged ? fingerprint(spark, run, stage) : Optional.empty();
      RunManifest.Recorded last = recorded.get(stage.name());
      if (before.isPresent() && last != null && before.get().equals(last.fingerprint())) {
        String message = "unchanged since run " + last.runId() + " (the same inputs, outputs, code and configuration): "
            + "not run again; nightly --force runs it";
        LOG.info("stage {} {}", stage.name(), message);
        entries.add(record(spark, run, new RunManifest.Entry(stage.name(), "unchanged", started,
            Duration.between(started, Instant.now()).toMillis(), declaredInputs(stage, StageResult.nothingToDo(message)),
            ResourceUse.NONE, before.get())));
        continue;
      }
      LOG.info("stage {} ({}) starting for {}", stage.name(), stage.description(), run.runDate());
      RunLock.working(run.lake(), run.runId(), run.runDate(), stage.name());
      StageMeter.Measurement meter = StageMeter.of(spark.sparkContext()).start(stage.name());
      try (JobDescription label = JobDescription.group(spark, stage.name(), stage.name() + " for " + run.runDate());
          TableAccess access = TableAccess.record()) {
        StageResult result = declaredInputs(stage, stage.run(spark, run));
        checkDeclared(stage, access);
        long ms = Duration.between(started, Instant.now()).toMillis();
        ResourceUse use = meter.stop();
        LOG.info("stage {} succeeded in {} s: {} ({} Spark jobs, {} s of tasks, {} MB shuffled, driver heap peak {} MB)",
            stage.name(), ms / 1000.0, result.message(), use.sparkJobs(), use.taskMs() / 1000.0,
            (use.shuffleReadBytes() + use.shuffleWriteBytes()) >> 20, use.peakHeapMb());
        // Recorded on a forced run too: the next plain run of the date can then skip what it wrote.
        String after = fingerprint(spark, run, stage).orElse(null);
        entries.add(record(spark, run, new RunManifest.Entry(stage.name(), "succeeded", started, ms, result, use, after)));
      } catch (Exception e) {
        long ms = Duration.between(started, Instant.now()).toMillis();
        LOG.error("stage {} failed after {} s", stage.name(), ms / 1000.0, e);
        entries.add(record(spark, run, new RunManifest.Entry(stage.name(), "failed", started, ms,
            StageResult.nothingToDo(String.valueOf(e.getMessage())), meter.stop())));
        failure = e;
      }
    }
    System.out.println(RunSummary.render(run, entries));
    if (failure != null) {
      throw failure;
    }
    return entries;
  }

  /**
   * When this process took the lake's lock over from a run that died holding it (a driver killed, a
   * machine lost), the manifest gets that run's {@code interrupted} row, under its run id, for the stage
   * its last heartbeat named: the stage never recorded as succeeded or failed, so the dead run is told
   * apart from a run still going or one that stopped at a failure.
   */
  private static void recordInterrupted(SparkSession spark, RunContext run) {
    RunLock.takeInterrupted(run.lake()).ifPresent(dead -> {
      try {
        LocalDate date = dead.runDate() != null ? dead.runDate() : run.runDate();
        record(spark, new RunContext(dead.runId(), date, run.lake(), run.config()), new RunManifest.Entry(dead.stage(),
            "interrupted", dead.lastSign(), 0, StageResult.nothingToDo("the run's driver died during this stage (last "
                + "heartbeat " + dead.lastSign() + "): " + dead.why() + "; found by run " + run.runId())));
      } catch (RuntimeException e) {
        // A note about another run: never a reason to fail this one.
        LOG.warn("could not record the interrupted run {} (stage {}) in the run manifest: {}", dead.runId(), dead.stage(),
            e.getMessage());
      }
    });
  }

  /**
   * The manifest's inputs: the tables the stage declares it reads, then what the stage itself
   * reports (the raw deliveries an ingestion read).
   */
  static StageResult declaredInputs(Stage stage, StageResult result) {
    List<String> inputs = new ArrayList<>(stage.dataFlow().reads().stream().map(TableSpec::qualifiedName).toList());
    result.inputs().stream().filter(i -> !inputs.contains(i)).forEach(inputs::add);
    return new StageResult(result.rowsIn(), result.rowsOut(), result.rowsQuarantined(), inputs, result.message());
  }

  /** A stage that touched a table its data flow does not declare is a programming error: fail it. */
  static void checkDeclared(Stage stage, TableAccess access) {
    DataFlow declared = stage.dataFlow();
    List<String> undeclared = new ArrayList<>();
    access.reads().stream().filter(t -> !declared.reads().contains(t))
        .forEach(t -> undeclared.add("read " + t.qualifiedName()));
    access.writes().stream().filter(t -> !declared.writes().contains(t))
        .forEach(t -> undeclared.add("wrote " + t.qualifiedName()));
    if (!undeclared.isEmpty()) {
      throw new IllegalStateException("stage " + stage.name() + " " + String.join(", ", undeclared)
          + " without declaring it in dataFlow()");
    }
  }

  /** The stage's fingerprint; none (the stage runs, and later runs cannot skip it) if the lake cannot be listed. */
  private static Optional<String> fingerprint(SparkSession spark, RunContext run, Stage stage) {
    try {
      return StageFingerprint.of(spark, run, stage);
    } catch (java.io.IOException | RuntimeException e) {
      LOG.warn("stage {}: no fingerprint ({}); it runs", stage.name(), e.toString());
      return Optional.empty();
    }
  }

  /**
   * Appends the stage's manifest row. The lock's heartbeat then names no stage: a driver that dies before
   * the next stage starts has left no stage unrecorded.
   */
  private static RunManifest.Entry record(SparkSession spark, RunContext run, RunManifest.Entry entry) {
    RunManifest.record(spark, run, entry);
    RunLock.working(run.lake(), run.runId(), run.runDate(), null);
    return entry;
  }
}
