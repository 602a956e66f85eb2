package io.churnscope.jobs.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.churnscope.common.schema.EngagementTables;
import io.churnscope.common.schema.HealthTables;
import io.churnscope.jobs.report.ReportModel.Axis;
import io.churnscope.jobs.report.ReportModel.Chart;
import io.churnscope.jobs.report.ReportModel.Section;
import io.churnscope.jobs.report.ReportModel.Series;
import io.churnscope.jobs.report.ReportModel.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The usage sections, each from the run date's snapshot: engagement and license utilization
 * ({@code marts.account_engagement}), health scores and the customer-success lists
 * ({@code marts.health_scores}, {@code marts.cs_actions}).
 */
final class UsageSections {
  /** License utilization is binned by 10 %, everything from 150 % on in one last bin. */
  static final int UTILIZATION_BINS = 15;
  static final List<String> FREQUENCY_BANDS = List.of("daily", "weekly", "infrequent", "dormant");
  static final List<String> SCORE_BINS = List.of("0–9", "10–19", "20–29", "30–39", "40–49", "50–59", "60–69", "70–79",
      "80–89", "90–100");

  private UsageSections() {}

  static Section engagement(ReportInputs in) {
    String id = "engagement";
    String title = "Engagement and license utilization";
    Dataset<Row> snapshot = in.table(EngagementTables.ACCOUNT_ENGAGEMENT).where(col("snapshot_date").equalTo(in.runDateSql()));
    List<Row> bands = snapshot.groupBy("frequency_band").count().collectAsList();
    if (bands.isEmpty()) {
      return Section.empty(id, title, "No engagement snapshot for " + in.runDate() + " (marts.account_engagement).");
    }
    Map<String, Double> byBand = counts(bands);
    List<String> bandLabels = new ArrayList<>(FREQUENCY_BANDS);
    byBand.keySet().stream().filter(b -> !bandLabels.contains(b)).forEach(bandLabels::add);
    Chart frequency = Charts.cartesian("frequency-bands", "Accounts by frequency band (active days of the last 14)",
        new Axis("frequency band", ""), new Axis("count", "accounts"), bandLabels,
        List.of(Charts.bar("accounts", bandLabels.stream().map(b -> byBand.getOrDefault(b, 0.0)).toList())));
    List<Row> bins = snapshot.where(col("license_utilization").isNotNull())
        .groupBy(least(floor(col("license_utilization").multiply(10)), lit(UTILIZATION_BINS)).cast("int").as("bin"))
        .count().collectAsList();
    Map<Integer, Double> byBin = new LinkedHashMap<>();
    bins.forEach(r -> byBin.put(r.getInt(0), (double) r.getLong(1)));
    List<String> binLabels = new ArrayList<>();
    List<Double> binCounts = new ArrayList<>();
    for (int bin = 0; bin <= UTILIZATION_BINS; bin++) {
      binLabels.add(bin == UTILIZATION_BINS ? "≥ " + 10 * bin : 10 * bin + "–" + (10 * bin + 9));
      binCounts.add(byBin.getOrDefault(bin, 0.0));
    }
    Chart utilization = Charts.cartesian("utilization-histogram", "Accounts by license utilization (MAU / licensed seats)",
        new Axis("license utilization", "%"), new Axis("count", "accounts"), binLabels,
        List.of(Charts.bar("accounts", binCounts)));
    Map<String, Double> readings = counts(snapshot.groupBy("utilization_reading").count().orderBy("utilization_reading")
        .collectAsList());
    Chart reading = Charts.cartesian("utilization-readings", "Accounts by utilization reading",
        new Axis("reading", ""), new Axis("count", "accounts"), new ArrayList<>(readings.keySet()),
        List.of(Charts.bar("accounts", new ArrayList<>(readings.values()))));
    long accounts = byBand.values().stream().mapToLong(Double::longValue).sum();
    return new Section(id, title, List.of(accounts + " accounts in the engagement snapshot of " + in.runDate()
        + "; accounts without licensed seats have no utilization."), List.of(), List.of(frequency, utilization, reading));
  }

  static Section health(ReportInputs in) {
    String id = "health";
    String title = "Health and at-risk accounts";
    Dataset<Row> scores = in.table(HealthTables.HEALTH_SCORES).where(col("snapshot_date").equalTo(in.runDateSql()));
    List<Row> bins = scores.where(col("score").isNotNull())
        .groupBy(least(floor(col("score").divide(10)), lit(9)).cast("int").as("bin"), col("lifecycle_stage"))
        .count().collectAsList();
    List<Row> lists = in.table(HealthTables.CS_ACTIONS).where(col("run_date").equalTo(in.runDateSql()))
        .groupBy("list", "program").agg(countDistinct("account_id").as("accounts"))
        .orderBy("list", "program").collectAsList();
    if (bins.isEmpty() && lists.isEmpty()) {
      return Section.empty(id, title, "No health scores and no customer-success lists for " + in.runDate()
          + " (marts.health_scores, marts.cs_actions).");
    }
    List<Chart> charts = new ArrayList<>();
    if (!bins.isEmpty()) {
      charts.add(scoreHistogram(bins));
    }
    List<Table> tables = new ArrayList<>();
    if (!lists.isEmpty()) {
      charts.add(Charts.stackedCounts("cs-lists", "Accounts on each customer-success list, by program", new Axis("list", ""),
          new Axis("count", "accounts"), "programs", lists));
      tables.add(atRisk(in));
    }
    List<String> notes = new ArrayList<>();
    notes.add("Scores 0–100 per account on " + in.runDate() + " by lifecycle stage (marts.health_scores); accounts "
        + "on each customer-success list by program (marts.cs_actions).");
    if (bins.isEmpty()) {
      notes.add("No health scores for " + in.runDate() + ".");
    }
    if (lists.isEmpty()) {
      notes.add("No account is on a customer-success list for " + in.runDate() + ".");
    }
    return new Section(id, title, notes, tables, charts);
  }

  private static Chart scoreHistogram(List<Row> bins) {
    TreeSet<String> stages = new TreeSet<>();
    bins.forEach(r -> stages.add(r.getString(1)));
    List<Series> series = new ArrayList<>();
    for (String stage : stages) {
      Double[] values = new Double[SCORE_BINS.size()];
      java.util.Arrays.fill(values, 0.0);
      bins.stream().filter(r -> r.getString(1).equals(stage)).forEach(r -> values[r.getInt(0)] = (double) r.getLong(2));
      series.add(Charts.stackedBar(stage, "stages", List.of(values)));
    }
    return Charts.cartesian("health-scores", "Accounts by health score and lifecycle stage", new Axis("health score", "points"),
        new Axis("count", "accounts"), SCORE_BINS, series);
  }


  /** At-risk accounts by the rule that listed them, with the MRR at stake (an account counted under each of its rules). */
  private static Table atRisk(ReportInputs in) {
    List<Row> rules = in.table(HealthTables.CS_ACTIONS)
        .where(col("run_date").equalTo(in.runDateSql()).and(col("list").equalTo("at_risk")))
        .groupBy("rule").agg(count(lit(1)).as("accounts"), sum("mrr").as("mrr")).orderBy(col("accounts").desc())
        .collectAsList();
    List<List<String>> rows = new ArrayList<>();
    rules.forEach(r -> rows.add(List.of(r.getString(0), Numbers.count(r.getLong(1)),
        Numbers.money(Numbers.getOrZero(r, "mrr"), in.currency()))));
    return new Table("At-risk accounts by rule", List.of("rule", "accounts", "MRR at stake"), rows);
  }

  private static Map<String, Double> counts(List<Row> rows) {
    Map<String, Double> out = new LinkedHashMap<>();
    rows.forEach(r -> out.put(String.valueOf(r.get(0)), (double) r.getLong(1)));
    return out;
  }
}
