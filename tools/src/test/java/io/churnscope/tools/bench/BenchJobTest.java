package io.churnscope.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.beust.jcommander.JCommander;
import io.churnscope.common.UserError;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the bench measures, from its flags, and how it names where a Spark stage came from. */
class BenchJobTest {
  static BenchJob.Args parse(String... argv) {
    BenchJob.Args args = new BenchJob.Args();
    JCommander.newBuilder().addObject(args).build().parse(argv);
    args.validate();
    return args;
  }

  @Test
  void theDefaultsMeasureScales1And10AndAScale1LakeWithFourTimesTheHistory() {
    List<BenchJob.LakeCase> cases = BenchJob.cases(parse());
    // 14 days of history, then one measured night.
    assertEquals(List.of(new BenchJob.LakeCase("scale 1", 1.0, 15, 6),
        new BenchJob.LakeCase("scale 1, history ×4", 1.0, 4 * 14 + 1, 24), new BenchJob.LakeCase("scale 10", 10.0, 15, 6)),
        cases, "cheapest first, so a run cut short still has both ratios' bases");
  }

  @Test
  void theLongerHistoryLakeIsAtTheSmallestScaleAndKeepsTheSameMeasuredNights() {
    List<BenchJob.LakeCase> cases = BenchJob.cases(parse("--scales", "2,0.5", "--days", "3", "--history-days", "20",
        "--history-multiplier", "2", "--history-months", "3"));
    assertEquals(new BenchJob.LakeCase("scale 0.5, history ×2", 0.5, 43, 6), cases.get(1));
    assertEquals(2, BenchJob.cases(parse("--history-multiplier", "1")).size(), "multiplier 1 skips the long lake");
  }

  @Test
  void badFlagsAreUserErrors() {
    assertThrows(UserError.class, () -> parse("--history-days", "7"));
    assertThrows(UserError.class, () -> parse("--scales", "0"));
    assertThrows(UserError.class, () -> parse("--days", "0"));
    assertThrows(UserError.class, () -> parse("--stages", "ingest-usage,no-such-stage"));
    assertEquals(List.of("ingest-usage", "mrr-ledger"), parse("--stages", "ingest-usage,mrr-ledger").stages);
  }

  @Test
  void aSparkStageIsNamedByTheFirstLineOfOurCodeOutsideTheStageRunner() {
    String details = String.join("\n",
        "org.apache.spark.sql.Dataset.collectAsList(Dataset.scala:3400)",
        "io.churnscope.jobs.ingest.IngestCounts.of(IngestCounts.java:17)",
        "io.churnscope.jobs.ingest.ClickstreamIngestion.run(ClickstreamIngestion.java:90)",
        "io.churnscope.common.run.StageRunner.runAll(StageRunner.java:40)");
    assertEquals("io.churnscope.jobs.ingest.IngestCounts.of(IngestCounts.java:17)", SparkStageLog.callSite(details));
    assertTrue(SparkStageLog.callSite("io.churnscope.common.run.StageRunner.runAll(StageRunner.java:40)")
        .contains("internal"));
  }
}
