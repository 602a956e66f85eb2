package io.churnscope.common.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;

import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.schema.RunTables;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Appends one row per stage to {@code _runs/run_manifest} as soon as the stage ends, so even a run
 * that dies midway leaves a record of what it did. The manifest is a log: re-runs add rows.
 */
public final class RunManifest {
  private RunManifest() {}

  /** A stage's outcome as the manifest and the summary show it. */
  public record Entry(String stage, String status, Instant startedAt, long durationMs, StageResult result, ResourceUse use) {
    /** A stage that was not measured (skipped, or run outside the stage runner). */
    public Entry(String stage, String status, Instant startedAt, long durationMs, StageResult result) {
      this(stage, status, startedAt, durationMs, result, ResourceUse.NONE);
    }
  }

  public static void record(SparkSession spark, RunContext run, Entry entry) {
    StageResult result = entry.result();
    Row row = RowFactory.create(run.runId(), Date.valueOf(run.runDate()), entry.stage(), entry.status(),
        Timestamp.from(entry.startedAt()), entry.durationMs(), result.rowsIn(), result.rowsOut(),
        result.rowsQuarantined(), scala.jdk.javaapi.CollectionConverters.asScala(result.inputs()).toSeq(),
        result.message(), entry.use().sparkJobs(), entry.use().taskMs(), entry.use().inputBytes(),
        entry.use().shuffleReadBytes(), entry.use().shuffleWriteBytes(), entry.use().spillBytes(),
        entry.use().outputBytes(), entry.use().peakHeapMb(), entry.use().retainedHeapMb());
    // mergeSchema: a lake whose manifest predates a column gets it added, older rows null.
    DeltaIO.append(spark, run.lake(), RunTables.RUN_MANIFEST,
        spark.createDataFrame(List.of(row), RunTables.RUN_MANIFEST.schema()), true);
  }

  /**
   * For each run date in [from, to] the manifest holds, each stage's latest status (by its start
   * time, so a re-run's outcome replaces a failed run's). A back-fill skips a date whose selected
   * stages all read {@code succeeded}. Aggregated in Spark: the driver receives one row per date
   * and stage, however many times the range was re-run.
   */
  public static Map<LocalDate, Map<String, String>> latestStatus(SparkSession spark, Lake lake, LocalDate from,
      LocalDate to) {
    Map<LocalDate, Map<String, String>> latest = new TreeMap<>();
    DeltaIO.readOrEmpty(spark, lake, RunTables.RUN_MANIFEST)
        .where(col("run_date").between(Date.valueOf(from), Date.valueOf(to)))
        .groupBy("run_date", "stage")
        // The run id breaks a tie of start times (it holds the run's own start time).
        .agg(max_by(col("status"), struct(col("started_at"), col("run_id"))).as("status"))
        .collectAsList()
        .forEach(row -> latest.computeIfAbsent(row.getDate(0).toLocalDate(), d -> new TreeMap<>())
            .put(row.getString(1), row.getString(2)));
    return latest;
  }
}
