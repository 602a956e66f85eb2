package io.churnscope.jobs.ingest;

import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.schema.RunTables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Which deliveries of a raw source a run ingests, so that nightly work scales with the new day:
 * <ul>
 *   <li>first run (no watermark): every delivery up to the run date — the history backfill;</li>
 *   <li>a later run date: the deliveries after the watermark up to the run date (normally one,
 *       more if nights were missed);</li>
 *   <li>a re-run of a date already ingested: exactly that date's delivery.</li>
 * </ul>
 * The batch is the contiguous range [from, to] of delivery dates; its writes replace exactly the
 * rows with {@code ingest_date} in that range.
 */
public record IngestWindow(String source, List<LocalDate> dates) {
  public boolean isEmpty() {
    return dates.isEmpty();
  }

  public LocalDate from() {
    return dates.get(0);
  }

  public LocalDate to() {
    return dates.get(dates.size() - 1);
  }

  public String ingestDatePredicate() {
    return "ingest_date >= '" + from() + "' AND ingest_date <= '" + to() + "'";
  }

  public static IngestWindow plan(SparkSession spark, RunContext run, RawSource source) {
    return plan(spark, run, source.name(), RawDeliveries.list(spark, run.lake(), source.rawDir()));
  }

  static IngestWindow plan(SparkSession spark, RunContext run, String source, List<LocalDate> delivered) {
    LocalDate runDate = run.runDate();
    LocalDate watermark = watermark(spark, run, source);
    List<LocalDate> dates;
    if (watermark == null) {
      dates = delivered.stream().filter(d -> !d.isAfter(runDate)).toList();
    } else if (runDate.isAfter(watermark)) {
      dates = delivered.stream().filter(d -> d.isAfter(watermark) && !d.isAfter(runDate)).toList();
    } else {
      dates = delivered.stream().filter(d -> d.equals(runDate)).toList();
    }
    return new IngestWindow(source, dates);
  }

  static LocalDate watermark(SparkSession spark, RunContext run, String source) {
    List<Row> rows = DeltaIO.readOrEmpty(spark, run.lake(), RunTables.INGEST_WATERMARKS)
        .where(functions.col("source").equalTo(source))
        .select("ingested_through").collectAsList();
    return rows.isEmpty() ? null : rows.get(0).getDate(0).toLocalDate();
  }

  /** Moves the source's watermark to the end of this batch (never backwards: a re-run keeps it). */
  public void advance(SparkSession spark, RunContext run) {
    LocalDate current = watermark(spark, run, source);
    LocalDate through = current != null && current.isAfter(to()) ? current : to();
    Row row = RowFactory.create(source, Date.valueOf(through), run.runId());
    DeltaIO.replaceWhere(spark, run.lake(), RunTables.INGEST_WATERMARKS,
        spark.createDataFrame(List.of(row), RunTables.INGEST_WATERMARKS.schema()), "source = '" + source + "'");
  }
}
