package io.churnscope.jobs.report;

import io.churnscope.jobs.report.ReportModel.Axis;
import io.churnscope.jobs.report.ReportModel.Chart;
import io.churnscope.jobs.report.ReportModel.Series;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The report's kinds of chart, each computed to the last number here so the page only draws:
 * plain bars and lines, a waterfall (an invisible base under each step), a Pareto (bars sorted
 * largest first and their cumulative share), intervals (an invisible base up to each low end) and a
 * heatmap.
 */
final class Charts {
  private Charts() {}

  static Series bar(String name, List<Double> values) {
    return new Series(name, "bar", values, null, false, false);
  }

  static Series stackedBar(String name, String stack, List<Double> values) {
    return new Series(name, "bar", values, stack, false, false);
  }

  static Series line(String name, List<Double> values) {
    return new Series(name, "line", values, null, false, false);
  }

  static Chart cartesian(String id, String title, Axis categoryAxis, Axis valueAxis, List<String> categories,
      List<Series> series) {
    return new Chart(id, title, "cartesian", false, categoryAxis, valueAxis, null, categories, series, null, null);
  }

  /**
   * Counts by two keys as bars stacked by the second: {@code rows} are (category, stacked key, count),
   * categories in the order they first appear, the stacked keys sorted.
   */
  static Chart stackedCounts(String id, String title, Axis categoryAxis, Axis valueAxis, String stack,
      List<org.apache.spark.sql.Row> rows) {
    List<String> categories = rows.stream().map(r -> r.getString(0)).distinct().toList();
    java.util.TreeSet<String> keys = new java.util.TreeSet<>();
    rows.forEach(r -> keys.add(r.getString(1)));
    List<Series> series = new ArrayList<>();
    for (String key : keys) {
      List<Double> values = new ArrayList<>();
      for (String category : categories) {
        values.add(rows.stream().filter(r -> r.getString(0).equals(category) && r.getString(1).equals(key))
            .mapToDouble(r -> r.getLong(2)).sum());
      }
      series.add(stackedBar(key, stack, values));
    }
    return cartesian(id, title, categoryAxis, valueAxis, categories, series);
  }

  /** Categories along the y axis: for long labels (segments, stage names). */
  static Chart horizontal(String id, String title, Axis categoryAxis, Axis valueAxis, List<String> categories,
      List<Series> series) {
    return new Chart(id, title, "cartesian", true, categoryAxis, valueAxis, null, categories, series, null, null);
  }

  /**
   * A waterfall from {@code start} through each step's change to the end: rises and falls float on
   * an invisible base at the running total before (a rise) or after (a fall) them.
   */
  static Chart waterfall(String id, String title, Axis valueAxis, String startLabel, double start, List<String> steps,
      List<Double> changes, String endLabel) {
    List<String> categories = new ArrayList<>();
    List<Double> base = new ArrayList<>();
    List<Double> totals = new ArrayList<>();
    List<Double> rises = new ArrayList<>();
    List<Double> falls = new ArrayList<>();
    categories.add(startLabel);
    add(base, totals, rises, falls, 0, start, 0, 0);
    double running = start;
    for (int i = 0; i < steps.size(); i++) {
      double change = changes.get(i);
      categories.add(steps.get(i));
      if (change >= 0) {
        add(base, totals, rises, falls, running, 0, change, 0);
      } else {
        add(base, totals, rises, falls, running + change, 0, 0, -change);
      }
      running += change;
    }
    categories.add(endLabel);
    add(base, totals, rises, falls, 0, running, 0, 0);
    return cartesian(id, title, new Axis("movement", ""), valueAxis, categories, List.of(
        new Series("base", "bar", base, "waterfall", true, false),
        stackedBar("MRR", "waterfall", totals),
        stackedBar("increase", "waterfall", rises),
        stackedBar("decrease", "waterfall", falls)));
  }

  private static void add(List<Double> base, List<Double> totals, List<Double> rises, List<Double> falls, double b,
      double total, double rise, double fall) {
    base.add(Numbers.round(b));
    totals.add(Numbers.round(total));
    rises.add(Numbers.round(rise));
    falls.add(Numbers.round(fall));
  }

  /** A Pareto chart: the values largest first as bars, and their cumulative share of the total (%) as a line. */
  static Chart pareto(String id, String title, Axis categoryAxis, Axis valueAxis, List<String> labels, List<Double> values) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < labels.size(); i++) {
      order.add(i);
    }
    order.sort((a, b) -> Double.compare(values.get(b), values.get(a)));
    double total = values.stream().mapToDouble(Double::doubleValue).sum();
    List<String> categories = new ArrayList<>();
    List<Double> sorted = new ArrayList<>();
    List<Double> cumulative = new ArrayList<>();
    double sum = 0;
    for (int i : order) {
      categories.add(labels.get(i));
      sorted.add(Numbers.round(values.get(i)));
      sum += values.get(i);
      cumulative.add(total == 0 ? 0.0 : Numbers.round(100 * sum / total));
    }
    return new Chart(id, title, "cartesian", false, categoryAxis, valueAxis, new Axis("cumulative share", "%"),
        categories, List.of(bar(valueAxis.name(), sorted), new Series("cumulative share", "line", cumulative, null, false, true)),
        null, null);
  }

  /**
   * Each category's estimate with its interval (a bar from the low to the high end, floating on an
   * invisible base) and a reference value beside it, categories along the y axis.
   */
  static Chart intervals(String id, String title, Axis categoryAxis, Axis valueAxis, List<String> categories,
      List<Double> low, List<Double> high, String estimateName, List<Double> estimate, String referenceName,
      List<Double> reference) {
    List<Double> width = new ArrayList<>();
    for (int i = 0; i < low.size(); i++) {
      width.add(Numbers.round(high.get(i) - low.get(i)));
    }
    return horizontal(id, title, categoryAxis, valueAxis, categories, List.of(
        new Series("interval base", "bar", low, "interval", true, false),
        stackedBar("95 % interval", "interval", width),
        new Series(estimateName, "scatter", estimate, null, false, false),
        new Series(referenceName, "scatter", reference, null, false, false)));
  }

  /** A heatmap: {@code values.get(row).get(column)}, null cells left out. */
  static Chart heatmap(String id, String title, Axis columnAxis, Axis rowAxis, Axis valueAxis, List<String> columns,
      List<String> rows, List<List<Double>> values) {
    List<List<Double>> cells = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < columns.size(); c++) {
        Double value = values.get(r).get(c);
        if (value != null) {
          cells.add(List.of((double) c, (double) r, Numbers.round(value)));
        }
      }
    }
    return new Chart(id, title, "heatmap", false, columnAxis, valueAxis, rowAxis, columns, List.of(), rows,
        Collections.unmodifiableList(cells));
  }
}
