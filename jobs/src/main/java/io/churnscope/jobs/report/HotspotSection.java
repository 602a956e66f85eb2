package io.churnscope.jobs.report;

import static org.apache.spark.sql.functions.col;

import io.churnscope.common.schema.HotspotTables;
import io.churnscope.jobs.report.ReportModel.Axis;
import io.churnscope.jobs.report.ReportModel.Chart;
import io.churnscope.jobs.report.ReportModel.Section;
import io.churnscope.jobs.report.ReportModel.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * The night's churn hot-spots ({@code hotspots.churn_hotspots} of the run date, resolved ones
 * left out): their sentences, each segment's churn rate with its Wilson 95 % interval beside the
 * rate it is compared with, and per analysis a Pareto of the excess churn by segment.
 */
final class HotspotSection {
  static final String ID = "hotspots";
  static final String TITLE = "Churn hot-spots";

  private HotspotSection() {}

  static Section build(ReportInputs in) {
    List<Row> rows = in.table(HotspotTables.CHURN_HOTSPOTS)
        .where(col("run_date").equalTo(in.runDateSql()).and(col("status").notEqual("resolved")))
        .orderBy(col("analysis"), col("rank"))
        .collectAsList();
    if (rows.isEmpty()) {
      return Section.empty(ID, TITLE, "No hot-spots for " + in.runDate() + ": no segment churned significantly more "
          + "than its reference after the false-discovery control (a small lake often has none).");
    }
    Map<String, List<Row>> byAnalysis = new LinkedHashMap<>();
    rows.forEach(r -> byAnalysis.computeIfAbsent(analysis(r), a -> new ArrayList<>()).add(r));
    List<Chart> charts = new ArrayList<>();
    charts.add(intervals(rows));
    byAnalysis.forEach((analysis, hotspots) -> charts.add(pareto(analysis, hotspots, in.currency())));
    List<String> notes = List.of(rows.size() + " hot-spots in " + byAnalysis.size() + " analyses on " + in.runDate()
        + ". A hot-spot's interval is the Wilson 95 % interval of its churn rate; the reference is the rate it is "
        + "compared with (its parent hot-spot, or the whole population).");
    return new Section(ID, TITLE, notes, List.of(table(rows)), charts);
  }

  private static String analysis(Row row) {
    String analysis = row.getAs("analysis");
    return analysis == null ? "standalone" : analysis;
  }

  private static String label(Row row) {
    return analysis(row) + " · " + row.getAs("segment_key");
  }

  private static Chart intervals(List<Row> rows) {
    List<String> labels = new ArrayList<>();
    List<Double> low = new ArrayList<>();
    List<Double> high = new ArrayList<>();
    List<Double> rate = new ArrayList<>();
    List<Double> reference = new ArrayList<>();
    for (Row row : rows) {
      labels.add(label(row));
      low.add(Numbers.percent(row, "ci_low"));
      high.add(Numbers.percent(row, "ci_high"));
      rate.add(Numbers.percent(row, "churn_rate"));
      reference.add(Numbers.percent(row, "reference_rate"));
    }
    return Charts.intervals("hotspot-intervals", "Churn rate of each hot-spot with its 95 % interval",
        new Axis("segment", ""), new Axis("churn rate", "%"), labels, low, high, "churn rate", rate, "reference rate",
        reference);
  }

  private static Chart pareto(String analysis, List<Row> hotspots, String currency) {
    boolean weighted = analysis.endsWith("_revenue");
    List<String> labels = new ArrayList<>();
    List<Double> excess = new ArrayList<>();
    for (Row row : hotspots) {
      labels.add(row.getAs("segment_key"));
      excess.add(Numbers.getOrZero(row, weighted ? "excess_churned_weight" : "excess_churned"));
    }
    Axis value = weighted ? new Axis("excess churned MRR", currency) : new Axis("excess churned", "accounts");
    return Charts.pareto("hotspot-pareto-" + analysis, "Pareto of excess churn by segment (" + analysis + ")",
        new Axis("segment", ""), value, labels, excess);
  }

  private static Table table(List<Row> rows) {
    List<List<String>> out = new ArrayList<>();
    for (Row row : rows) {
      out.add(List.of(analysis(row), String.valueOf(row.<Object>getAs("rank")), row.getAs("status"),
          row.getAs("segment_key"), Numbers.count(row.<Long>getAs("accounts")), Numbers.count(row.<Long>getAs("churned")),
          Numbers.percentText(Numbers.get(row, "churn_rate")),
          Numbers.percentText(Numbers.get(row, "ci_low")) + " – " + Numbers.percentText(Numbers.get(row, "ci_high")),
          Numbers.decimal(Numbers.get(row, "lift_vs_reference"), 2), Numbers.decimal(Numbers.get(row, "q_value"), 4),
          row.getAs("sentence")));
    }
    return new Table("Hot-spots, by analysis and rank", List.of("analysis", "rank", "status", "segment", "accounts",
        "churned", "churn rate", "95 % interval", "lift vs reference", "q-value", "sentence"), out);
  }
}
