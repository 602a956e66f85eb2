package io.churnscope.jobs.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.beust.jcommander.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.churnscope.common.cli.JobArgs;
import io.churnscope.common.cli.JobRunner;
import io.churnscope.common.cli.UserError;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.schema.HotspotTables;
import io.churnscope.jobs.hotspots.HotspotStage;
import io.churnscope.jobs.hotspots.NightlyHotspotSettings;
import io.churnscope.jobs.hotspots.Segment;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Command {@code check-planted} (run by {@code bench/planted-hotspots} after a demo with a year of
 * usage): the nightly's established hot-spots of a run date against the generator's planted truth
 * ({@code _generator/ground_truth.json}, {@code accounts_truth.csv}). A planted segment is found when it
 * is reported itself (or as a segment covering exactly its accounts) with its planted rate inside the
 * reported interval; the planted rate is the churn rate of the renewals of accounts in no planted
 * segment times the planted lift (the generator's hazard is monthly, a renewal's rate is not exactly
 * it). Writes {@code <out>/planted-<timestamp>.md} and exits non-zero if a searched planted segment is
 * not found. {@code NightlyHotspotGeneratedLakeTest} judges the same way on a suite-sized lake.
 */
public final class PlantedHotspotCheck {
  public static class Args extends JobArgs {
    @Parameter(names = "--out", description = "Where the summary goes: <out>/planted-<timestamp>.md.")
    public String out = "bench/results";
  }

  /**
   * One planted segment and what the run reported for it.
   *
   * @param searched whether every dimension it names is among the nightly's dimensions
   * @param reported the reported row that is it (or covers exactly its accounts), null if none
   * @param renewals the established renewals in the segment by its measured values (what the search saw)
   * @param churned how many of them churned
   */
  public record Finding(String id, Segment segment, double lift, boolean searched, double plantedRate, Row reported,
      long renewals, long churned) {
    public boolean found() {
      return reported != null && (double) reported.getAs("ci_low") <= plantedRate
          && plantedRate <= (double) reported.getAs("ci_high");
    }

    public String describe() {
      String head = id + " " + segment.label() + " (×" + lift + ", planted rate " + pct(plantedRate) + "): ";
      if (!searched) {
        return head + "not searched (a dimension it names is not in hotspots.nightly.dimensions)";
      }
      if (reported == null) {
        return head + "NOT REPORTED (in the pool: " + renewals + " renewals, " + churned + " churned, "
            + pct(renewals == 0 ? 0 : (double) churned / renewals) + ")";
      }
      return head + (found() ? "found" : "REPORTED, PLANTED RATE OUTSIDE THE INTERVAL") + ": " + reported.getAs("sentence");
    }
  }

  private PlantedHotspotCheck() {}

  public static void main(String[] argv) throws Exception {
    JobRunner.main("check-planted", argv, new Args(), PlantedHotspotCheck::run);
  }

  public static void run(SparkSession spark, Args args) throws IOException {
    RunContext run = RunContext.start(args.runDate(), args.lake(), args.config());
    List<Finding> findings = check(spark, run);
    StringBuilder md = new StringBuilder("# Planted hot-spots against the nightly of " + run.runDate() + "\n\n")
        .append("Lake ").append(run.lake().root()).append(", established renewals.\n\n");
    findings.forEach(f -> md.append("- ").append(f.describe()).append('\n'));
    Files.createDirectories(Path.of(args.out));
    Path file = Path.of(args.out,
        "planted-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".md");
    Files.writeString(file, md);
    System.out.println(md);
    System.out.println("written to " + file);
    List<String> missed = findings.stream().filter(f -> f.searched() && !f.found()).map(Finding::id).toList();
    if (!missed.isEmpty()) {
      System.err.println("check-planted: planted hot-spots not found: " + missed + " (see " + file + ")");
      System.exit(1); // a failed check, not a crash: one line and status 1 (Spark stops in its shutdown hook)
    }
  }

  /** Each planted segment with the run's established hot-spot that is it, if any. */
  public static List<Finding> check(SparkSession spark, RunContext run) throws IOException {
    File truthFile = new File(run.lake().generatorDir(), "ground_truth.json");
    if (!truthFile.isFile()) {
      throw new UserError("no " + truthFile + ": check-planted needs a lake made by generate or demo");
    }
    JsonNode truth = new ObjectMapper().readTree(truthFile);
    NightlyHotspotSettings nightly = NightlyHotspotSettings.from(run.config());
    Dataset<Row> established = HotspotStage.population(spark, run, nightly).where("churn_kind = 'established'").cache();
    double baseRate = rateOutsideEveryPlantedSegment(spark, run, established);
    List<Row> reported = DeltaIO.read(spark, run.lake(), HotspotTables.CHURN_HOTSPOTS)
        .where(col("run_date").equalTo(java.sql.Date.valueOf(run.runDate())))
        .where("analysis = 'established' AND status <> 'resolved'").collectAsList();
    List<Finding> findings = new ArrayList<>();
    for (JsonNode h : truth.get("planted_hotspots")) {
      Map<String, String> values = new TreeMap<>();
      h.get("segment").fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
      Segment segment = Segment.of(values);
      Row row = reported.stream().filter(r -> r.getAs("segment_key").equals(segment.key())
          || sameAccountsAs(r).contains(segment.key())).findFirst().orElse(null);
      boolean searched = nightly.dimensions().containsAll(values.keySet());
      Row measured = searched ? established.where(segmentFilter(values))
          .selectExpr("count(*)", "coalesce(sum(CAST(churned AS INT)), 0)").first() : null;
      findings.add(new Finding(h.get("id").asText(), segment, h.get("lift").asDouble(), searched,
          baseRate * h.get("lift").asDouble(), row, measured == null ? 0 : measured.getLong(0),
          measured == null ? 0 : ((Number) measured.get(1)).longValue()));
    }
    established.unpersist();
    return findings;
  }

  /** The pool's renewals in the segment by their measured values at the look-back date. */
  private static Column segmentFilter(Map<String, String> values) {
    Column all = lit(true);
    for (Map.Entry<String, String> e : values.entrySet()) {
      all = all.and(col(e.getKey()).cast("string").equalTo(e.getValue()));
    }
    return all;
  }

  /** The churn rate of the established renewals (the pool's) of accounts in no planted segment. */
  public static double rateOutsideEveryPlantedSegment(SparkSession spark, RunContext run, Dataset<Row> established) {
    Dataset<Row> truth = spark.read().option("header", "true")
        .csv(new File(run.lake().generatorDir(), "accounts_truth.csv").toString())
        .selectExpr("account_id AS t_account_id", "coalesce(hotspots, '') AS planted");
    Row outside = established
        .join(truth, col("t_account_id").equalTo(col("account_id")))
        .where("planted = ''").selectExpr("avg(CAST(churned AS DOUBLE))").first();
    return outside.getDouble(0);
  }

  static List<String> sameAccountsAs(Row r) {
    scala.collection.Seq<String> same = r.getAs("same_accounts_as");
    return same == null ? List.of() : CollectionConverters.asJava(same);
  }

  private static String pct(double rate) {
    return String.format("%.1f %%", rate * 100);
  }
}
