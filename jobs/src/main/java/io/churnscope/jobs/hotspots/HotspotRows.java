package io.churnscope.jobs.hotspots;

import io.churnscope.common.schema.HotspotTables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The rows of {@code churn_hotspots} for one run, compared with the previous run's: a hot-spot the
 * previous run reported too is {@code persisting} (with its lift change), one it did not is
 * {@code new}, and one it reported that this run does not is {@code resolved} (with this run's
 * statistics of the segment when it was still tested).
 */
public final class HotspotRows {
  private HotspotRows() {}

  /** The previous run's reported hot-spots (not its resolved rows), keyed by segment key. */
  public static Map<String, Row> previousReported(Dataset<Row> table, LocalDate runDate) {
    return previousReported(table, runDate, null);
  }

  /**
   * The same for one analysis of the nightly stage ({@code analysis} null: the standalone job's rows).
   * A table written before the column existed holds only standalone rows.
   */
  public static Map<String, Row> previousReported(Dataset<Row> table, LocalDate runDate, String analysis) {
    if (!java.util.Arrays.asList(table.columns()).contains("analysis")) {
      table = table.withColumn("analysis", org.apache.spark.sql.functions.lit(null).cast("string"));
    }
    Dataset<Row> earlier = table.where(table.col("run_date").lt(Date.valueOf(runDate))
        .and(table.col("analysis").eqNullSafe(analysis)));
    Row latest = earlier.agg(org.apache.spark.sql.functions.max("run_date")).first();
    Map<String, Row> out = new LinkedHashMap<>();
    if (latest.isNullAt(0)) {
      return out;
    }
    // One run's hot-spots: a few dozen rows at most.
    for (Row r : earlier.where(earlier.col("run_date").equalTo(latest.get(0))
        .and(earlier.col("status").notEqual("resolved"))).collectAsList()) {
      out.put(r.getAs("segment_key"), r);
    }
    return out;
  }

  public static Dataset<Row> of(SparkSession spark, LocalDate runDate, HotspotEngine.Search search,
      Map<String, Row> previous) {
    return of(spark, runDate, null, search, previous);
  }

  /** @param analysis the nightly stage's analysis name, or null (the standalone job) */
  public static Dataset<Row> of(SparkSession spark, LocalDate runDate, String analysis, HotspotEngine.Search search,
      Map<String, Row> previous) {
    Date date = Date.valueOf(runDate);
    SegmentCounts all = search.all();
    List<Row> rows = new ArrayList<>();
    for (Hotspot h : search.hotspots()) {
      Row before = previous.get(h.segment().key());
      Double previousLift = before == null ? null : before.getAs("lift");
      ScoredSegment s = h.scored();
      rows.add(row(date, analysis, h.rank(), s.segment(), before == null ? "new" : "persisting", s, all,
          h.pValueOutsideOverlaps(), h.reference(), h.excessChurned(),
          search.weighted() ? h.excessChurnedWeight() : null, h.sameAccountsAs(),
          previousLift, h.sentence()));
    }
    Map<String, ScoredSegment> tested = new HashMap<>();
    search.tested().forEach(s -> tested.put(s.segment().key(), s));
    for (Map.Entry<String, Row> e : previous.entrySet()) {
      if (search.hotspots().stream().anyMatch(h -> h.segment().key().equals(e.getKey()))) {
        continue;
      }
      Row before = e.getValue();
      Segment segment = Segment.of(CollectionConverters.asJava(before.<scala.collection.Map<String, String>>getAs("segment")));
      Double previousLift = before.getAs("lift");
      ScoredSegment now = tested.get(e.getKey());
      String was = previousLift == null ? "" : " (it was " + Sentences.times(previousLift) + " the baseline last run)";
      String sentence = now == null
          ? "No longer a hot-spot: " + segment.label() + " fell below the minimum support" + was + "."
          : "No longer a hot-spot: churn in " + segment.label() + " is now " + Sentences.percent(now.rate()) + " (n="
              + now.counts().accounts() + "), " + Sentences.times(now.lift()) + " the baseline of "
              + Sentences.percent(all.rate()) + was + ".";
      rows.add(now == null
          ? resolvedUntested(date, analysis, segment, previousLift, sentence)
          : row(date, analysis, null, segment, "resolved", now, all, null, all, null, null, null, previousLift, sentence));
    }
    return spark.createDataFrame(rows, HotspotTables.CHURN_HOTSPOTS.schema());
  }

  private static Row row(Date date, String analysis, Integer rank, Segment segment, String status, ScoredSegment s, SegmentCounts all,
      Double pOutside, SegmentCounts reference, Double excess, Double excessWeight, List<String> sameAccounts,
      Double previousLift, String sentence) {
    SegmentCounts c = s.counts();
    return RowFactory.create(date, analysis, rank, segment.key(), CollectionConverters.asScala(segment.values()),
        segment.order(), status, c.accounts(), c.churned(), c.rate(), s.ciLow(), s.ciHigh(), c.weight(),
        c.churnedWeight(), all.rate(), s.lift(), s.pValue(), s.pValueVsParents(), s.qValue(), pOutside,
        s.strongestParent().segment().key(), s.liftVsStrongestParent(), reference.segment().key(), reference.rate(),
        SegmentScorer.ratio(c.rate(), reference.rate()), excess, excessWeight,
        sameAccounts == null ? null : CollectionConverters.asScala(sameAccounts).toSeq(),
        previousLift, previousLift == null ? null : s.lift() - previousLift, sentence, c.clusters().clusters(),
        c.designEffect());
  }

  private static Row resolvedUntested(Date date, String analysis, Segment segment, Double previousLift, String sentence) {
    org.apache.spark.sql.types.StructType schema = HotspotTables.CHURN_HOTSPOTS.schema();
    Object[] values = new Object[schema.size()];
    values[schema.fieldIndex("run_date")] = date;
    values[schema.fieldIndex("analysis")] = analysis;
    values[schema.fieldIndex("segment_key")] = segment.key();
    values[schema.fieldIndex("segment")] = CollectionConverters.asScala(segment.values());
    values[schema.fieldIndex("segment_order")] = segment.order();
    values[schema.fieldIndex("status")] = "resolved";
    values[schema.fieldIndex("previous_lift")] = previousLift;
    values[schema.fieldIndex("sentence")] = sentence;
    return RowFactory.create(values);
  }
}
