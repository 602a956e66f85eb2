package io.churnscope.jobs.nightly;

import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.RunTables;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
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
  public record Entry(String stage, String status, Instant startedAt, long durationMs, StageResult result) {}

  public static void record(SparkSession spark, RunContext run, Entry entry) {
    StageResult result = entry.result();
    Row row = RowFactory.create(run.runId(), Date.valueOf(run.runDate()), entry.stage(), entry.status(),
        Timestamp.from(entry.startedAt()), entry.durationMs(), result.rowsIn(), result.rowsOut(),
        result.rowsQuarantined(), scala.jdk.javaapi.CollectionConverters.asScala(result.inputs()).toSeq(),
        result.message());
    DeltaIO.append(spark, run.lake(), RunTables.RUN_MANIFEST,
        spark.createDataFrame(List.of(row), RunTables.RUN_MANIFEST.schema()));
  }
}
