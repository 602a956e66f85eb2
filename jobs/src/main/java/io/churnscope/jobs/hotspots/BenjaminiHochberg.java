package io.churnscope.jobs.hotspots;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Benjamini–Hochberg false-discovery control over every segment tested. The q-value of a test is
 * the smallest FDR level at which it would be rejected, {@code min over j >= rank of p(j) · m / j}
 * (what R's {@code p.adjust(p, "BH")} returns); rejecting every q ≤ α keeps the expected share of
 * false findings among the findings at or below α (for independent or positively dependent tests).
 */
public final class BenjaminiHochberg {
  private BenjaminiHochberg() {}

  /** The q-values, in the order of {@code pValues}. */
  public static double[] qValues(double[] pValues) {
    int m = pValues.length;
    Integer[] order = IntStream.range(0, m).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> pValues[i]));
    double[] q = new double[m];
    double running = 1.0;
    for (int rank = m; rank >= 1; rank--) {
      int i = order[rank - 1];
      running = Math.min(running, pValues[i] * m / rank);
      q[i] = running;
    }
    return q;
  }
}
