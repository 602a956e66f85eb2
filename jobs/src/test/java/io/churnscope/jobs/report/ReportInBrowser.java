package io.churnscope.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens a run report in headless Chromium and checks what a reader would see: the page draws every
 * chart of its data (each a non-empty SVG, and the page's marker equals the count), logs no error
 * or warning, throws nothing, and requests nothing but its own file. Saves a screenshot of the whole
 * page under {@code jobs/target/run-report/}.
 */
public final class ReportInBrowser {
  /** Where the screenshots go: a build artifact of the jobs module. */
  public static final Path SCREENSHOTS = Path.of("target", "run-report");
  static final int WIDTH = 1400;
  /** SVG shapes a drawn chart has at the least: axes, labels, a title, some marks. */
  static final int MIN_SHAPES = 10;

  /** What the browser showed. */
  public record Rendered(int charts, JsonNode data, String text, Path screenshot) {}

  private ReportInBrowser() {}

  /** The page's data, read from the file itself (not from the browser). */
  public static JsonNode data(Path page) throws Exception {
    String html = Files.readString(page);
    String start = "<script type=\"application/json\" id=\"report-data\">";
    int from = html.indexOf(start) + start.length();
    return new ObjectMapper().readTree(html.substring(from, html.indexOf("</script>", from)));
  }

  public static Rendered open(Path page, String screenshotName) throws Exception {
    JsonNode data = data(page);
    int expected = 0;
    for (JsonNode section : data.path("sections")) {
      expected += section.path("charts").size();
    }
    long started = System.nanoTime();
    try (HeadlessChromium browser = HeadlessChromium.start()) {
      String url = page.toUri().toString();
      browser.open(url);
      JsonNode marker = browser.waitFor("document.body && document.body.dataset.chartsRendered", Duration.ofSeconds(60));
      assertNotNull(marker, "the page never said every chart was drawn; errors: " + browser.errors());
      assertEquals(String.valueOf(expected), marker.asText(), "charts drawn vs charts in the page's data");
      JsonNode charts = new ObjectMapper().readTree(browser.evaluate("""
          JSON.stringify(Array.from(document.querySelectorAll('div.chart')).map(function (d) {
            var svg = d.querySelector('svg');
            var box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
            return { id: d.id, shapes: svg ? svg.querySelectorAll('path, rect, text').length : 0,
                     width: box.width, height: box.height };
          }))""").asText());
      assertEquals(expected, charts.size(), "chart containers: " + charts);
      List<String> blank = new ArrayList<>();
      for (JsonNode chart : charts) {
        if (chart.path("shapes").asInt() < MIN_SHAPES || chart.path("width").asDouble() < 100
            || chart.path("height").asDouble() < 100) {
          blank.add(chart.toString());
        }
      }
      assertEquals(List.of(), blank, "charts without a drawing");
      String text = browser.evaluate("document.body.innerText").asText();
      Path screenshot = SCREENSHOTS.resolve(screenshotName);
      browser.screenshot(WIDTH, screenshot);
      List<String> requests = browser.requestedUrls();
      assertTrue(requests.contains(url), "the recorder saw the page's own request: " + requests);
      assertEquals(List.of(), requests.stream().filter(u -> !u.startsWith("file:")).toList(),
          "requests other than the page's own file");
      assertEquals(List.of(), browser.errors(), "console errors, warnings or exceptions");
      System.out.printf("run report %s: %d charts drawn in headless Chromium in %.1f s; screenshot %s%n", page,
          expected, (System.nanoTime() - started) / 1e9, screenshot.toAbsolutePath());
      return new Rendered(expected, data, text, screenshot.toAbsolutePath());
    }
  }
}
