package io.churnscope.jobs.health;

import java.io.Serializable;

/**
 * One measure of a scorecard: its weight and where good and poor begin.
 *
 * <p>For a measure that improves as it grows, a value at or above {@code good} is good, below
 * {@code poor} is poor, anything between (poor inclusive) a warning; {@code poor < good}. For one
 * that worsens as it grows, at or below {@code good} is good, above {@code poor} is poor;
 * {@code good < poor}. A good value scores 100, a warning 50, a poor one 0.
 */
public record MeasureRule(HealthMeasure measure, double weight, double good, double poor) implements Serializable {
  public static final double GOOD_SCORE = 100;
  public static final double WARNING_SCORE = 50;
  public static final double POOR_SCORE = 0;

  public String band(double value) {
    if (measure.higherIsBetter()) {
      return value >= good ? "good" : value < poor ? "poor" : "warning";
    }
    return value <= good ? "good" : value > poor ? "poor" : "warning";
  }

  public double score(double value) {
    return switch (band(value)) {
      case "good" -> GOOD_SCORE;
      case "poor" -> POOR_SCORE;
      default -> WARNING_SCORE;
    };
  }

  /** Thresholds in the measure's direction: {@code poor < good} when more is better, else {@code good < poor}. */
  public boolean ordered() {
    return measure.higherIsBetter() ? poor < good : good < poor;
  }
}
