package io.churnscope.jobs.hotspots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.beust.jcommander.JCommander;
import io.churnscope.common.UserError;
import io.churnscope.common.testing.SparkTestBase;
import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone job end to end: flags, the two Delta tables, and statuses run over run. */
class HotspotJobTest extends SparkTestBase {
  @TempDir
  Path dir;

  private static HotspotJob.Args parse(String... argv) {
    HotspotJob.Args args = new HotspotJob.Args();
    JCommander.newBuilder().addObject(args).build().parse(argv);
    args.validate();
    return args;
  }

  private String[] flags(String input, String output, String runDate, String... more) {
    List<String> all = new java.util.ArrayList<>(List.of("--input", input, "--output", output, "--run-date", runDate,
        "--dimensions", "channel,country,plan", "--outcome", "churned", "--id", "account_id"));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  @Test
  void badFlagsAreOneLineUserErrors() {
    String out = dir.resolve("out").toString();
    assertTrue(assertThrows(UserError.class, () -> parse(flags("x", out, "2026-11-01", "--max-order", "0")))
        .getMessage().startsWith("max-order = 0"));
    assertTrue(assertThrows(UserError.class, () -> parse(flags("x", out, "2026-11-01", "--fdr", "1.5")))
        .getMessage().contains("strictly between 0 and 1"));
    assertTrue(assertThrows(UserError.class, () -> parse(flags("x", out, "2026-11-01", "--fdr", "0")))
        .getMessage().contains("strictly between 0 and 1"));
    // An unknown column is found when the input's schema is known.
    Dataset<Row> population = SyntheticPopulations.planted(spark(), 500, 1, 0.3);
    UserError unknown = assertThrows(UserError.class, () -> Population.prepare(population,
        HotspotSpec.of(List.of("channel", "contry"), "churned", HotspotSettings.defaults())));
    assertTrue(unknown.getMessage().startsWith("no column contry in the input"), unknown.getMessage());
    UserError notBinary = assertThrows(UserError.class, () -> Population.prepare(population,
        HotspotSpec.of(List.of("channel"), "plan", HotspotSettings.defaults())));
    assertTrue(notBinary.getMessage().startsWith("outcome column 'plan' is not binary"), notBinary.getMessage());
    // 500 distinct ids against a bound of 100 values per dimension.
    HotspotSettings d = HotspotSettings.defaults();
    HotspotSettings strict = new HotspotSettings(d.maxOrder(), d.minSupport(), d.minSupportShare(), d.floorLift(), d.fdr(), d.minLift(),
        d.bins(), 100, d.maxCandidates(), d.parentTest());
    UserError identifier = assertThrows(UserError.class, () -> Population.prepare(population,
        HotspotSpec.of(List.of("account_id"), "churned", strict)));
    assertTrue(identifier.getMessage().startsWith("dimension 'account_id' has about"), identifier.getMessage());
  }

  @Test
  void secondRunMarksPersistingNewAndResolved() {
    String output = dir.resolve("out").toString();
    // Run 1: reseller × US churns at 30 %. Run 2: it still does (weaker), and retail × DE is new.
    String first = writeParquet("run1", SyntheticPopulations.planted(spark(), 8000, 3, 0.30));
    Dataset<Row> second = SyntheticPopulations.planted(spark(), 8000, 4, 0.22)
        .withColumn("churned", functions.when(functions.col("channel").equalTo("retail")
            .and(functions.col("country").equalTo("DE")), SyntheticPopulations.uniform(4, "x").lt(0.35))
            .otherwise(functions.col("churned")));
    String secondPath = writeParquet("run2", second);
    HotspotJob.run(spark(), parse(flags(first, output, "2026-11-01", "--max-order", "2")));
    HotspotJob.run(spark(), parse(flags(secondPath, output, "2026-11-02", "--max-order", "2")));
    // Re-running a date replaces that date's rows: still one set for 2026-11-02.
    HotspotJob.run(spark(), parse(flags(secondPath, output, "2026-11-02", "--max-order", "2")));

    Dataset<Row> table = spark().read().format("delta").load(output + "/hotspots/churn_hotspots");
    Map<String, String> run1 = statuses(table, "2026-11-01");
    Map<String, String> run2 = statuses(table, "2026-11-02");
    System.out.println("run 1: " + run1 + "\nrun 2: " + run2);
    assertEquals("new", run1.get("channel=reseller & country=US"));
    assertEquals("persisting", run2.get("channel=reseller & country=US"));
    assertEquals("new", run2.get("channel=retail & country=DE"));
    Row persisting = table.where("run_date = '2026-11-02' AND segment_key = 'channel=reseller & country=US'").first();
    double lift = persisting.getAs("lift");
    double previous = persisting.getAs("previous_lift");
    assertEquals(lift - previous, (double) persisting.getAs("lift_change"), 1e-12);
    assertTrue(lift < previous, "the planted rate fell from 30 % to 22 %");
    for (Map.Entry<String, String> e : run1.entrySet()) {
      if (!run2.containsKey(e.getKey())) {
        throw new AssertionError(e.getKey() + " was reported on run 1 and is missing from run 2 (should be resolved)");
      }
    }

    Dataset<Row> members = spark().read().format("delta").load(output + "/hotspots/churn_hotspot_members");
    long inHotspot = second.where("channel = 'reseller' AND country = 'US'").count();
    assertEquals(inHotspot, members.where("run_date = '2026-11-02' AND segment_key = 'channel=reseller & country=US'").count());
  }

  @Test
  void aResolvedHotspotIsReportedAsSuch() {
    String output = dir.resolve("resolved").toString();
    String hot = writeParquet("hot", SyntheticPopulations.planted(spark(), 8000, 5, 0.30));
    String cold = writeParquet("cold", SyntheticPopulations.planted(spark(), 8000, 6, 0.10));
    HotspotJob.run(spark(), parse(flags(hot, output, "2026-11-01", "--max-order", "2")));
    HotspotJob.run(spark(), parse(flags(cold, output, "2026-11-02", "--max-order", "2")));
    Dataset<Row> table = spark().read().format("delta").load(output + "/hotspots/churn_hotspots");
    Row resolved = table.where("run_date = '2026-11-02' AND segment_key = 'channel=reseller & country=US'").first();
    assertEquals("resolved", resolved.getAs("status"));
    assertTrue(((String) resolved.getAs("sentence")).startsWith("No longer a hot-spot: churn in channel=reseller × country=US is now"),
        (String) resolved.getAs("sentence"));
  }

  private Map<String, String> statuses(Dataset<Row> table, String runDate) {
    Map<String, String> out = new HashMap<>();
    for (Row r : table.where("run_date = '" + runDate + "'").collectAsList()) {
      out.put(r.getAs("segment_key"), r.getAs("status"));
    }
    return out;
  }

  private String writeParquet(String name, Dataset<Row> rows) {
    String path = new File(dir.toFile(), name + ".parquet").getAbsolutePath();
    rows.drop("id").write().parquet(path);
    return path;
  }
}
