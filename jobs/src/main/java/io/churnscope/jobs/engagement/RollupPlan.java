package io.churnscope.jobs.engagement;

import static org.apache.spark.sql.functions.col;

import io.churnscope.jobs.ingest.IngestSettings;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.schema.EngagementTables;
import io.churnscope.common.schema.StagedTables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Which days the {@code engagement-rollups} stage recomputes, so that a nightly reads only what its
 * ingestion delivered.
 *
 * <p>The deliveries are chosen as {@code IngestWindow} chooses them, against the stage's own
 * watermark ({@code _runs/engagement_watermark}, the latest {@code ingest_date} rolled up):
 * <ul>
 *   <li>no watermark (the first run): every delivery up to the run date — the backfill;</li>
 *   <li>a later run date: the deliveries after the watermark up to the run date (more than one if
 *       nights were missed);</li>
 *   <li>a re-run of a date already rolled up: exactly that date's delivery, so a re-run recomputes the
 *       same days from the same partitions and gives identical tables.</li>
 * </ul>
 * The days to recompute are the event dates those deliveries touch in {@code staged.usage_events}
 * (late events included: a late event reopens its own day), {@code staged.account_volumetrics} and
 * {@code staged.account_config}. Finding them reads only the usage partitions a delivery can reach
 * (ingestion quarantines events more than {@code ingest.max-lateness-days} before their delivery or
 * {@code ingest.max-clock-skew-hours} after it), and Delta's per-file statistics on
 * {@code ingest_date} skip the files other deliveries wrote.
 *
 * @param ingestPredicate the SQL predicate on {@code ingest_date} selecting this run's deliveries
 * @param days the event dates to recompute, ascending
 * @param firstRollup no earlier run rolled anything up: every user-day of those dates is new
 */
public record RollupPlan(String ingestPredicate, LocalDate deliveredThrough, List<LocalDate> days, boolean firstRollup) {
  static final String STAGE = "engagement-rollups";

  public boolean isEmpty() {
    return days.isEmpty();
  }

  /** {@code <column> IN ('2026-10-01', ...)}: the replaceWhere of the recomputed days. */
  public String daysPredicate(String column) {
    return column + " IN (" + days.stream().map(d -> "'" + d + "'").collect(Collectors.joining(", ")) + ")";
  }

  public static RollupPlan plan(SparkSession spark, RunContext run) {
    LocalDate runDate = run.runDate();
    LocalDate watermark = watermark(spark, run);
    String predicate;
    LocalDate firstDelivery;
    if (watermark == null) {
      predicate = "ingest_date <= '" + runDate + "'";
      firstDelivery = null;
    } else if (runDate.isAfter(watermark)) {
      predicate = "ingest_date > '" + watermark + "' AND ingest_date <= '" + runDate + "'";
      firstDelivery = watermark.plusDays(1);
    } else {
      predicate = "ingest_date = '" + runDate + "'";
      firstDelivery = runDate;
    }
    TreeSet<LocalDate> days = new TreeSet<>();
    String usageBounds = predicate;
    if (firstDelivery != null) {
      IngestSettings ingest = IngestSettings.from(run.config());
      int lateness = ingest.maxLatenessDays();
      int skewDays = ingest.maxClockSkewHours() / 24 + 2;
      usageBounds += " AND event_date >= '" + firstDelivery.minusDays(lateness + 1L) + "'"
          + " AND event_date <= '" + runDate.plusDays(skewDays) + "'";
    }
    days.addAll(distinctDates(spark, run, StagedTables.USAGE_EVENTS, "event_date", usageBounds));
    days.addAll(distinctDates(spark, run, StagedTables.ACCOUNT_VOLUMETRICS, "extract_date", predicate));
    days.addAll(distinctDates(spark, run, StagedTables.ACCOUNT_CONFIG, "snapshot_date", predicate));
    return new RollupPlan(predicate, runDate, List.copyOf(days), watermark == null);
  }

  /** The distinct dates of a delivery range: a few dozen values at most, collected on purpose. */
  private static List<LocalDate> distinctDates(SparkSession spark, RunContext run, TableSpec table, String dateColumn,
      String where) {
    if (!DeltaIO.exists(spark, run.lake().path(table))) {
      return List.of();
    }
    return DeltaIO.read(spark, run.lake(), table).where(where).select(col(dateColumn)).distinct()
        .collectAsList().stream().map(r -> r.getDate(0).toLocalDate()).toList();
  }

  static LocalDate watermark(SparkSession spark, RunContext run) {
    return watermark(spark, run.lake());
  }

  /** The latest delivery the usage rollups hold, or null before the first rollup. */
  public static LocalDate watermark(SparkSession spark, Lake lake) {
    List<Row> rows = DeltaIO.readOrEmpty(spark, lake, EngagementTables.ROLLUP_WATERMARK)
        .where(col("stage").equalTo(STAGE)).select("rolled_up_through").collectAsList();
    return rows.isEmpty() ? null : rows.get(0).getDate(0).toLocalDate();
  }

  /** Moves the watermark to the run date (never backwards: a re-run of an older date keeps it). */
  public void advance(SparkSession spark, RunContext run) {
    LocalDate current = watermark(spark, run);
    LocalDate through = current != null && current.isAfter(deliveredThrough) ? current : deliveredThrough;
    Dataset<Row> row = spark.createDataFrame(List.of(RowFactory.create(STAGE, Date.valueOf(through), run.runId())),
        EngagementTables.ROLLUP_WATERMARK.schema());
    DeltaIO.replaceWhere(spark, run.lake(), EngagementTables.ROLLUP_WATERMARK, row, "stage = '" + STAGE + "'");
  }
}
