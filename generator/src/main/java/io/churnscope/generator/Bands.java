package io.churnscope.generator;

/**
 * The bands the planted segments are written in, with the same definitions the cube uses
 * (DOMAIN §2): company size by employee count, and license utilization = active users / seats.
 */
final class Bands {
  private Bands() {}

  /** Employee counts below this are {@code small}. */
  static final int SMALL_BELOW = 50;
  /** Employee counts below this (and at least {@link #SMALL_BELOW}) are {@code medium}; the rest {@code large}. */
  static final int MEDIUM_BELOW = 500;

  /** Utilization (monthly active users / licensed seats) below this is {@code low}: an adoption problem. */
  static final double LOW_UTILIZATION_BELOW = 0.5;
  /** Below this (and at least {@link #LOW_UTILIZATION_BELOW}) is {@code medium}; the rest {@code high}. */
  static final double MEDIUM_UTILIZATION_BELOW = 0.8;

  static String sizeBand(int employeeCount) {
    if (employeeCount < SMALL_BELOW) {
      return "small";
    }
    return employeeCount < MEDIUM_BELOW ? "medium" : "large";
  }

  static String utilizationBand(double utilization) {
    if (utilization < LOW_UTILIZATION_BELOW) {
      return "low";
    }
    return utilization < MEDIUM_UTILIZATION_BELOW ? "medium" : "high";
  }
}
