package io.churnscope.tools.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.StageInfo;

/**
 * Spark's own record of every Spark stage a bench run ran, grouped by the Churnscope stage (the job
 * group the stage runner sets), so the report can say why a stage is slow — which Spark stage, at
 * which line of our code, reading or shuffling how much — the way the Spark UI would.
 */
final class SparkStageLog extends SparkListener {
  /** One finished Spark stage. */
  record SparkStage(String group, int id, String name, String callSite, int tasks, long wallMs, long taskMs,
      long inputRecords, long shuffleReadBytes, long shuffleWriteBytes, long spillBytes) {}

  private final Map<Integer, String> groupOfStage = new ConcurrentHashMap<>();
  private final List<SparkStage> finished = java.util.Collections.synchronizedList(new ArrayList<>());

  static SparkStageLog attach(SparkContext sc) {
    SparkStageLog log = new SparkStageLog();
    sc.addSparkListener(log);
    return log;
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
    String group = submitted.properties() == null ? null : submitted.properties().getProperty("spark.jobGroup.id");
    groupOfStage.put(submitted.stageInfo().stageId(), group == null ? "(none)" : group);
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted completed) {
    StageInfo info = completed.stageInfo();
    long wall = info.completionTime().isDefined() && info.submissionTime().isDefined()
        ? (Long) info.completionTime().get() - (Long) info.submissionTime().get() : 0;
    var metrics = info.taskMetrics();
    finished.add(new SparkStage(groupOfStage.getOrDefault(info.stageId(), "(none)"), info.stageId(), info.name(),
        callSite(info.details()), info.numTasks(), wall, metrics.executorRunTime(), metrics.inputMetrics().recordsRead(),
        metrics.shuffleReadMetrics().totalBytesRead(), metrics.shuffleWriteMetrics().bytesWritten(),
        metrics.memoryBytesSpilled() + metrics.diskBytesSpilled()));
  }

  /** The first frame of our own code in a stage's call stack: where the work was asked for. */
  static String callSite(String details) {
    for (String line : details.split("\n")) {
      String frame = line.trim();
      boolean runner = frame.startsWith("io.churnscope.jobs.nightly.") || frame.startsWith("io.churnscope.common.run.");
      if (frame.startsWith("io.churnscope.") && !runner) {
        return frame;
      }
    }
    return "(Spark or Delta internal)";
  }

  /** Forgets what was logged (between bench runs). */
  void clear() {
    finished.clear();
    groupOfStage.clear();
  }

  /** The {@code n} longest Spark stages of a Churnscope stage. */
  List<SparkStage> slowest(String group, int n) {
    synchronized (finished) {
      return finished.stream().filter(s -> s.group().equals(group))
          .sorted(Comparator.comparingLong(SparkStage::wallMs).reversed()).limit(n).toList();
    }
  }
}
