package io.churnscope.jobs.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.schema.HotspotTables;
import io.churnscope.common.testing.SparkTestBase;
import io.churnscope.jobs.report.ReportModel.Chart;
import io.churnscope.jobs.report.ReportModel.Section;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's sections on hand-built lakes: on an empty lake every section says in words why it is
 * empty and the page still renders (zero charts); on a lake with three hot-spot rows the section
 * shows exactly the run date's unresolved ones, with the intervals and the Pareto worked out below.
 */
class RunReportSectionsTest extends SparkTestBase {
  static final LocalDate RUN = LocalDate.parse("2026-10-31");

  @TempDir
  Path dir;

  @Test
  void anEmptyLakeGivesEverySectionInWordsAndThePageStillRenders() throws Exception {
    Lake lake = new Lake(dir.resolve("lake").toString());
    ReportModel model = RunReportStage.model(new ReportInputs(spark(), lake, RUN, "2026-10-31@x", "USD"));
    assertEquals(8, model.sections().size());
    for (Section section : model.sections()) {
      assertEquals(List.of(), section.charts(), section.id());
      assertEquals(List.of(), section.tables(), section.id());
      assertEquals(1, section.notes().size(), "one sentence saying why " + section.id() + " is empty");
    }
    Path page = dir.resolve("empty.html");
    Files.writeString(page, ReportPage.render(model));
    ReportInBrowser.Rendered rendered = ReportInBrowser.open(page, "empty-lake-report.png");
    assertEquals(0, rendered.charts());
    assertTrue(rendered.text().contains("No hot-spots for 2026-10-31"), rendered.text());
  }

  @Test
  void theHotspotSectionShowsTheRunDatesHotspotsWithIntervalsAndAPareto() {
    Lake lake = new Lake(dir.resolve("lake").toString());
    // Two reported on the run date (ranks 1 and 2), one resolved that night, one of an earlier night.
    Dataset<Row> rows = spark().sql("""
        SELECT * FROM VALUES
          (DATE'2026-10-31', 'established', 1, 'plan=basic', 'new', 200L, 40L, 0.20D, 0.15D, 0.26D, 0.10D, 10.0D, 'plan=basic churns 2x'),
          (DATE'2026-10-31', 'established', 2, 'region=EMEA', 'persisting', 100L, 25L, 0.25D, 0.18D, 0.34D, 0.10D, 15.0D, 'EMEA churns 2.5x'),
          (DATE'2026-10-31', 'established', CAST(NULL AS INT), 'plan=pro', 'resolved', CAST(NULL AS BIGINT), CAST(NULL AS BIGINT),
            CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE), 'resolved'),
          (DATE'2026-09-30', 'established', 1, 'plan=old', 'new', 50L, 20L, 0.40D, 0.27D, 0.54D, 0.10D, 15.0D, 'an old night')
        AS t(run_date, analysis, rank, segment_key, status, accounts, churned, churn_rate, ci_low, ci_high, reference_rate,
             excess_churned, sentence)""")
        .withColumn("segment", functions.map(lit("k"), col("segment_key")))
        .withColumn("segment_order", lit(1));
    DeltaIO.overwrite(spark(), lake, HotspotTables.CHURN_HOTSPOTS, withNulls(rows, HotspotTables.CHURN_HOTSPOTS));

    Section section = HotspotSection.build(new ReportInputs(spark(), lake, RUN, "r", "USD"));

    assertEquals(2, section.tables().get(0).rows().size(), "the run date's reported hot-spots, not the resolved one");
    Chart intervals = section.charts().get(0);
    assertEquals(List.of("established · plan=basic", "established · region=EMEA"), intervals.categories());
    assertEquals(List.of(15.0, 18.0), intervals.series().get(0).values(), "the hidden base: the interval's low end, %");
    assertEquals(List.of(11.0, 16.0), intervals.series().get(1).values(), "the interval's width: 26 - 15, 34 - 18");
    assertEquals(List.of(20.0, 25.0), intervals.series().get(2).values(), "the churn rate, %");
    assertEquals(List.of(10.0, 10.0), intervals.series().get(3).values(), "the reference rate, %");
    Chart pareto = section.charts().get(1);
    assertEquals(List.of("region=EMEA", "plan=basic"), pareto.categories(), "largest excess first");
    assertEquals(List.of(15.0, 10.0), pareto.series().get(0).values());
    assertEquals(List.of(60.0, 100.0), pareto.series().get(1).values(), "15 of 25, then all");
  }

  /** The rows with every other column of the table as null (the statistics a test does not need). */
  private static Dataset<Row> withNulls(Dataset<Row> rows, TableSpec table) {
    Set<String> present = Arrays.stream(rows.columns()).collect(Collectors.toSet());
    Column[] columns = Arrays.stream(table.schema().fields())
        .map(f -> present.contains(f.name()) ? col(f.name()) : lit(null).cast(f.dataType()).as(f.name()))
        .toArray(Column[]::new);
    return rows.select(columns);
  }
}
