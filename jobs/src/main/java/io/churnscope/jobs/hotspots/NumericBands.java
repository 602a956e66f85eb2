package io.churnscope.jobs.hotspots;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Quantile bands for numeric dimensions, named by their bounds so the output says what they are:
 * tenure cut in 4 becomes {@code [0, 9)}, {@code [9, 29)}, {@code [29, 55)}, {@code [55, 72]}. The
 * cut points are approximate quantiles (relative error 0.1 %), all columns in one Spark job; equal
 * cut points (a skewed column) merge, so a band is never empty by construction.
 */
public final class NumericBands {
  private static final double RELATIVE_ERROR = 0.001;

  /** The lower bound of each band (the first is the minimum) and the maximum. */
  public record Bands(List<Double> lowerBounds, double max) {
    public List<String> labels() {
      List<String> labels = new ArrayList<>();
      for (int i = 0; i < lowerBounds.size(); i++) {
        boolean last = i == lowerBounds.size() - 1;
        labels.add("[" + format(lowerBounds.get(i)) + ", " + (last ? format(max) + "]" : format(lowerBounds.get(i + 1)) + ")"));
      }
      return labels;
    }

    /** The band label of each value; null stays null. */
    public Column label(Column value) {
      List<String> labels = labels();
      Column numeric = value.cast("double");
      Column out = null;
      for (int i = 0; i < lowerBounds.size() - 1; i++) {
        Column upper = numeric.lt(lit(lowerBounds.get(i + 1)));
        out = out == null ? when(upper, labels.get(i)) : out.when(upper, labels.get(i));
      }
      String top = labels.get(labels.size() - 1);
      return out == null ? when(numeric.isNotNull(), top) : out.when(numeric.isNotNull(), top);
    }
  }

  private NumericBands() {}

  public static Map<String, Bands> fit(Dataset<Row> input, List<String> columns, int bins) {
    Map<String, Bands> bands = new LinkedHashMap<>();
    if (columns.isEmpty()) {
      return bands;
    }
    double[] probabilities = new double[bins + 1];
    for (int i = 0; i <= bins; i++) {
      probabilities[i] = (double) i / bins;
    }
    Dataset<Row> numeric = input.select(columns.stream()
        .map(c -> Population.column(c).cast("double").as(c)).toArray(Column[]::new));
    double[][] quantiles = numeric.stat().approxQuantile(columns.toArray(String[]::new), probabilities, RELATIVE_ERROR);
    for (int c = 0; c < columns.size(); c++) {
      double[] q = quantiles[c];
      if (q.length == 0) {
        continue; // all null: the column stays a dimension whose only value is (missing)
      }
      TreeSet<Double> bounds = new TreeSet<>();
      for (int i = 0; i < bins; i++) {
        bounds.add(q[i]);
      }
      bands.put(columns.get(c), new Bands(new ArrayList<>(bounds), Math.max(q[bins], bounds.last())));
    }
    return bands;
  }

  static String format(double value) {
    return new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros().toPlainString();
  }
}
