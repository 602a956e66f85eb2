package io.churnscope.jobs.nightly;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.Columns;
import io.churnscope.common.schema.RunTables;
import io.churnscope.common.testing.SparkTestBase;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed stage fails the run, is recorded, and leaves the published table at its last version. */
class StageRunnerTest extends SparkTestBase {
  static final TableSpec PROBE = new TableSpec("marts", "probe",
      Columns.schema(Columns.required("id", DataTypes.LongType, "A number.")), List.of(), "A table for this test.");

  @TempDir
  Path dir;

  record Writing(String name, Function<SparkSession, Dataset<Row>> rows) implements Stage {
    @Override
    public String description() {
      return "writes the probe table";
    }

    @Override
    public StageResult run(SparkSession spark, RunContext run) {
      DeltaIO.overwrite(spark, run.lake(), PROBE, rows.apply(spark));
      return new StageResult(0, 0, 0, List.of(), "");
    }
  }

  @Test
  void aFailingStageStopsTheRunAndLeavesThePublishedTableIntact() {
    RunContext run = RunContext.start(LocalDate.parse("2026-03-01"), new Lake(dir.toString()), ChurnscopeConfig.defaults());
    Stage first = new Writing("first", spark -> spark.range(10).toDF());
    // Fails inside the write, on row 50 of 100: nothing of it may become visible.
    Stage failing = new Writing("failing", spark -> spark.range(100).toDF()
        .withColumn("id", functions.when(col("id").equalTo(50), functions.raise_error(lit("boom"))).otherwise(col("id"))));
    Stage never = new Writing("never", spark -> spark.range(1000).toDF());

    assertThrows(Exception.class, () -> StageRunner.runAll(spark(), run, List.of(first, failing, never)));

    assertEquals(10, DeltaIO.read(spark(), run.lake(), PROBE).count(), "the table keeps the first stage's rows");
    List<String> statuses = DeltaIO.read(spark(), run.lake(), RunTables.RUN_MANIFEST).orderBy("started_at", "stage")
        .collectAsList().stream().map(r -> r.<String>getAs("stage") + ":" + r.<String>getAs("status")).toList();
    assertEquals(List.of("first:succeeded", "failing:failed", "never:skipped"), statuses);
  }
}
