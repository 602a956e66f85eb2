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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Appends one row per stage to {@code _runs/run_manifest} as soon as the stage ends, so even a run
 * that dies midway leaves a record of what it did. The manifest is a log: re-runs add rows.
 */
public final class RunManifest {
  private RunManifest() {}

  /**
   * A stage's outcome as the manifest and the summary show it.
   *
   * @param status {@code succeeded}, {@code unchanged} (not run: see {@link StageFingerprint}),
   *     {@code failed}, or {@code skipped} (an earlier stage failed)
   * @param fingerprint the stage's {@link StageFingerprint} after it succeeded (or was unchanged), else null
   */
  public record Entry(String stage, String status, Instant startedAt, long durationMs, StageResult result, ResourceUse use,
      String fingerprint) {
    public Entry(String stage, String status, Instant startedAt, long durationMs, StageResult result, ResourceUse use) {
      this(stage, status, startedAt, durationMs, result, use, null);
    }

    /** A stage that was not measured (skipped, or run outside the stage runner). */
    public Entry(String stage, String status, Instant startedAt, long durationMs, StageResult result) {
      this(stage, status, startedAt, durationMs, result, ResourceUse.NONE);
    }
  }

  /** {@code succeeded} or {@code unchanged}: the stage's tables hold its result for the run date. */
  public static boolean isComplete(String status) {
    return "succeeded".equals(status) || "unchanged".equals(status);
  }

  public static void record(SparkSession spark, RunContext run, Entry entry) {
    StageResult result = entry.result();
    Row row = RowFactory.create(run.runId(), Date.valueOf(run.runDate()), entry.stage(), entry.status(),
        Timestamp.from(entry.startedAt()), entry.durationMs(), result.rowsIn(), result.rowsOut(),
        result.rowsQuarantined(), scala.jdk.javaapi.CollectionConverters.asScala(result.inputs()).toSeq(),
        result.message(), entry.use().sparkJobs(), entry.use().taskMs(), entry.use().inputBytes(),
        entry.use().shuffleReadBytes(), entry.use().shuffleWriteBytes(), entry.use().spillBytes(),
        entry.use().outputBytes(), entry.use().peakHeapMb(), entry.use().retainedHeapMb(), entry.fingerprint());
    // mergeSchema: a lake whose manifest predates a column gets it added, older rows null.
    DeltaIO.append(spark, run.lake(), RunTables.RUN_MANIFEST,
        spark.createDataFrame(List.of(row), RunTables.RUN_MANIFEST.schema()), true);
  }

  /**
   * Per stage, the fingerprint its latest completed run ({@code succeeded} or {@code unchanged}) of
   * {@code date} recorded, with that run's id: what {@link StageFingerprint} compares against.
   */
  public static Map<String, Recorded> fingerprints(SparkSession spark, Lake lake, LocalDate date) {
    Map<String, Recorded> recorded = new TreeMap<>();
    Dataset<Row> manifest = DeltaIO.readOrEmpty(spark, lake, RunTables.RUN_MANIFEST);
    if (!java.util.Arrays.asList(manifest.columns()).contains("fingerprint")) {
      return recorded;
    }
    manifest.where(col("run_date").equalTo(Date.valueOf(date)).and(col("status").isin("succeeded", "unchanged"))
            .and(col("fingerprint").isNotNull()))
        .groupBy("stage")
        .agg(max_by(struct(col("fingerprint"), col("run_id")), struct(col("started_at"), col("run_id"))).as("latest"))
        .collectAsList()
        .forEach(row -> recorded.put(row.getString(0),
            new Recorded(row.getStruct(1).getString(0), row.getStruct(1).getString(1))));
    return recorded;
  }

  /** A stage's fingerprint as a completed run recorded it. */
  public record Recorded(String fingerprint, String runId) {}

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
