package io.churnscope.jobs.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import io.churnscope.common.UserError;
import io.churnscope.jobs.health.HealthMeasure;
import io.churnscope.jobs.health.HealthScoring;
import io.churnscope.jobs.health.HealthSettings;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * The churn model's rows (docs/churn-model.md, "Outcome and features"): every customer snapshot of
 * marts.health_measures (trials excluded: conversion is their own outcome) with its features as of
 * the snapshot date, and the outcome from the MRR ledger's churn events — an established logo churn
 * dated in (snapshot, snapshot + horizon]. A snapshot whose horizon ends after the run date is
 * unlabelled (null), never a 0. Accounts inside the stick point are scored but neither trained nor
 * tested on: a churn of theirs would be early churn, which is another outcome.
 */
public final class ChurnTrainingSet {
  static final String ID = "account_id";
  static final String TIME = "snapshot_date";
  static final String RULES_RISK = "rules_risk";
  static final String ELIGIBLE = "eligible";
  static final String REASON = "churn_reason";
  static final String CHURN_DATE = "churn_date";

  private ChurnTrainingSet() {}

  /** The configured features that are numbers in {@code measures}. */
  static List<String> numeric(Dataset<Row> measures, List<String> features) {
    Set<String> columns = Set.of(measures.columns());
    List<String> unknown = features.stream().filter(f -> !columns.contains(f)).toList();
    if (!unknown.isEmpty()) {
      throw new UserError("churn-model.features: " + unknown + " not columns of marts.health_measures "
          + Arrays.toString(measures.columns()));
    }
    return features.stream().filter(f -> measures.schema().apply(f).dataType() instanceof NumericType).toList();
  }

  /**
   * @param churnEvents marts.churn_events
   * @return the customer snapshots with {@code label} (null: unlabelled), {@code churn_date} and
   *     {@code churn_reason} of the first churn in the horizon, {@code eligible} (tenure at the stick point or more) and {@code rules_risk}
   */
  public static Dataset<Row> build(Dataset<Row> measures, Dataset<Row> churnEvents, LocalDate runDate, int horizonDays,
      int stickPointDays, List<String> features, HealthSettings health) {
    List<String> numeric = numeric(measures, features);
    Dataset<Row> customers = measures.where(col("lifecycle_stage").notEqual("trial"));
    Dataset<Row> churns = churnEvents.where(col("churn_stage").equalTo("established"))
        .select(col("account_id").as("churn_account"), col("churn_date"), col("reason"));
    Column inHorizon = col("churn_account").equalTo(col(ID)).and(col("churn_date").gt(col(TIME)))
        .and(col("churn_date").leq(date_add(col(TIME), horizonDays)));
    Dataset<Row> outcomes = customers.select(ID, TIME).join(churns, inHorizon, "left")
        .groupBy(ID, TIME)
        .agg(max(col("churn_date").isNotNull().cast("double")).as("churned"),
            org.apache.spark.sql.functions.min(col("churn_date")).as(CHURN_DATE),
            org.apache.spark.sql.functions.min_by(col("reason"), col("churn_date")).as(REASON));
    Column known = date_add(col(TIME), horizonDays).leq(lit(Date.valueOf(runDate)));
    Dataset<Row> rows = customers.join(outcomes, new String[] {ID, TIME})
        .withColumn(ChurnModel.LABEL, when(known, col("churned")))
        .withColumn(ELIGIBLE, col("tenure_days").geq(stickPointDays))
        .drop("churned");
    rows = rows.map(new RulesRisk(health), Encoders.row(rows.schema().add(RULES_RISK, DataTypes.DoubleType)));
    for (String f : features) {
      rows = rows.withColumn(f, numeric.contains(f) ? col(f).cast("double") : col(f).cast("string"));
    }
    return rows;
  }

  /**
   * The rules-only risk of a snapshot: 100 − its health score from the measures of marts.health_measures,
   * on the card of its stage and tier (the model's own probability is not among them), null when no
   * measure of the card has a value.
   */
  static final class RulesRisk implements MapFunction<Row, Row> {
    private final HealthSettings health;

    RulesRisk(HealthSettings health) {
      this.health = health;
    }

    @Override
    public Row call(Row row) {
      Map<String, Double> values = new HashMap<>();
      StructType schema = row.schema();
      for (HealthMeasure m : HealthMeasure.values()) {
        if (schema.getFieldIndex(m.id()).isDefined()) {
          Object v = row.getAs(m.id());
          values.put(m.id(), v == null ? null : ((Number) v).doubleValue());
        }
      }
      Double score = HealthScoring.score(health.card(row.getAs("lifecycle_stage"), row.getAs("arr_tier")), values)
          .score();
      Object[] out = Arrays.copyOf(toArray(row), row.size() + 1);
      out[row.size()] = score == null ? null : 100 - score;
      return RowFactory.create(out);
    }

    private static Object[] toArray(Row row) {
      Object[] values = new Object[row.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = row.get(i);
      }
      return values;
    }
  }
}
