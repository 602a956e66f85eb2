package io.churnscope.common.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.schema.Columns;
import io.churnscope.common.schema.RawFeed;
import io.churnscope.common.schema.RunTables;
import io.churnscope.common.testing.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage whose fingerprint is unchanged since its last success on the run date is recorded as
 * {@code unchanged} and not run; any change to what it reads or wrote, the run date, the
 * configuration or the date's raw delivery runs it again, as does {@code run.skip-unchanged = false}.
 */
class UnchangedStagesTest extends SparkTestBase {
  static final TableSpec SOURCE = probe("unchanged_source");
  static final TableSpec TARGET = probe("unchanged_target");
  static final TableSpec FED = probe("unchanged_fed");
  static final LocalDate DATE = LocalDate.parse("2026-05-01");
  static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();

  @TempDir
  Path dir;
  Lake lake;

  static TableSpec probe(String name) {
    return new TableSpec("marts", name, Columns.schema(Columns.required("id", DataTypes.LongType, "A number.")),
        List.of(), "A table for this test.");
  }

  /** Doubles the source's ids into the target. */
  record Doubling(String name) implements Stage {
    public String description() {
      return "doubles the source";
    }

    public DataFlow dataFlow() {
      return DataFlow.reading(SOURCE).writing(TARGET);
    }

    public StageResult run(SparkSession spark, RunContext run) {
      RUNS.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
      DeltaIO.overwrite(spark, run.lake(), TARGET,
          DeltaIO.read(spark, run.lake(), SOURCE).select(functions.col("id").multiply(2).as("id")));
      return StageResult.nothingToDo("doubled");
    }
  }

  /** Counts the lines of the date's CRM delivery into a table. */
  record Feeding(String name) implements Stage {
    public String description() {
      return "counts the delivery";
    }

    public DataFlow dataFlow() {
      return DataFlow.from(RawFeed.CRM_ACCOUNTS).writing(FED);
    }

    public StageResult run(SparkSession spark, RunContext run) {
      RUNS.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
      long lines = spark.read().text(run.lake().rawDelivery(RawFeed.CRM_ACCOUNTS.folder(), run.runDate())).count();
      DeltaIO.overwrite(spark, run.lake(), FED, spark.range(lines).toDF());
      return StageResult.nothingToDo("fed");
    }
  }

  /** Writes outside the lake's tables: never skipped. */
  record Elsewhere(String name) implements Stage {
    public String description() {
      return "writes a file";
    }

    public DataFlow dataFlow() {
      return DataFlow.reading(SOURCE);
    }

    public boolean skipsWhenUnchanged() {
      return false;
    }

    public StageResult run(SparkSession spark, RunContext run) {
      RUNS.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
      return StageResult.nothingToDo("wrote elsewhere");
    }
  }

  @BeforeEach
  void lakeWithASource() throws Exception {
    RUNS.clear();
    lake = new Lake(dir.resolve("lake").toString());
    DeltaIO.overwrite(spark(), lake, SOURCE, spark().range(5).toDF());
    Path delivery = dir.resolve("lake/raw/" + RawFeed.CRM_ACCOUNTS.folder() + "/dt=" + DATE);
    Files.createDirectories(delivery);
    Files.writeString(delivery.resolve("accounts.csv"), "a\nb\n");
  }

  List<String> run(LocalDate date, ChurnscopeConfig config, Stage... stages) throws Exception {
    return StageRunner.runAll(spark(), RunContext.start(date, lake, config), List.of(stages)).stream()
        .map(e -> e.stage() + ":" + e.status()).toList();
  }

  List<String> run(Stage... stages) throws Exception {
    return run(DATE, ChurnscopeConfig.defaults(), stages);
  }

  int runs(String stage) {
    return RUNS.getOrDefault(stage, new AtomicInteger()).get();
  }

  @Test
  void aStageWhoseInputsAndOutputsAreUnchangedIsNotRunAgain() throws Exception {
    Stage doubling = new Doubling("doubling");
    Stage elsewhere = new Elsewhere("elsewhere");
    assertEquals(List.of("doubling:succeeded", "elsewhere:succeeded"), run(doubling, elsewhere));
    long version = StageFingerprint.version(spark(), lake.path(TARGET));
    assertEquals(List.of("doubling:unchanged", "elsewhere:succeeded"), run(doubling, elsewhere));
    assertEquals(1, runs("doubling"));
    assertEquals(2, runs("elsewhere"), "a stage that writes outside its tables always runs");
    assertEquals(version, StageFingerprint.version(spark(), lake.path(TARGET)), "the target was not written again");
    // And again: an unchanged stage's record carries the fingerprint on.
    assertEquals(List.of("doubling:unchanged"), run(doubling));

    List<Row> manifest = DeltaIO.read(spark(), lake, RunTables.RUN_MANIFEST).where("stage = 'doubling'")
        .orderBy("started_at").collectAsList();
    assertEquals(3, manifest.size());
    String first = manifest.get(0).getAs("fingerprint");
    assertNotNull(first);
    assertEquals(first, manifest.get(1).getAs("fingerprint"));
    String message = manifest.get(1).getAs("message");
    assertTrue(message.startsWith("unchanged since run " + manifest.get(0).getAs("run_id")), message);
    assertEquals(List.of(SOURCE.qualifiedName()), manifest.get(1).getList(manifest.get(1).fieldIndex("input_files")));
  }

  @Test
  void aChangedInputATouchedOutputAnotherDateOrConfigurationRunsItAgain() throws Exception {
    Stage doubling = new Doubling("doubling");
    run(doubling);
    DeltaIO.append(spark(), lake, SOURCE, spark().range(5, 7).toDF());
    assertEquals(List.of("doubling:succeeded"), run(doubling), "a new source version");
    assertEquals(7, DeltaIO.read(spark(), lake, TARGET).count());
    DeltaIO.overwrite(spark(), lake, TARGET, spark().range(1).toDF());
    assertEquals(List.of("doubling:succeeded"), run(doubling), "someone wrote the target");
    assertEquals(7, DeltaIO.read(spark(), lake, TARGET).count(), "and the rerun repaired it");
    assertEquals(List.of("doubling:succeeded"), run(DATE.plusDays(1), ChurnscopeConfig.defaults(), doubling), "another date");
    assertEquals(List.of("doubling:unchanged"), run(DATE.plusDays(1), ChurnscopeConfig.defaults(), doubling));
    ChurnscopeConfig other = ChurnscopeConfig.load(null, Map.of("base-currency", "EUR"));
    assertEquals(List.of("doubling:succeeded"), run(DATE, other, doubling), "another configuration");
    ChurnscopeConfig forced = ChurnscopeConfig.load(null, Map.of("base-currency", "EUR")).with(
        Map.of(io.churnscope.common.config.RunSettings.SKIP_UNCHANGED.path(), "false"));
    assertEquals(List.of("doubling:succeeded"), run(DATE, forced, doubling), "run.skip-unchanged = false");
    assertEquals(List.of("doubling:unchanged"), run(DATE, other, doubling), "the forced run's fingerprint counts");
    assertEquals(6, runs("doubling"));
  }

  @Test
  void aStageReadingADeliveryRunsAgainWhenTheDeliveryChanges() throws Exception {
    Stage feeding = new Feeding("feeding");
    assertEquals(List.of("feeding:succeeded"), run(feeding));
    assertEquals(List.of("feeding:unchanged"), run(feeding));
    Path file = dir.resolve("lake/raw/" + RawFeed.CRM_ACCOUNTS.folder() + "/dt=" + DATE + "/accounts.csv");
    Files.writeString(file, "a\nb\nc\n");
    assertEquals(List.of("feeding:succeeded"), run(feeding), "a redelivered file");
    assertEquals(3, DeltaIO.read(spark(), lake, FED).count());
    Files.writeString(file.resolveSibling("more.csv"), "d\n");
    assertEquals(List.of("feeding:succeeded"), run(feeding), "one more file");
    assertEquals(List.of("feeding:unchanged"), run(feeding));
  }

  /** Resuming a failed night: what succeeded is unchanged, the failed stage and what follows it run. */
  @Test
  void aResumedRunRedoesOnlyTheFailedStageAndWhatFollows() throws Exception {
    Stage doubling = new Doubling("doubling");
    Stage failing = new Stage() {
      public String name() {
        return "never";
      }

      public String description() {
        return "fails";
      }

      public DataFlow dataFlow() {
        return DataFlow.reading(SOURCE);
      }

      public StageResult run(SparkSession spark, RunContext run) {
        throw new IllegalStateException("boom");
      }
    };
    assertThrows(IllegalStateException.class, () -> run(doubling, failing, new Doubling("after")));
    assertEquals(List.of("doubling:unchanged", "never:succeeded", "after:succeeded"),
        run(doubling, new Elsewhere("never"), new Doubling("after")));
    assertEquals(1, runs("doubling"));
  }
}
