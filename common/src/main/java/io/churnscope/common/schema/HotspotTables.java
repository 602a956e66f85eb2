package io.churnscope.common.schema;

import static io.churnscope.common.schema.Columns.optional;
import static io.churnscope.common.schema.Columns.required;
import static io.churnscope.common.schema.Columns.schema;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createMapType;

import io.churnscope.common.lake.TableSpec;
import java.util.List;

/**
 * The hotspots zone: churn hot-spots run by run, and their members for drill-down. See
 * {@code docs/hotspots.md} for how each statistic is computed. Statistics are null on a
 * {@code resolved} row whose segment was not tested this run (it fell below the minimum support).
 */
public final class HotspotTables {
  public static final String ZONE = "hotspots";

  private HotspotTables() {}

  public static final TableSpec CHURN_HOTSPOTS = new TableSpec(ZONE, "churn_hotspots", schema(
      required("run_date", DateType, "The run that found (or resolved) the hot-spot."),
      optional("analysis", StringType, "Which search of the run: the nightly stage runs one per churn kind (established, early), "
          + "and a revenue-weighted one of each (established_revenue, ...); null for the standalone hotspots job."),
      optional("rank", IntegerType, "1 = the largest excess churned (excess churned weight in a weighted run); null when resolved."),
      required("segment_key", StringType, "Stable key: dimension=value pairs in dimension-name order, joined by ' & '."),
      required("segment", createMapType(StringType, StringType), "The segment as dimension -> value."),
      required("segment_order", IntegerType, "How many dimension values the segment combines."),
      required("status", StringType, "new | persisting (reported by the previous run too) | resolved (reported by the previous run, not by this one)."),
      optional("accounts", LongType, "Rows (accounts) in the segment."),
      optional("churned", LongType, "Of which churned."),
      optional("churn_rate", DoubleType, "churned / accounts."),
      optional("ci_low", DoubleType, "Wilson 95 % interval of churn_rate, low end (counts divided by design_effect)."),
      optional("ci_high", DoubleType, "Wilson 95 % interval of churn_rate, high end."),
      optional("weight", DoubleType, "Sum of the weight column (accounts when unweighted)."),
      optional("churned_weight", DoubleType, "Sum of the weight of the churned rows."),
      optional("baseline_rate", DoubleType, "Churn rate of the whole population."),
      optional("lift", DoubleType, "churn_rate / baseline_rate."),
      optional("p_value", DoubleType, "One-sided p-value that the segment churns more than its complement (z-test, Fisher when an expected cell < 5)."),
      optional("p_value_vs_parents", DoubleType, "Largest one-sided p-value of the segment against the rest of each parent; null for one value."),
      optional("q_value", DoubleType, "Adjusted p-value of both tests over every segment tested (hotspots.parent-test): selective, the largest of the Benjamini-Hochberg q-value of p_value, p_value_vs_parents x tested / selected, and the Benjamini-Hochberg q-value of p_value_vs_parents among the selected segments that have parents; combined, the Benjamini-Hochberg q-value of max(p_value, p_value_vs_parents). At or under hotspots.fdr when significant."),
      optional("p_value_outside_overlaps", DoubleType, "Explain-away re-test outside earlier hot-spots it overlaps; null when it overlaps none."),
      optional("strongest_parent", StringType, "The parent segment with the highest churn rate ('*' = whole population)."),
      optional("lift_vs_strongest_parent", DoubleType, "churn_rate / the strongest parent's churn rate."),
      optional("reference", StringType, "What the sentence and excess compare with: a reported parent hot-spot, or '*' (the baseline)."),
      optional("reference_rate", DoubleType, "The reference's churn rate."),
      optional("lift_vs_reference", DoubleType, "churn_rate / reference_rate."),
      optional("excess_churned", DoubleType, "churned - accounts * reference_rate."),
      optional("excess_churned_weight", DoubleType, "churned_weight - weight * reference weighted rate (weighted runs)."),
      optional("same_accounts_as", createArrayType(StringType), "Longer segments covering exactly the same accounts, reported as this one."),
      optional("previous_lift", DoubleType, "Lift in the previous run that reported it."),
      optional("lift_change", DoubleType, "lift - previous_lift."),
      required("sentence", StringType, "The finding in one sentence."),
      optional("distinct_ids", LongType, "Distinct ids (accounts) among the rows, with an id column (the nightly: account_id); "
          + "equal to accounts without one."),
      optional("design_effect", DoubleType, "How many rows one independent row is worth when rows share an id: the rate's "
          + "per-account (cluster-robust) variance over the binomial one, at least 1; the interval and tests use it.")),
      List.of(), "Churn hot-spots: statistically significant segments with excess churn, ranked by impact, run over run.");

  public static final TableSpec CHURN_HOTSPOT_MEMBERS = new TableSpec(ZONE, "churn_hotspot_members", schema(
      required("run_date", DateType, "The run."),
      optional("analysis", StringType, "churn_hotspots.analysis."),
      required("segment_key", StringType, "churn_hotspots.segment_key."),
      required("member_id", StringType, "The id (--id column) of a row in the hot-spot.")),
      List.of(), "Which accounts each reported hot-spot holds, for drill-down.");
}
