package io.churnscope.jobs.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The report's HTML: the page template ({@code report.html}) with the model as JSON, Apache
 * ECharts ({@code echarts.min.js}, unpacked from its WebJar at build time) and the drawing code
 * ({@code report.js}) inline, so the file needs nothing else to open, offline included.
 */
public final class ReportPage {
  static final String ECHARTS = "echarts.min.js";
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z-]+)}}");

  private ReportPage() {}

  public static String render(ReportModel model) {
    Map<String, String> values = Map.of(
        "title", escapeHtml(model.title()),
        "data", json(model),
        "echarts", script(resource(ECHARTS)),
        "report-js", script(resource("report.js")));
    Matcher matcher = PLACEHOLDER.matcher(resource("report.html"));
    StringBuilder page = new StringBuilder();
    while (matcher.find()) {
      String value = values.get(matcher.group(1));
      if (value == null) {
        throw new IllegalStateException("report.html has an unknown placeholder " + matcher.group());
      }
      matcher.appendReplacement(page, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(page);
    return page.toString();
  }

  /** The model as JSON safe inside a script element: a "</" (as in "</script>") would end the element. */
  static String json(ReportModel model) {
    try {
      return new ObjectMapper().writeValueAsString(model).replace("</", "<\\/");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the report model is not serializable", e);
    }
  }

  /** Inline script text, which must not end its own element early. */
  private static String script(String source) {
    if (source.toLowerCase(java.util.Locale.ROOT).contains("</script")) {
      throw new IllegalStateException("a script to inline contains </script");
    }
    return source;
  }

  private static String resource(String name) {
    try (InputStream in = ReportPage.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " is missing from the jar (io/churnscope/jobs/report/"
            + name + "; echarts.min.js is unpacked from org.webjars.npm:echarts by the jobs module's build)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String escapeHtml(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
