package io.churnscope.jobs.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.run.DataFlow;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.EngagementTables;
import io.churnscope.common.schema.HealthTables;
import io.churnscope.common.schema.HotspotTables;
import io.churnscope.common.schema.MartTables;
import io.churnscope.common.schema.RunTables;
import io.churnscope.jobs.report.ReportModel.Section;
import io.churnscope.jobs.subscriptions.SubscriptionSettings;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage {@code run-report}, after {@code publish-catalog}: the night as a self-contained HTML page,
 * {@code <lake>/_reports/<run date>/index.html}, copied to {@code <lake>/_reports/latest/index.html}
 * when it is the lake's latest run date. The page inlines its data and Apache ECharts and loads
 * nothing, so it opens from a file, offline. It writes no table: files only, outside the zones.
 * Sections (docs/report.md): hot-spots, MRR movements, churn rates and retention, cohorts,
 * engagement, health, data quality, the run manifest. Every number is computed here, on small
 * aggregates collected to the driver.
 *
 * <pre>bin/churnscope run-report --lake LAKE --run-date 2026-10-31</pre>
 */
public final class RunReportStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(RunReportStage.class);

  @Override
  public String name() {
    return "run-report";
  }

  @Override
  public String description() {
    return "the night as one HTML page with charts → <lake>/_reports/<run date>/index.html (and latest/)";
  }

  /** Never skipped as unchanged: its report shows the whole run, the run manifest included. */
  @Override
  public boolean skipsWhenUnchanged() {
    return false;
  }

  @Override
  public DataFlow dataFlow() {
    return DataFlow.reading(HotspotTables.CHURN_HOTSPOTS, MartTables.CHURN_METRICS, MartTables.COHORT_RETENTION,
        EngagementTables.ACCOUNT_ENGAGEMENT, HealthTables.HEALTH_SCORES, HealthTables.CS_ACTIONS, RunTables.QUARANTINE,
        RunTables.RUN_MANIFEST);
  }

  @Override
  public void validate(ChurnscopeConfig config) {
    SubscriptionSettings.BASE_CURRENCY.from(config);
  }

  @Override
  public StageResult run(SparkSession spark, RunContext run) {
    ReportInputs in = new ReportInputs(spark, run.lake(), run.runDate(), reportedRun(spark, run),
        SubscriptionSettings.BASE_CURRENCY.from(run.config()));
    ReportModel model = model(in);
    ReportFiles.Written written = ReportFiles.write(spark.sparkContext().hadoopConfiguration(), run.lake(), run.runDate(),
        ReportPage.render(model));
    String message = "report of " + run.runDate() + " with " + model.chartCount() + " charts: " + written.page()
        + (written.latest() ? " (also _reports/latest)" : " (an older date: _reports/latest left as it was)");
    LOG.info(message);
    return new StageResult(0, 0, 0, message);
  }

  /** The report's content, section by section in the order the page shows them. */
  static ReportModel model(ReportInputs in) {
    List<Row> months = RevenueSections.lastMonths(in);
    List<Row> manifest = RunSections.manifest(in);
    List<Section> sections = new ArrayList<>();
    sections.add(HotspotSection.build(in));
    sections.add(RevenueSections.mrr(in, months));
    sections.add(RevenueSections.retention(in, months));
    sections.add(RevenueSections.cohorts(in));
    sections.add(UsageSections.engagement(in));
    sections.add(UsageSections.health(in));
    sections.add(RunSections.dataQuality(in, manifest));
    sections.add(RunSections.timings(in, manifest));
    return new ReportModel("Churnscope nightly report " + in.runDate(), in.runDate().toString(), in.runId(),
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), in.lake().root(), sections);
  }

  /**
   * The run the report describes: the latest run of the run date in the manifest — this night's,
   * whose earlier stages are recorded by now, or the last nightly of the date when the stage runs alone.
   */
  static String reportedRun(SparkSession spark, RunContext run) {
    List<Row> latest = io.churnscope.common.lake.DeltaIO.readOrEmpty(spark, run.lake(), RunTables.RUN_MANIFEST)
        .where(col("run_date").equalTo(java.sql.Date.valueOf(run.runDate())))
        .groupBy("run_id").agg(max("started_at").as("last_start"))
        .orderBy(col("last_start").desc()).limit(1).collectAsList();
    return latest.isEmpty() ? run.runId() : latest.get(0).getString(0);
  }

  /** Where the lake's latest report is, as a URL a browser opens ({@code file://} for a local lake). */
  public static String latestPage(Lake lake) {
    return ReportFiles.url(lake, ReportFiles.LATEST);
  }
}
