package io.churnscope.common.run;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Measures what a stage costs: a Spark listener sums the task metrics of every job run under the
 * stage's job group (Delta's own log and checkpoint jobs included, since they run on the same
 * thread), and a sampler watches the driver heap. One meter per SparkContext.
 *
 * <pre>
 * StageMeter.Measurement m = StageMeter.of(spark.sparkContext()).start("mrr-ledger");
 * ... run the stage under job group "mrr-ledger" ...
 * ResourceUse use = m.stop();
 * </pre>
 */
public final class StageMeter extends SparkListener {
  private static final Logger LOG = LoggerFactory.getLogger(StageMeter.class);
  private static final String JOB_GROUP = "spark.jobGroup.id";
  private static final Map<SparkContext, StageMeter> METERS = Collections.synchronizedMap(new WeakHashMap<>());

  private final SparkContext context;
  private final Map<Integer, String> groupOfStage = new ConcurrentHashMap<>();
  private final Map<String, Totals> totals = new ConcurrentHashMap<>();

  private StageMeter(SparkContext context) {
    this.context = context;
  }

  public static StageMeter of(SparkContext context) {
    return METERS.computeIfAbsent(context, c -> {
      StageMeter meter = new StageMeter(c);
      c.addSparkListener(meter);
      return meter;
    });
  }

  /** Starts measuring the jobs of {@code jobGroup}; forgets an earlier measurement of the same group. */
  public Measurement start(String jobGroup) {
    totals.put(jobGroup, new Totals());
    return new Measurement(jobGroup);
  }

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    String group = jobStart.properties() == null ? null : jobStart.properties().getProperty(JOB_GROUP);
    Totals sums = group == null ? null : totals.get(group);
    if (sums == null) {
      return;
    }
    sums.jobs.incrementAndGet();
    for (StageInfo stage : CollectionConverters.asJava(jobStart.stageInfos())) {
      groupOfStage.put(stage.stageId(), group);
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    String group = groupOfStage.get(taskEnd.stageId());
    Totals sums = group == null ? null : totals.get(group);
    TaskMetrics metrics = taskEnd.taskMetrics();
    if (sums == null || metrics == null) {
      return;
    }
    sums.taskMs.addAndGet(metrics.executorRunTime());
    sums.inputBytes.addAndGet(metrics.inputMetrics().bytesRead());
    sums.shuffleReadBytes.addAndGet(metrics.shuffleReadMetrics().totalBytesRead());
    sums.shuffleWriteBytes.addAndGet(metrics.shuffleWriteMetrics().bytesWritten());
    sums.spillBytes.addAndGet(metrics.memoryBytesSpilled() + metrics.diskBytesSpilled());
    sums.outputBytes.addAndGet(metrics.outputMetrics().bytesWritten());
  }

  /** One stage being measured. */
  public final class Measurement {
    private final String group;
    private final AtomicLong peakHeap = new AtomicLong();
    private final AtomicLong retainedHeap = new AtomicLong();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "churnscope-heap-sampler");
      thread.setDaemon(true);
      return thread;
    });

    private Measurement(String group) {
      this.group = group;
      List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getType() == MemoryType.HEAP).toList();
      sampler.scheduleAtFixedRate(() -> sampleHeap(heapPools), 0, 100, TimeUnit.MILLISECONDS);
    }

    private void sampleHeap(List<MemoryPoolMXBean> heapPools) {
      peakHeap.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
      long afterCollection = 0;
      for (MemoryPoolMXBean pool : heapPools) {
        // The tenured pool's usage after its last collection: live data, not garbage waiting.
        if (pool.getName().contains("Old") || pool.getName().contains("Tenured")) {
          afterCollection += pool.getCollectionUsage() == null ? 0 : pool.getCollectionUsage().getUsed();
        }
      }
      retainedHeap.accumulateAndGet(afterCollection, Math::max);
    }

    /** Waits for Spark's listener events of the group's jobs to arrive, then returns the sums. */
    public ResourceUse stop() {
      sampler.shutdownNow();
      try {
        // Task-end events reach listeners asynchronously; the last ones may still be queued.
        context.listenerBus().waitUntilEmpty(TimeUnit.SECONDS.toMillis(10));
      } catch (Exception | LinkageError e) {
        LOG.debug("could not wait for Spark's listener bus; the stage's metrics may miss its last tasks", e);
      }
      Totals sums = totals.remove(group);
      groupOfStage.values().removeIf(group::equals);
      long mb = 1024 * 1024;
      return sums == null ? ResourceUse.NONE
          : new ResourceUse(sums.jobs.get(), sums.taskMs.get(), sums.inputBytes.get(), sums.shuffleReadBytes.get(),
              sums.shuffleWriteBytes.get(), sums.spillBytes.get(), sums.outputBytes.get(), peakHeap.get() / mb,
              retainedHeap.get() / mb);
    }
  }

  private static final class Totals {
    final AtomicLong jobs = new AtomicLong();
    final AtomicLong taskMs = new AtomicLong();
    final AtomicLong inputBytes = new AtomicLong();
    final AtomicLong shuffleReadBytes = new AtomicLong();
    final AtomicLong shuffleWriteBytes = new AtomicLong();
    final AtomicLong spillBytes = new AtomicLong();
    final AtomicLong outputBytes = new AtomicLong();
  }
}
