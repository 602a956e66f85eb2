package io.churnscope.jobs.report;

import static org.apache.spark.sql.functions.col;

import io.churnscope.common.schema.RunTables;
import io.churnscope.jobs.report.ReportModel.Axis;
import io.churnscope.jobs.report.ReportModel.Chart;
import io.churnscope.jobs.report.ReportModel.Section;
import io.churnscope.jobs.report.ReportModel.Table;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * The run's own sections, from {@code _runs/run_manifest} and {@code quarantine.records} of the
 * run: data quality (records in, staged and quarantined by source and reason, and whether the
 * manifest and the quarantine agree) and the stages' timings.
 */
final class RunSections {
  static final String INGEST_PREFIX = "ingest-";

  private RunSections() {}

  /** The run's manifest rows, in the order the stages ran. */
  static List<Row> manifest(ReportInputs in) {
    return in.table(RunTables.RUN_MANIFEST).where(col("run_id").equalTo(in.runId())).orderBy("started_at")
        .collectAsList();
  }

  static Section dataQuality(ReportInputs in, List<Row> manifest) {
    String id = "data-quality";
    String title = "Data quality";
    List<Row> ingest = manifest.stream().filter(r -> r.<String>getAs("stage").startsWith(INGEST_PREFIX)).toList();
    List<Row> reasons = in.table(RunTables.QUARANTINE).where(col("run_id").equalTo(in.runId()))
        .groupBy("source", "reason").count().orderBy("source", "reason").collectAsList();
    if (ingest.isEmpty() && reasons.isEmpty()) {
      return Section.empty(id, title, "Run " + in.runId() + " ingested nothing (no ingestion stage in its manifest).");
    }
    List<Chart> charts = new ArrayList<>();
    List<String> stages = ingest.stream().map(r -> r.<String>getAs("stage")).toList();
    charts.add(Charts.cartesian("records-by-stage", "Records read, staged and quarantined by ingestion stage",
        new Axis("stage", ""), new Axis("count", "records"), stages, List.of(
            Charts.stackedBar("records in", "in", column(ingest, "rows_in")),
            Charts.stackedBar("staged", "out", column(ingest, "rows_out")),
            Charts.stackedBar("quarantined", "out", column(ingest, "rows_quarantined")))));
    List<String> notes = new ArrayList<>();
    long manifestQuarantined = ingest.stream().mapToLong(r -> r.<Long>getAs("rows_quarantined")).sum();
    long tableQuarantined = reasons.stream().mapToLong(r -> r.getLong(2)).sum();
    notes.add("Reconciliation: the ingestion stages report " + Numbers.count(manifestQuarantined) + " records quarantined; "
        + "quarantine.records holds " + Numbers.count(tableQuarantined) + " records of run " + in.runId() + " — "
        + (manifestQuarantined == tableQuarantined ? "they agree." : "they DIFFER by "
        + Numbers.count(Math.abs(manifestQuarantined - tableQuarantined)) + "."));
    if (reasons.isEmpty()) {
      notes.add("No record was quarantined in this run.");
    } else {
      charts.add(Charts.stackedCounts("quarantine-reasons", "Quarantined records by source and reason", new Axis("source", ""),
          new Axis("count", "records"), "reasons", reasons));
    }
    return new Section(id, title, notes, List.of(reconciliation(ingest)), charts);
  }


  private static Table reconciliation(List<Row> ingest) {
    List<List<String>> rows = new ArrayList<>();
    for (Row r : ingest) {
      long in = r.getAs("rows_in");
      long out = r.getAs("rows_out");
      long quarantined = r.getAs("rows_quarantined");
      rows.add(List.of(r.getAs("stage"), r.getAs("status"), Numbers.count(in), Numbers.count(out),
          Numbers.count(quarantined), Numbers.count(in - out - quarantined)));
    }
    return new Table("Records per ingestion stage", List.of("stage", "status", "records in", "staged", "quarantined",
        "in − staged − quarantined"), rows);
  }

  static Section timings(ReportInputs in, List<Row> manifest) {
    String id = "run-manifest";
    String title = "Run manifest";
    if (manifest.isEmpty()) {
      return Section.empty(id, title, "The run manifest has no stage of run " + in.runId() + " yet.");
    }
    List<String> stages = manifest.stream().map(r -> r.<String>getAs("stage")).toList();
    List<Double> seconds = manifest.stream().map(r -> Numbers.round(r.<Long>getAs("duration_ms") / 1000.0)).toList();
    Chart chart = Charts.horizontal("stage-timings", "Wall time of each stage", new Axis("stage", ""),
        new Axis("wall time", "s"), stages, List.of(Charts.bar("wall time", seconds)));
    List<List<String>> rows = new ArrayList<>();
    for (Row r : manifest) {
      String message = r.getAs("message");
      rows.add(List.of(r.getAs("stage"), r.getAs("status"), Numbers.decimal(r.<Long>getAs("duration_ms") / 1000.0, 1),
          Numbers.count(r.<Long>getAs("rows_in")), Numbers.count(r.<Long>getAs("rows_out")),
          Numbers.count(r.<Long>getAs("rows_quarantined")), message == null ? "" : message));
    }
    double total = seconds.stream().mapToDouble(Double::doubleValue).sum();
    return new Section(id, title, List.of("Run " + in.runId() + ": " + stages.size() + " stages, "
        + Numbers.decimal(total, 1) + " s in all (_runs/run_manifest; this report's own stage is recorded after it is "
        + "written)."), List.of(new Table("Stages in the order they ran", List.of("stage", "status", "seconds", "rows in",
        "rows out", "quarantined", "message"), rows)), List.of(chart));
  }

  private static List<Double> column(List<Row> rows, String column) {
    return rows.stream().map(r -> Numbers.getOrZero(r, column)).toList();
  }
}
