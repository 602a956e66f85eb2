package io.churnscope.jobs.report;

import static org.apache.spark.sql.functions.col;

import io.churnscope.common.schema.MartTables;
import io.churnscope.jobs.report.ReportModel.Axis;
import io.churnscope.jobs.report.ReportModel.Chart;
import io.churnscope.jobs.report.ReportModel.Section;
import io.churnscope.jobs.report.ReportModel.Series;
import io.churnscope.jobs.report.ReportModel.Table;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;

/**
 * The revenue sections, from {@code marts.churn_metrics} and {@code marts.cohort_retention}: the
 * run month's MRR movements as a waterfall and the levers over 12 months; logo and revenue churn,
 * GRR and NRR; cohort retention as a heatmap.
 */
final class RevenueSections {
  static final int MONTHS = 12;
  /** The movements in the order of the ledger's identity, and whether each adds to MRR. */
  private static final List<String> GAINS = List.of("new_mrr", "reactivation_mrr", "expansion_mrr", "cross_sell_mrr");
  private static final List<String> LOSSES = List.of("contraction_mrr", "churn_mrr");

  private RevenueSections() {}

  /** The run month and the eleven before it, oldest first. */
  static List<Row> lastMonths(ReportInputs in) {
    java.sql.Date from = java.sql.Date.valueOf(in.runMonth().minusMonths(MONTHS - 1));
    return in.table(MartTables.CHURN_METRICS)
        .where(col("month").geq(from).and(col("month").leq(java.sql.Date.valueOf(in.runMonth()))))
        .orderBy("month").collectAsList();
  }

  static Section mrr(ReportInputs in, List<Row> months) {
    String id = "mrr";
    String title = "MRR movements";
    Row runMonth = months.stream().filter(r -> month(r).equals(in.runMonth())).findFirst().orElse(null);
    if (runMonth == null) {
      return Section.empty(id, title, "No churn metrics for " + in.runMonth() + " (marts.churn_metrics has no row "
          + "for the run month): the MRR ledger has not run on this lake.");
    }
    List<String> steps = new ArrayList<>();
    List<Double> changes = new ArrayList<>();
    for (String gain : GAINS) {
      steps.add(movement(gain));
      changes.add(Numbers.getOrZero(runMonth, gain));
    }
    for (String loss : LOSSES) {
      steps.add(movement(loss));
      changes.add(-Numbers.getOrZero(runMonth, loss));
    }
    Axis money = new Axis("MRR", in.currency());
    Chart waterfall = Charts.waterfall("mrr-waterfall", "MRR movements of " + in.runMonth().getMonth() + " "
        + in.runMonth().getYear() + " (month to " + in.runDate() + ")", money, "start (at the month's FX rate)",
        Numbers.getOrZero(runMonth, "start_mrr_at_rate"), steps, changes, "end");
    List<String> labels = months.stream().map(r -> month(r).toString().substring(0, 7)).toList();
    List<Series> levers = new ArrayList<>();
    for (String gain : GAINS) {
      levers.add(Charts.stackedBar(movement(gain), "levers", values(months, gain, 1)));
    }
    for (String loss : LOSSES) {
      levers.add(Charts.stackedBar(movement(loss), "levers", values(months, loss, -1)));
    }
    Chart leverChart = Charts.cartesian("mrr-levers", "MRR gained and lost per month (losses below zero)",
        new Axis("month", ""), money, labels, levers);
    return new Section(id, title, List.of("Start MRR is at the run month's FX rate, so FX moves no bar; start + new + "
        + "reactivation + expansion + cross-sell − contraction − churn = end (marts.churn_metrics)."), List.of(),
        List.of(waterfall, leverChart));
  }

  static Section retention(ReportInputs in, List<Row> months) {
    String id = "churn-rates";
    String title = "Logo and revenue churn, GRR, NRR";
    if (months.isEmpty()) {
      return Section.empty(id, title, "No churn metrics for the 12 months to " + in.runMonth() + ".");
    }
    List<String> labels = months.stream().map(r -> month(r).toString().substring(0, 7)).toList();
    Chart churn = Charts.cartesian("churn-rates", "Logo and revenue churn rate per month", new Axis("month", ""),
        new Axis("churn rate", "%"), labels, List.of(
            Charts.line("logo churn", percents(months, "logo_churn_rate")),
            Charts.line("revenue churn", percents(months, "revenue_churn_rate")),
            Charts.line("renewal churn", percents(months, "renewal_churn_rate"))));
    Chart retention = Charts.cartesian("grr-nrr", "Gross and net revenue retention per month", new Axis("month", ""),
        new Axis("retention", "%"), labels, List.of(Charts.line("GRR", percents(months, "grr")),
            Charts.line("NRR", percents(months, "nrr"))));
    List<List<String>> rows = new ArrayList<>();
    for (Row r : months) {
      rows.add(List.of(month(r).toString().substring(0, 7), Numbers.count(r.<Long>getAs("customers_start")),
          Numbers.count(r.<Long>getAs("churned_accounts")), Numbers.percentText(Numbers.get(r, "logo_churn_rate")),
          Numbers.percentText(Numbers.get(r, "revenue_churn_rate")), Numbers.percentText(Numbers.get(r, "grr")),
          Numbers.percentText(Numbers.get(r, "nrr")), Numbers.decimal(Numbers.get(r, "quick_ratio"), 2)));
    }
    Table table = new Table("Per month", List.of("month", "customers at start", "churned", "logo churn", "revenue churn",
        "GRR", "NRR", "quick ratio"), rows);
    return new Section(id, title, List.of("Rates of each month's start base (marts.churn_metrics); the run month is "
        + "month to date."), List.of(table), List.of(churn, retention));
  }

  static Section cohorts(ReportInputs in) {
    String id = "cohorts";
    String title = "Cohort retention";
    java.sql.Date from = java.sql.Date.valueOf(in.runMonth().minusMonths(MONTHS - 1));
    List<Row> rows = in.table(MartTables.COHORT_RETENTION)
        .where(col("cohort_month").geq(from).and(col("month").leq(java.sql.Date.valueOf(in.runMonth()))))
        .select("cohort_month", "months_since_start", "logo_retention").collectAsList();
    if (rows.isEmpty()) {
      return Section.empty(id, title, "No cohort started in the 12 months to " + in.runMonth() + ".");
    }
    TreeSet<LocalDate> cohorts = new TreeSet<>();
    TreeMap<Integer, Boolean> ages = new TreeMap<>();
    rows.forEach(r -> {
      cohorts.add(((java.sql.Date) r.getAs("cohort_month")).toLocalDate());
      ages.put(r.<Integer>getAs("months_since_start"), true);
    });
    List<LocalDate> cohortList = new ArrayList<>(cohorts);
    List<Integer> ageList = new ArrayList<>(ages.keySet());
    List<List<Double>> values = new ArrayList<>();
    for (int i = 0; i < cohortList.size(); i++) {
      values.add(new ArrayList<>(java.util.Collections.nCopies(ageList.size(), (Double) null)));
    }
    for (Row r : rows) {
      int row = cohortList.indexOf(((java.sql.Date) r.getAs("cohort_month")).toLocalDate());
      values.get(row).set(ageList.indexOf(r.<Integer>getAs("months_since_start")), Numbers.percent(r, "logo_retention"));
    }
    Chart heatmap = Charts.heatmap("cohort-heatmap", "Logo retention by start-month cohort",
        new Axis("months since start", "months"), new Axis("cohort (first paid month)", ""),
        new Axis("accounts retained", "%"), ageList.stream().map(String::valueOf).toList(),
        cohortList.stream().map(d -> d.toString().substring(0, 7)).toList(), values);
    return new Section(id, title, List.of("Share of each cohort's accounts paying at the end of each month since its "
        + "first paid month (marts.cohort_retention.logo_retention)."), List.of(), List.of(heatmap));
  }

  private static LocalDate month(Row row) {
    return ((java.sql.Date) row.getAs("month")).toLocalDate();
  }

  private static String movement(String column) {
    return column.replace("_mrr", "").replace('_', '-');
  }

  private static List<Double> values(List<Row> months, String column, int sign) {
    return months.stream().map(r -> Numbers.round(sign * Numbers.getOrZero(r, column))).toList();
  }

  private static List<Double> percents(List<Row> months, String column) {
    return months.stream().map(r -> Numbers.percent(r, column)).toList();
  }
}
