package io.churnscope.generator;

import java.util.SplittableRandom;

/** The few distributions the generator draws from, on a caller-supplied deterministic random. */
final class Draws {
  private Draws() {}

  /** Index drawn with the given (not necessarily normalized) weights. */
  static int weighted(SplittableRandom r, double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double u = r.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  static <T> T pick(SplittableRandom r, T[] values) {
    return values[r.nextInt(values.length)];
  }

  /** Pareto with minimum 1 and shape alpha: the power law of user activity. */
  static double pareto(SplittableRandom r, double alpha) {
    return Math.pow(1.0 - r.nextDouble(), -1.0 / alpha);
  }

  /** Poisson by inversion (means here are small). */
  static int poisson(SplittableRandom r, double mean) {
    if (mean <= 0) {
      return 0;
    }
    if (mean > 30) {
      return Math.max(0, (int) Math.round(mean + Math.sqrt(mean) * gaussian(r)));
    }
    double limit = Math.exp(-mean);
    double p = r.nextDouble();
    int k = 0;
    while (p > limit) {
      p *= r.nextDouble();
      k++;
    }
    return k;
  }

  static double gaussian(SplittableRandom r) {
    double u = 1.0 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  static double exponential(SplittableRandom r, double mean) {
    return -mean * Math.log(1.0 - r.nextDouble());
  }

  static int between(SplittableRandom r, int lowInclusive, int highInclusive) {
    return lowInclusive + r.nextInt(highInclusive - lowInclusive + 1);
  }
}
