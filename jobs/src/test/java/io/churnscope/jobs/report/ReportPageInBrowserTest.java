package io.churnscope.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.jobs.report.ReportModel.Axis;
import io.churnscope.jobs.report.ReportModel.Chart;
import io.churnscope.jobs.report.ReportModel.Section;
import io.churnscope.jobs.report.ReportModel.Series;
import io.churnscope.jobs.report.ReportModel.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page on a hand-built model, without Spark: every kind of chart is drawn in headless Chromium,
 * an empty section says why in words, text that looks like markup stays text, and the charts' numbers
 * (waterfall, Pareto, intervals) are the known answers worked out below.
 */
class ReportPageInBrowserTest {
  @TempDir
  Path dir;

  static final Axis MONEY = new Axis("MRR", "USD");

  @Test
  void aWaterfallFloatsEachStepOnTheRunningTotal() {
    // start 100, +20 (100 -> 120), -30 (120 -> 90), end 90.
    Chart chart = Charts.waterfall("w", "t", MONEY, "start", 100, List.of("new", "churn"), List.of(20.0, -30.0), "end");
    assertEquals(List.of("start", "new", "churn", "end"), chart.categories());
    assertEquals(List.of(0.0, 100.0, 90.0, 0.0), values(chart, "base"), "a rise floats on the total before it, a fall on the total after it");
    assertEquals(List.of(100.0, 0.0, 0.0, 90.0), values(chart, "MRR"));
    assertEquals(List.of(0.0, 20.0, 0.0, 0.0), values(chart, "increase"));
    assertEquals(List.of(0.0, 0.0, 30.0, 0.0), values(chart, "decrease"));
    assertTrue(chart.series().get(0).hidden(), "the base is not drawn");
  }

  @Test
  void aParetoSortsLargestFirstWithTheCumulativeShare() {
    // 10 + 30 + 60 = 100: sorted 60, 30, 10; cumulative 60 %, 90 %, 100 %.
    Chart chart = Charts.pareto("p", "t", new Axis("segment", ""), new Axis("excess", "accounts"), List.of("a", "b", "c"),
        List.of(10.0, 30.0, 60.0));
    assertEquals(List.of("c", "b", "a"), chart.categories());
    assertEquals(List.of(60.0, 30.0, 10.0), chart.series().get(0).values());
    assertEquals(List.of(60.0, 90.0, 100.0), chart.series().get(1).values());
    assertTrue(chart.series().get(1).secondAxis());
  }

  @Test
  void everyKindOfChartIsDrawnAndAnEmptySectionSaysWhy() throws Exception {
    ReportModel model = new ReportModel("Churnscope nightly report 2026-10-31", "2026-10-31", "2026-10-31@20261101T010000",
        "2026-11-01T01:00:00Z", "/tmp/lake", List.of(
            Section.empty("hotspots", "Churn hot-spots", "No hot-spots for 2026-10-31: nothing to see."),
            new Section("charts", "Every kind of chart", List.of("Text that looks like markup: </script><b>bold</b>"),
                List.of(new Table("A table", List.of("segment", "sentence"),
                    List.of(List.of("plan=pro", "</script><script>document.title='hacked'</script>")))),
                List.of(
                    Charts.waterfall("waterfall", "A waterfall", MONEY, "start", 1000, List.of("new", "expansion",
                        "contraction", "churn"), List.of(200.0, 50.0, -80.0, -120.0), "end"),
                    Charts.cartesian("levers", "Stacked gains and losses with a missing month", new Axis("month", ""), MONEY,
                        List.of("2026-09", "2026-10"), List.of(Charts.stackedBar("new", "l", List.of(10.0, 20.0)),
                            Charts.stackedBar("churn", "l", List.of(-5.0, -15.0)))),
                    Charts.cartesian("rates", "Lines with a gap", new Axis("month", ""), new Axis("rate", "%"),
                        List.of("2026-08", "2026-09", "2026-10"), List.of(Charts.line("GRR", Arrays.asList(95.0, null, 97.5)))),
                    Charts.pareto("pareto", "A Pareto", new Axis("segment", ""), new Axis("excess churned accounts", "accounts"),
                        List.of("plan=pro", "region=EMEA & plan=basic"), List.of(4.5, 12.0)),
                    Charts.intervals("intervals", "Intervals", new Axis("segment", ""), new Axis("churn rate", "%"),
                        List.of("plan=pro", "region=EMEA"), List.of(10.0, 20.0), List.of(30.0, 35.0), "churn rate",
                        List.of(18.0, 27.0), "reference rate", List.of(8.0, 8.0)),
                    Charts.horizontal("timings", "Horizontal bars", new Axis("stage", ""), new Axis("wall time", "s"),
                        List.of("ingest-crm", "run-report"), List.of(Charts.bar("wall time", List.of(3.2, 1.1)))),
                    Charts.heatmap("heatmap", "A heatmap", new Axis("months since start", "months"),
                        new Axis("cohort", ""), new Axis("accounts retained", "%"), List.of("0", "1"),
                        List.of("2026-09", "2026-10"), List.of(List.of(100.0, 92.5), Arrays.asList(100.0, null)))))));
    Path page = dir.resolve("index.html");
    Files.writeString(page, ReportPage.render(model));

    ReportInBrowser.Rendered rendered = ReportInBrowser.open(page, "hand-built-report.png");

    assertEquals(7, rendered.charts());
    assertTrue(rendered.text().contains("No hot-spots for 2026-10-31: nothing to see."), "the empty section in words");
    assertTrue(rendered.text().contains("</script><script>document.title='hacked'</script>"), "markup in data stays text");
    assertTrue(rendered.text().contains("Text that looks like markup: </script><b>bold</b>"));
  }

  /** The browser check can fail: a console error fails it, and so does a request leaving the file. */
  @Test
  void theBrowserCheckCatchesAConsoleErrorAndARequest() throws Exception {
    String page = ReportPage.render(new ReportModel("t", "2026-10-31", "r", "g", "/tmp/lake", List.of(
        new Section("s", "A chart", List.of(), List.of(), List.of(Charts.cartesian("c", "c", new Axis("x", ""),
            new Axis("y", "accounts"), List.of("a", "b"), List.of(Charts.bar("y", List.of(1.0, 2.0)))))))));
    Path withError = dir.resolve("error.html");
    Files.writeString(withError, beforeBodyEnd(page, "<script>console.error('boom')</script>"));
    AssertionError error = assertThrows(AssertionError.class, () -> ReportInBrowser.open(withError, "negative-error.png"));
    assertTrue(error.getMessage().contains("console errors") && error.getMessage().contains("boom"), error.getMessage());

    // Without the page's Content-Security-Policy (which would block it), an image from a closed local port.
    Path withRequest = dir.resolve("request.html");
    Files.writeString(withRequest, beforeBodyEnd(page.replaceFirst("<meta http-equiv=\"Content-Security-Policy\"[^>]*>", ""),
        "<img src=\"http://127.0.0.1:9/pixel.png\">"));
    AssertionError request = assertThrows(AssertionError.class, () -> ReportInBrowser.open(withRequest, "negative-request.png"));
    assertTrue(request.getMessage().contains("requests other than") && request.getMessage().contains("127.0.0.1:9"),
        request.getMessage());
  }

  /** The page with {@code html} added at the end of its body (the inlined ECharts has a "</body>" of its own). */
  private static String beforeBodyEnd(String page, String html) {
    int end = page.lastIndexOf("</body>");
    return page.substring(0, end) + html + page.substring(end);
  }

  private static List<Double> values(Chart chart, String series) {
    return chart.series().stream().filter(s -> s.name().equals(series)).map(Series::values).findFirst().orElseThrow();
  }
}
