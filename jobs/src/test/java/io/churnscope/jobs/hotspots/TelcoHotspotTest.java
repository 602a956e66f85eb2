package io.churnscope.jobs.hotspots;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.testing.DuckDbReader;
import io.churnscope.common.testing.SparkTestBase;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * IBM Telco (7,043 customers, 26.5 % churn) with the dimensions of the issue: the classic churn
 * drivers come out on top, and DuckDB recomputes every reported count from the CSV.
 */
class TelcoHotspotTest extends SparkTestBase {
  static final List<String> DIMENSIONS =
      List.of("Contract", "InternetService", "PaymentMethod", "tenure", "SeniorCitizen", "TechSupport");
  static File csv;
  static HotspotEngine.Search search;
  static double seconds;

  @BeforeAll
  static void run() {
    csv = new File(sharedDir(), "datasets/ibm-telco/Telco-Customer-Churn.csv");
    long started = System.nanoTime();
    search = HotspotEngine.search(InputTable.read(spark(), csv.getAbsolutePath(), "auto"),
        HotspotSpec.of(DIMENSIONS, "Churn", HotspotSettings.defaults()).withId("customerID"));
    seconds = (System.nanoTime() - started) / 1e9;
    search.log().forEach(System.out::println);
    search.hotspots().forEach(h -> System.out.println(h.rank() + ". " + h.sentence()));
    System.out.printf("Telco search: %.1f s%n", seconds);
    search.decisions().forEach((segment, why) -> {
      if (segment.order() == 1) {
        System.out.println(segment.key() + ": " + why);
      }
    });
  }

  @AfterAll
  static void release() {
    search.close();
  }

  private static boolean mentions(Hotspot h, String dimension, String value) {
    return value.equals(h.segment().values().get(dimension));
  }

  @Test
  void theBaselineIsTheDatasetsChurnRate() {
    assertEquals(7043, search.all().accounts());
    assertEquals(1869, search.all().churned());
  }

  @Test
  void tenureIsBandedByQuartiles() {
    assertEquals(4, search.population().bands().get("tenure").size(), search.population().bands().toString());
    assertTrue(search.population().bands().get("tenure").get(0).startsWith("[0, "), search.population().bands().toString());
  }

  /**
   * Month-to-month is the largest hot-spot. Fiber optic, electronic check, no tech support and short
   * tenure on their own are explained away — outside their reported combinations (month-to-month ×
   * fiber, fiber × electronic check × no tech support, ...) they churn no more than the rest — so they
   * appear in the top 10 through those combinations, which beat their parents.
   */
  @Test
  void theWellKnownDriversComeOutOnTop() {
    List<Hotspot> top = search.hotspots().subList(0, Math.min(10, search.hotspots().size()));
    String shortTenure = search.population().bands().get("tenure").get(0);
    assertTrue(mentions(top.get(0), "Contract", "Month-to-month"), "rank 1: " + top.get(0).sentence());
    for (String[] driver : new String[][] {{"Contract", "Month-to-month"}, {"InternetService", "Fiber optic"},
        {"PaymentMethod", "Electronic check"}, {"tenure", shortTenure}}) {
      assertTrue(top.stream().anyMatch(h -> mentions(h, driver[0], driver[1])),
          driver[0] + "=" + driver[1] + " is in none of the top 10: " + top.stream().map(Hotspot::sentence).toList());
    }
    for (String[] single : new String[][] {{"InternetService", "Fiber optic"}, {"TechSupport", "No"}}) {
      String value = single[0] + "=" + single[1];
      String why = search.decisions().get(Segment.of(Map.of(single[0], single[1])));
      assertTrue(why != null && why.startsWith("explained away by ")
          && (why.contains(value + " & ") || why.contains(" & " + value)), value + ": " + why);
    }
    // A protective value is never a hot-spot.
    assertTrue(search.hotspots().stream().noneMatch(h -> mentions(h, "Contract", "Two year")));
  }

  /** DuckDB, reading the CSV itself, agrees with every reported count, rate and Wilson interval. */
  @Test
  void duckDbRecomputesEveryReportedSegment() {
    Pattern band = Pattern.compile("\\[([0-9.]+), ([0-9.]+)([)\\]])");
    try (DuckDbReader duck = new DuckDbReader()) {
      duck.execute("CREATE VIEW telco AS SELECT * FROM read_csv_auto('" + csv.getAbsolutePath() + "', header = true)");
      for (Hotspot h : search.hotspots()) {
        List<String> where = new ArrayList<>();
        for (Map.Entry<String, String> e : h.segment().values().entrySet()) {
          Matcher m = band.matcher(e.getValue());
          if (e.getKey().equals("tenure") && m.matches()) {
            where.add("tenure >= " + m.group(1) + " AND tenure " + (m.group(3).equals(")") ? "< " : "<= ") + m.group(2));
          } else {
            where.add("CAST(\"" + e.getKey() + "\" AS VARCHAR) = '" + e.getValue() + "'");
          }
        }
        List<Object> row = duck.query("SELECT count(*), count(*) FILTER (WHERE Churn = 'Yes') FROM telco WHERE "
            + String.join(" AND ", where)).get(0);
        long n = ((Number) row.get(0)).longValue();
        long k = ((Number) row.get(1)).longValue();
        assertEquals(n, h.scored().counts().accounts(), h.segment().key());
        assertEquals(k, h.scored().counts().churned(), h.segment().key());
        ProportionTests.Interval ci = ProportionTests.wilson(k, n, ProportionTests.Z_95);
        assertEquals(ci.low(), h.scored().ciLow(), 1e-12, h.segment().key());
        assertEquals((double) k / n, h.scored().rate(), 1e-12, h.segment().key());
      }
    }
  }
}
