package io.churnscope.jobs.health;

import java.io.Serializable;
import java.sql.Date;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Turns an account's measures (and its previous snapshot, if any) into its {@code marts.health_scores}
 * row with {@link HealthScoring}. Input columns: {@code account_id, lifecycle_stage, arr_tier}, one
 * per measure, and {@code previous_snapshot_date, previous_version, previous_score, previous_measures}.
 */
final class HealthRows implements MapFunction<Row, Row>, Serializable {
  private final Map<String, String> versions;
  private final HealthSettings settings;
  private final Date snapshotDate;

  /** {@code snapshotDate} null: each row's own {@code snapshot_date}. */
  HealthRows(HealthSettings settings, Date snapshotDate) {
    Map<String, String> byCard = new LinkedHashMap<>();
    settings.allCards().forEach(card -> byCard.put(card.name(), HealthSettings.version(card)));
    this.versions = Map.copyOf(byCard);
    this.settings = settings;
    this.snapshotDate = snapshotDate;
  }

  @Override
  public Row call(Row in) {
    String stage = in.getAs("lifecycle_stage");
    Scorecard card = settings.card(stage, in.getAs("arr_tier"));
    String version = versions.get(card.name());
    Map<String, Double> values = new LinkedHashMap<>();
    for (HealthMeasure measure : HealthMeasure.values()) {
      // The model's probability is joined only where a prediction exists; a frame without it has no value.
      Object value = in.schema().getFieldIndex(measure.id()).isDefined() ? in.getAs(measure.id()) : null;
      values.put(measure.id(), value == null ? null : ((Number) value).doubleValue());
    }
    HealthScoring.Scored now = HealthScoring.score(card, values);
    Double score = now.score();
    String band = score == null ? null : settings.band(score);
    List<Row> measures = new ArrayList<>();
    for (HealthScoring.MeasureScore m : now.measures()) {
      measures.add(RowFactory.create(m.measure(), m.rawValue(), m.band(), m.weight(), m.score(), m.contribution()));
    }
    Date previousDate = in.getAs("previous_snapshot_date");
    Double previousScore = in.getAs("previous_score");
    HealthScoring.Change change = null;
    if (previousDate != null && previousScore != null && score != null) {
      boolean sameCard = version.equals(in.getAs("previous_version"));
      change = HealthScoring.change(previous(previousScore, in.getList(in.fieldIndex("previous_measures"))), sameCard,
          card, now);
    }
    String explanation = change != null ? change.sentence()
        : score == null ? "no measure of the " + stage + " scorecard has a value"
        : "first score: " + Math.round(score) + " (" + band + ")";
    return RowFactory.create(snapshotDate != null ? snapshotDate : in.getAs("snapshot_date"), in.getAs("account_id"), stage, in.getAs("arr_tier"), version,
        score, band, seq(measures), seq(now.missing()), change == null ? null : previousDate,
        change == null ? null : previousScore, change == null ? null : change.total(),
        change == null ? null : CollectionConverters.asScala(change.byMeasure()),
        change == null ? null : change.reweighting(), change == null ? null : change.scorecard(), explanation);
  }

  /** The previous snapshot as the scoring sees it: its score and its measures' raw values. */
  private static HealthScoring.Scored previous(double score, List<Row> measures) {
    List<HealthScoring.MeasureScore> out = new ArrayList<>();
    for (Row m : measures) {
      out.add(new HealthScoring.MeasureScore(m.getAs("measure"), m.getAs("raw_value"), m.getAs("band"),
          m.getAs("weight"), m.getAs("measure_score"), m.getAs("contribution")));
    }
    return new HealthScoring.Scored(score, out, List.of());
  }

  private static <T> scala.collection.immutable.Seq<T> seq(List<T> list) {
    return CollectionConverters.asScala(list).toSeq();
  }
}
