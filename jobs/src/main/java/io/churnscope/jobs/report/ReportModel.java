package io.churnscope.jobs.report;

import java.util.List;

/**
 * What the run report shows, as the page receives it (JSON): sections of charts and tables whose
 * numbers are all computed here, in Java. The page only draws them ({@code report.js}).
 *
 * @param title the page's title
 * @param runDate the business date of the run
 * @param runId the run whose manifest and quarantine the report reads
 * @param generatedAt when the report was written, UTC
 * @param lake the lake's root
 * @param sections in the order the page shows them
 */
public record ReportModel(String title, String runDate, String runId, String generatedAt, String lake,
    List<Section> sections) {

  /** Every chart of every section: what the page must draw before it sets its marker. */
  public int chartCount() {
    return sections.stream().mapToInt(s -> s.charts().size()).sum();
  }

  /**
   * One section of the page.
   *
   * @param id the HTML id (an anchor in the table of contents)
   * @param title its heading
   * @param notes sentences shown under the heading: what it shows, or why it is empty
   * @param tables small tables of preformatted text
   * @param charts the charts, drawn in order
   */
  public record Section(String id, String title, List<String> notes, List<Table> tables, List<Chart> charts) {
    public static Section empty(String id, String title, String why) {
      return new Section(id, title, List.of(why), List.of(), List.of());
    }
  }

  /** A table: a title, column headings, and rows of text formatted in Java. */
  public record Table(String title, List<String> columns, List<List<String>> rows) {}

  /**
   * An axis: its name and unit, shown together ("MRR (USD)").
   *
   * @param unit {@code %} for a ratio the model already multiplied by 100, a currency, "accounts", "s", ...
   */
  public record Axis(String name, String unit) {}

  /**
   * One series of a cartesian chart.
   *
   * @param type {@code bar}, {@code line} or {@code scatter}
   * @param values one per category; null where there is none
   * @param stack series with the same stack are drawn on top of each other (null: not stacked)
   * @param hidden drawn transparent: the invisible base of a waterfall or an interval bar
   * @param secondAxis measured on the chart's second value axis
   */
  public record Series(String name, String type, List<Double> values, String stack, boolean hidden, boolean secondAxis) {}

  /**
   * A chart. A cartesian chart has {@code categories} along its category axis and {@code series};
   * a heatmap has {@code categories} along x, {@code rowCategories} along y and {@code cells}.
   *
   * @param kind {@code cartesian} or {@code heatmap}
   * @param horizontal categories along the y axis (long labels: segments, stages)
   * @param categoryAxis the axis of the categories
   * @param valueAxis the axis of the values (a heatmap: what the colour measures)
   * @param secondValueAxis a second value axis (a Pareto's cumulative share), or null
   * @param cells a heatmap's cells as [x index, y index, value]
   */
  public record Chart(String id, String title, String kind, boolean horizontal, Axis categoryAxis, Axis valueAxis,
      Axis secondValueAxis, List<String> categories, List<Series> series, List<String> rowCategories,
      List<List<Double>> cells) {}
}
