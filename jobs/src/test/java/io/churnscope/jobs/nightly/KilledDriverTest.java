package io.churnscope.jobs.nightly;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.beust.jcommander.JCommander;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.lake.WriteFaults;
import io.churnscope.common.run.RunManifest;
import io.churnscope.common.schema.MartTables;
import io.churnscope.common.schema.RunTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.testing.ChildJvm;
import io.churnscope.common.testing.SparkTestBase;
import io.churnscope.generator.SampleLakeGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A driver killed in the middle of a stage's writes, then the date re-run, as a scheduler's retry would:
 * the nightly of {@code ingest-crm}, {@code ingest-billing} and {@code mrr-ledger} runs as
 * {@code bin/churnscope} would, in a JVM of its own that halts like a SIGKILL ({@link WriteFaults}) at one
 * point of its writes — after one staged table of a source and before that source's quarantine and
 * watermark; between the two ledger tables.
 * Then: every table a reader can open is as before the run or as an uninterrupted run left it (the
 * quarantine and the watermarks source by source), never half-written; the killed stage is not recorded
 * as succeeded; and the re-run in this JVM (taking over the dead run's lock) records the dead run's
 * stage as {@code interrupted} under its run id and leaves every table equal, row for row, to the
 * uninterrupted run's.
 */
class KilledDriverTest extends SparkTestBase {
  static final LocalDate END = LocalDate.parse("2026-10-31");
  static final String STAGES = "ingest-crm,ingest-billing,mrr-ledger";
  static final List<TableSpec> TABLES = List.of(StagedTables.CRM_ACCOUNTS, StagedTables.FX_RATES,
      StagedTables.SUBSCRIPTION_VERSIONS, StagedTables.INVOICES, RunTables.QUARANTINE, RunTables.INGEST_WATERMARKS,
      MartTables.MRR_LEDGER, MartTables.MRR_LEDGER_ACCOUNT);
  /** Tables several sources write, one replaceWhere per source: compared source by source. */
  static final List<TableSpec> BY_SOURCE = List.of(RunTables.QUARANTINE, RunTables.INGEST_WATERMARKS);

  @TempDir
  static Path dir;
  static Path generated;
  static Map<String, List<String>> before;
  static Map<String, List<String>> uninterrupted;

  @BeforeAll
  static void generateAndRunOnceUninterrupted() throws Exception {
    generated = dir.resolve("generated");
    SampleLakeGenerator.Args generate = new SampleLakeGenerator.Args();
    JCommander.newBuilder().addObject(generate).build().parse("--lake", generated.toString(), "--scale", "0.02",
        "--history-months", "3", "--usage-days", "14", "--end-date", END.toString(), "--bad-record-rate", "0.03");
    SampleLakeGenerator.run(spark(), generate);
    before = states(new Lake(generated.toString()));
    Lake reference = copy("reference");
    NightlyJob.run(spark(), nightly(reference));
    uninterrupted = states(reference);
  }

  @ParameterizedTest
  @ValueSource(strings = {"after:staged.subscription_versions", "after:marts.mrr_ledger"})
  void aDriverKilledBetweenTwoWritesLeavesNoHalfWrittenTableAndTheRerunRepairsAll(String fault) throws Exception {
    Lake lake = copy("killed-" + fault.replaceAll("[^a-z_]", "-"));
    Path err = dir.resolve(lake.root() + "-stderr.txt");
    List<String> command = ChildJvm.javaForSpark("2g");
    command.addAll(List.of("-D" + WriteFaults.PROPERTY + "=" + fault, "-Dspark.master=local[2]", "-Dspark.ui.enabled=false",
        "-Dlog4j2.level=WARN", "-cp", System.getProperty("java.class.path"), "io.churnscope.jobs.Churnscope",
        "nightly", "--lake", lake.root(), "--run-date", END.toString(), "--stages", STAGES));
    Process killed = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(err.toFile()).start();
    assertTrue(killed.waitFor(5, TimeUnit.MINUTES), "the driver halted");
    String stderr = Files.readString(err);
    assertEquals(WriteFaults.HALT_STATUS, killed.exitValue(), stderr);
    assertTrue(stderr.contains("fault injected (" + WriteFaults.PROPERTY + "=" + fault + ")"), stderr);

    // What a reader sees now: each table (each source's rows) as before the run or as after it.
    Map<String, List<String>> seen = states(lake);
    List<String> halfWritten = new ArrayList<>();
    seen.forEach((part, rows) -> {
      if (!rows.equals(before.get(part)) && !rows.equals(uninterrupted.get(part))) {
        halfWritten.add(part + ": " + rows.size() + " rows, before the run " + before.get(part).size() + ", after it "
            + uninterrupted.get(part).size());
      }
    });
    assertEquals(List.of(), halfWritten, "parts at a state no run left");
    String killedStage = fault.contains("mrr_ledger") ? "mrr-ledger" : "ingest-billing";
    List<String> recorded = DeltaIO.read(spark(), lake, RunTables.RUN_MANIFEST).where(col("stage").equalTo(killedStage))
        .select("status").collectAsList().stream().map(r -> r.getString(0)).toList();
    assertEquals(List.of(), recorded, "the killed stage has no manifest row: it is not taken for done");

    String killedRun = DeltaIO.read(spark(), lake, RunTables.RUN_MANIFEST).where(col("stage").equalTo("ingest-crm"))
        .first().getAs("run_id");

    List<RunManifest.Entry> rerun = NightlyJob.run(spark(), nightly(lake));
    assertTrue(rerun.stream().anyMatch(e -> e.stage().equals(killedStage) && e.status().equals("succeeded")), rerun.toString());
    // The re-run took the dead run's lock over and recorded it: the stage it died in, under its id.
    List<String> interrupted = DeltaIO.read(spark(), lake, RunTables.RUN_MANIFEST).where(col("status").equalTo("interrupted"))
        .collectAsList().stream().map(r -> r.getAs("run_id") + " " + r.getAs("stage") + " " + r.getAs("run_date")).toList();
    assertEquals(List.of(killedRun + " " + killedStage + " " + END), interrupted);
    Map<String, List<String>> repaired = states(lake);
    assertEquals(uninterrupted.keySet(), repaired.keySet());
    uninterrupted.forEach((part, rows) -> assertEquals(rows, repaired.get(part), part + " after the re-run"));
  }

  static NightlyJob.Args nightly(Lake lake) {
    NightlyJob.Args args = new NightlyJob.Args();
    JCommander.newBuilder().addObject(args).build().parse("--lake", lake.root(), "--run-date", END.toString(),
        "--stages", STAGES);
    args.validate();
    return args;
  }

  static Lake copy(String name) throws Exception {
    Path to = dir.resolve(name);
    FileUtils.copyDirectory(generated.toFile(), to.toFile());
    return new Lake(to.toString());
  }

  /**
   * Each table's rows as sorted text, run ids left out (no two runs share one) and the lake's folder
   * replaced (each case has its own copy of the lake); the quarantine and the
   * watermarks by source, as {@code table/source}. An absent table has no rows.
   */
  static Map<String, List<String>> states(Lake lake) {
    Map<String, List<String>> out = new TreeMap<>();
    for (TableSpec table : TABLES) {
      Dataset<Row> rows = DeltaIO.exists(spark(), lake.path(table)) ? DeltaIO.read(spark(), lake, table).drop("run_id")
          : null;
      if (!BY_SOURCE.contains(table)) {
        out.put(table.qualifiedName(), sorted(lake, rows));
        continue;
      }
      for (String source : List.of("crm_accounts", "fx_rates", "subscriptions", "invoices")) {
        out.put(table.qualifiedName() + "/" + source, sorted(lake, rows == null ? null : rows.where(col("source").equalTo(source))));
      }
    }
    return out;
  }

  /** The rows as sorted text, the lake's own folder (in source_file) as {@code <lake>}. */
  private static List<String> sorted(Lake lake, Dataset<Row> rows) {
    return rows == null ? List.of()
        : rows.collectAsList().stream().map(r -> r.toString().replace(lake.root(), "<lake>")).sorted().toList();
  }
}
