package io.churnscope.tools.bench;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.split;

import com.beust.jcommander.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.churnscope.common.cli.JobArgs;
import io.churnscope.common.cli.JobRunner;
import io.churnscope.common.UserError;
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
 * reported interval. The planted rate is the generator's monthly hazard × the planted lift: a renewal in
 * the pool is exactly one of the generator's monthly draws (an annual plan's mid-term cancellation is
 * outside the pool, as its draws are), so it churns with that probability. The summary also gives the
 * observed rate of the renewals of accounts in no planted segment (it should sit near the hazard), each
 * segment's renewals by its measured values and by the generator's membership, and any hot-spot
 * reported that was not planted. Writes {@code <out>/planted-<timestamp>.md} and exits non-zero if a
 * searched planted segment is not found. {@code NightlyHotspotGeneratedLakeTest} judges the same way on
 * a suite-sized lake.
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
   * @param members the established renewals of the accounts the generator put in the segment
   *     ({@code accounts_truth.csv}), whatever the nightly measured for them
   * @param membersChurned how many of those churned
   * @param measuredMembers how many of the measured segment's renewals are the generator's members
   */
  public record Finding(String id, Segment segment, double lift, boolean searched, double plantedRate, Row reported,
      long renewals, long churned, long members, long membersChurned, long measuredMembers) {
    public boolean found() {
      return reported != null && (double) reported.getAs("ci_low") <= plantedRate
          && plantedRate <= (double) reported.getAs("ci_high");
    }

    /** One line for the demo's last lines: found or not, planted rate against what the run saw. */
    public String brief() {
      String head = id + " " + segment.label() + " (planted " + pct(plantedRate) + "): ";
      if (!searched) {
        return "  not searched  " + head + "a dimension it names is not among hotspots.nightly.dimensions";
      }
      if (reported != null) {
        return (found() ? "  found         " : "  off target    ") + head + "reported " + pct(reported.getAs("churn_rate"))
            + " (95 % CI " + pct(reported.getAs("ci_low")) + " – " + pct(reported.getAs("ci_high")) + ", n = "
            + reported.getAs("accounts") + ")";
      }
      if (renewals * 2 < members) {
        return "  not found     " + head + "its values were measured for " + renewals + " of the generator's " + members
            + " member renewals (a usage band needs usage history behind each renewal's look-back)";
      }
      return "  not found     " + head + renewals + " renewals in the pool churned at " + pct(share(churned, renewals))
          + ": not significant on its own";
    }

    /** The reported hot-spots among {@code reported} whose values this planted segment's contain: its parents. */
    public List<String> reportedParents(List<Row> reported) {
      return reported.stream()
          .map(r -> Segment.of(scala.jdk.javaapi.CollectionConverters.asJava(
              r.<scala.collection.Map<String, String>>getAs("segment"))))
          .filter(s -> !s.equals(segment) && s.contains(segment)).map(Segment::label).toList();
    }

    public String describe() {
      String head = id + " " + segment.label() + " (×" + lift + ", planted rate " + pct(plantedRate) + "): ";
      if (!searched) {
        return head + "not searched (a dimension it names is not in hotspots.nightly.dimensions)";
      }
      String pool = " In the pool, by the measured values: " + renewals + " renewals, " + churned + " churned ("
          + pct(share(churned, renewals)) + "), " + pct(share(measuredMembers, renewals)) + " of them the generator's "
          + "members; the generator's members: " + members + " renewals, " + membersChurned + " churned ("
          + pct(share(membersChurned, members)) + ").";
      if (reported == null) {
        return head + "NOT REPORTED." + pool;
      }
      return head + (found() ? "found" : "REPORTED, PLANTED RATE OUTSIDE THE INTERVAL") + ": " + reported.getAs("sentence")
          + pool;
    }
  }

  /**
   * The check's answer.
   *
   * @param generated how the lake was generated (scale, seed, usage days), from the ground truth
   * @param hazard the generator's monthly churn hazard outside the planted segments
   * @param outsideRenewals the established renewals of accounts in no planted segment
   * @param outsideChurned how many of them churned
   * @param reported the run's established hot-spots, planted or not
   */
  public record Result(String generated, double hazard, long outsideRenewals, long outsideChurned, List<Finding> findings,
      List<Row> reported) {
    public String describeOutside() {
      return "Renewals of accounts in no planted segment: " + outsideRenewals + ", " + outsideChurned + " churned ("
          + pct(share(outsideChurned, outsideRenewals)) + "); the generator's monthly hazard: " + pct(hazard) + ".";
    }
  }

  private PlantedHotspotCheck() {}

  public static void main(String[] argv) throws Exception {
    JobRunner.main("check-planted", argv, new Args(), PlantedHotspotCheck::run);
  }

  public static void run(SparkSession spark, Args args) throws IOException {
    RunContext run = RunContext.start(args.runDate(), args.lake(), args.config());
    Result result = check(spark, run);
    List<Finding> findings = result.findings();
    StringBuilder md = new StringBuilder("# Planted hot-spots against the nightly of " + run.runDate() + "\n\n")
        .append("Lake ").append(run.lake().root()).append(" (").append(result.generated())
        .append("), established renewals. ")
        .append(result.describeOutside()).append("\n\n");
    findings.forEach(f -> md.append("- ").append(f.describe()).append('\n'));
    List<String> plantedKeys = findings.stream().filter(f -> f.reported() != null)
        .map(f -> (String) f.reported().getAs("segment_key")).toList();
    List<Row> reported = result.reported();
    List<Row> others = reported.stream().filter(r -> !plantedKeys.contains((String) r.getAs("segment_key"))).toList();
    md.append("\nReported and not planted: ").append(others.size()).append(" of ").append(reported.size())
        .append(" established hot-spots").append(others.isEmpty() ? "." : ":").append('\n');
    others.forEach(r -> md.append("- ").append((String) r.getAs("sentence")).append('\n'));
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
  public static Result check(SparkSession spark, RunContext run) throws IOException {
    File truthFile = new File(run.lake().generatorDir(), "ground_truth.json");
    if (!truthFile.isFile()) {
      throw new UserError("no " + truthFile + ": check-planted needs a lake made by generate or demo");
    }
    JsonNode truth = new ObjectMapper().readTree(truthFile);
    NightlyHotspotSettings nightly = NightlyHotspotSettings.from(run.config());
    double hazard = truth.path("churn_model").path("base_monthly_hazard").asDouble(Double.NaN);
    if (Double.isNaN(hazard)) {
      throw new UserError(truthFile + " has no churn_model.base_monthly_hazard: regenerate the lake with this version");
    }
    Dataset<Row> withTruth = HotspotStage.population(spark, run, nightly).where("churn_kind = 'established'")
        .join(plantedIds(spark, run), col("t_account_id").equalTo(col("account_id")), "left");
    List<Row> reported = reported(spark, run);
    // Five counts per planted segment and two outside every one of them, all in one pass over the pool.
    Column churned = col("churned");
    Column outside = col("planted").equalTo("");
    List<Column> counts = new ArrayList<>(List.of(count_if(outside), count_if(outside.and(churned))));
    List<JsonNode> planted = new ArrayList<>();
    truth.get("planted_hotspots").forEach(planted::add);
    for (JsonNode h : planted) {
      Column inSegment = searched(h, nightly) ? segmentFilter(values(h)) : lit(false);
      Column member = array_contains(split(col("planted"), "\\|"), h.get("id").asText());
      counts.addAll(List.of(count_if(inSegment), count_if(inSegment.and(churned)), count_if(member),
          count_if(member.and(churned)), count_if(inSegment.and(member))));
    }
    Row all = withTruth.agg(counts.get(0), counts.subList(1, counts.size()).toArray(Column[]::new)).first();
    List<Finding> findings = new ArrayList<>();
    for (int i = 0; i < planted.size(); i++) {
      JsonNode h = planted.get(i);
      Segment segment = Segment.of(values(h));
      Row row = reported.stream().filter(r -> r.getAs("segment_key").equals(segment.key())
          || sameAccountsAs(r).contains(segment.key())).findFirst().orElse(null);
      int at = 2 + 5 * i;
      findings.add(new Finding(h.get("id").asText(), segment, h.get("lift").asDouble(), searched(h, nightly),
          hazard * h.get("lift").asDouble(), row, all.getLong(at), all.getLong(at + 1), all.getLong(at + 2),
          all.getLong(at + 3), all.getLong(at + 4)));
    }
    JsonNode p = truth.path("parameters");
    String generated = "scale " + p.path("scale").asText() + ", seed " + p.path("seed").asText() + ", "
        + p.path("usage_days").asText() + " usage days at intensity " + p.path("usage_intensity").asText("1.0");
    return new Result(generated, hazard, all.getLong(0), all.getLong(1), findings, reported);
  }

  /** A planted segment's dimension → value, from the ground truth. */
  private static Map<String, String> values(JsonNode planted) {
    Map<String, String> values = new TreeMap<>();
    planted.get("segment").fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asText()));
    return values;
  }

  /** Whether the nightly searches every dimension the planted segment names. */
  private static boolean searched(JsonNode planted, NightlyHotspotSettings nightly) {
    return nightly.dimensions().containsAll(values(planted).keySet());
  }

  /** The run's established hot-spots (a hot-spot resolved since the previous run is not reported). */
  private static List<Row> reported(SparkSession spark, RunContext run) {
    return DeltaIO.read(spark, run.lake(), HotspotTables.CHURN_HOTSPOTS)
        .where(col("run_date").equalTo(java.sql.Date.valueOf(run.runDate())))
        .where("analysis = 'established' AND status <> 'resolved'").collectAsList();
  }

  /** The pool's renewals in the segment by their measured values at the look-back date. */
  private static Column segmentFilter(Map<String, String> values) {
    Column all = lit(true);
    for (Map.Entry<String, String> e : values.entrySet()) {
      all = all.and(col(e.getKey()).cast("string").equalTo(e.getValue()));
    }
    return all;
  }

  /** Each generated account's planted segments: {@code t_account_id, planted} ("H1|H3", "" for none). */
  private static Dataset<Row> plantedIds(SparkSession spark, RunContext run) {
    return spark.read().option("header", "true")
        .csv(new File(run.lake().generatorDir(), "accounts_truth.csv").toString())
        .selectExpr("account_id AS t_account_id", "coalesce(hotspots, '') AS planted");
  }

  private static double share(long part, long whole) {
    return whole == 0 ? 0 : (double) part / whole;
  }

  static List<String> sameAccountsAs(Row r) {
    scala.collection.Seq<String> same = r.getAs("same_accounts_as");
    return same == null ? List.of() : CollectionConverters.asJava(same);
  }

  private static String pct(double rate) {
    return String.format("%.1f %%", rate * 100);
  }
}
