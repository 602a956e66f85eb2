package io.churnscope.common.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.TableSpec;
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
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
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
    public DataFlow dataFlow() {
      return DataFlow.reading(RunTables.INGEST_WATERMARKS).writing(PROBE);
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

  @Test
  void eachStageRecordsWhatItCostInTheManifest() throws Exception {
    RunContext run = RunContext.start(LocalDate.parse("2026-03-02"), new Lake(dir.resolve("costs").toString()), ChurnscopeConfig.defaults());
    // A shuffle (groupBy) then a write: the stage must show jobs, shuffle bytes and output bytes.
    Stage shuffling = new Writing("shuffling", spark -> spark.range(20_000).toDF()
        .groupBy(col("id").mod(97).as("id")).count().select("id"));
    Stage idle = new Stage() {
      public String name() {
        return "idle";
      }

      public String description() {
        return "runs no Spark job";
      }

      public DataFlow dataFlow() {
        return DataFlow.reading();
      }

      public StageResult run(SparkSession spark, RunContext context) {
        return StageResult.nothingToDo("nothing");
      }
    };

    List<RunManifest.Entry> entries = StageRunner.runAll(spark(), run, List.of(shuffling, idle));

    assertTrue(entries.get(0).use().sparkJobs() >= 1, "the write runs Spark jobs: " + entries.get(0).use());
    assertTrue(entries.get(0).use().shuffleWriteBytes() > 0, "groupBy shuffles: " + entries.get(0).use());
    assertTrue(entries.get(0).use().outputBytes() > 0, "the Delta write writes Parquet: " + entries.get(0).use());
    assertTrue(entries.get(0).use().peakHeapMb() > 0);
    assertEquals(0, entries.get(1).use().sparkJobs(), "jobs of the previous stage are not counted again");
    Row recorded = DeltaIO.read(spark(), run.lake(), RunTables.RUN_MANIFEST).where(col("stage").equalTo("shuffling")).first();
    assertEquals(entries.get(0).use().shuffleWriteBytes(), recorded.<Long>getAs("shuffle_write_bytes"));
  }

  @Test
  void aManifestWrittenBeforeTheCostColumnsExistedGainsThem() throws Exception {
    Lake lake = new Lake(dir.resolve("old").toString());
    StructType oldSchema = new StructType(java.util.Arrays.stream(RunTables.RUN_MANIFEST.schema().fields())
        .filter(f -> !f.name().endsWith("_bytes") && !f.name().endsWith("_mb") && !f.name().equals("spark_jobs")
            && !f.name().equals("task_ms")).toArray(StructField[]::new));
    spark().createDataFrame(List.of(), oldSchema).write().format("delta").save(lake.path(RunTables.RUN_MANIFEST));
    RunContext run = RunContext.start(LocalDate.parse("2026-03-03"), lake, ChurnscopeConfig.defaults());

    StageRunner.runAll(spark(), run, List.of(new Writing("first", spark -> spark.range(3).toDF())));

    Row recorded = DeltaIO.read(spark(), lake, RunTables.RUN_MANIFEST).first();
    assertTrue(recorded.<Long>getAs("spark_jobs") >= 1);
  }

  @Test
  void theManifestListsTheTablesAStageDeclaresItReads() throws Exception {
    RunContext run = RunContext.start(LocalDate.parse("2026-03-04"), new Lake(dir.resolve("inputs").toString()),
        ChurnscopeConfig.defaults());

    StageRunner.runAll(spark(), run, List.of(new Writing("first", spark -> spark.range(3).toDF())));

    Row recorded = DeltaIO.read(spark(), run.lake(), RunTables.RUN_MANIFEST).first();
    assertEquals(List.of(RunTables.INGEST_WATERMARKS.qualifiedName()), recorded.getList(recorded.fieldIndex("input_files")));
  }

  @Test
  void aStageThatWritesATableItDidNotDeclareFails() {
    RunContext run = RunContext.start(LocalDate.parse("2026-03-05"), new Lake(dir.resolve("undeclared").toString()),
        ChurnscopeConfig.defaults());
    Stage undeclared = new Stage() {
      public String name() {
        return "undeclared";
      }

      public String description() {
        return "writes the probe table without saying so";
      }

      public DataFlow dataFlow() {
        return DataFlow.reading();
      }

      public StageResult run(SparkSession spark, RunContext context) {
        DeltaIO.overwrite(spark, context.lake(), PROBE, spark.range(3).toDF());
        return StageResult.nothingToDo("");
      }
    };

    Exception e = assertThrows(IllegalStateException.class, () -> StageRunner.runAll(spark(), run, List.of(undeclared)));

    assertTrue(e.getMessage().contains("wrote marts.probe"), e.getMessage());
  }
}
