package io.churnscope.jobs.nightly;

import io.churnscope.common.run.ResourceUse;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageMeter;
import io.churnscope.common.run.StageResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs stages in order, recording each in the run manifest. The first failure stops the run: the
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
    for (Stage stage : stages) {
      if (failure != null) {
        entries.add(record(spark, run, new RunManifest.Entry(stage.name(), "skipped", Instant.now(), 0,
            StageResult.nothingToDo("not run: an earlier stage failed"))));
        continue;
      }
      Instant started = Instant.now();
      LOG.info("stage {} ({}) starting for {}", stage.name(), stage.description(), run.runDate());
      spark.sparkContext().setJobGroup(stage.name(), stage.name() + " for " + run.runDate(), false);
      StageMeter.Measurement meter = StageMeter.of(spark.sparkContext()).start(stage.name());
      try {
        StageResult result = stage.run(spark, run);
        long ms = Duration.between(started, Instant.now()).toMillis();
        ResourceUse use = meter.stop();
        LOG.info("stage {} succeeded in {} s: {} ({} Spark jobs, {} s of tasks, {} MB shuffled, driver heap peak {} MB)",
            stage.name(), ms / 1000.0, result.message(), use.sparkJobs(), use.taskMs() / 1000.0,
            (use.shuffleReadBytes() + use.shuffleWriteBytes()) >> 20, use.peakHeapMb());
        entries.add(record(spark, run, new RunManifest.Entry(stage.name(), "succeeded", started, ms, result, use)));
      } catch (Exception e) {
        long ms = Duration.between(started, Instant.now()).toMillis();
        LOG.error("stage {} failed after {} s", stage.name(), ms / 1000.0, e);
        entries.add(record(spark, run, new RunManifest.Entry(stage.name(), "failed", started, ms,
            StageResult.nothingToDo(String.valueOf(e.getMessage())), meter.stop())));
        failure = e;
      } finally {
        spark.sparkContext().clearJobGroup();
      }
    }
    System.out.println(RunSummary.render(run, entries));
    if (failure != null) {
      throw failure;
    }
    return entries;
  }

  private static RunManifest.Entry record(SparkSession spark, RunContext run, RunManifest.Entry entry) {
    RunManifest.record(spark, run, entry);
    return entry;
  }
}
