package io.churnscope.jobs.hotspots;

import java.util.Locale;

/**
 * The sentence a customer-success lead reads, e.g. "Churn in channel=reseller × country=US is 31 %
 * (n=412, 95 % CI 27–36 %), 2.1× the baseline of 12 %: 80 more churned accounts than at that rate."
 */
public final class Sentences {
  private Sentences() {}

  /** @param weight the weight column's name, or null when unweighted */
  public static String of(Hotspot h, SegmentCounts all, String weight) {
    ScoredSegment s = h.scored();
    StringBuilder out = new StringBuilder();
    out.append("Churn in ").append(s.segment().label()).append(" is ").append(percent(s.rate()))
        .append(" (n=").append(String.format(Locale.ROOT, "%,d", s.counts().accounts()))
        .append(", 95 % CI ").append(percentNumber(s.ciLow())).append('–').append(percent(s.ciHigh())).append("), ")
        .append(times(h.liftVsReference()));
    if (h.referenceIsBaseline()) {
      out.append(" the baseline of ").append(percent(all.rate()));
    } else {
      out.append(" the ").append(h.reference().segment().label()).append(" average of ").append(percent(h.reference().rate()))
          .append(" (").append(times(s.lift())).append(" the baseline of ").append(percent(all.rate())).append(')');
    }
    out.append(": ").append(String.format(Locale.ROOT, "%,.0f", h.excessChurned()))
        .append(" more churned accounts than at that rate");
    if (weight != null) {
      out.append(", ").append(String.format(Locale.ROOT, "%,.0f", h.excessChurnedWeight())).append(" more churned ")
          .append(weight);
    }
    return out.append('.').toString();
  }

  static String percent(double rate) {
    return percentNumber(rate) + " %";
  }

  static String percentNumber(double rate) {
    double pct = rate * 100;
    return pct < 10 && pct > 0 ? String.format(Locale.ROOT, "%.1f", pct) : String.format(Locale.ROOT, "%.0f", pct);
  }

  static String times(double lift) {
    return (lift < 2 ? String.format(Locale.ROOT, "%.2f", lift) : String.format(Locale.ROOT, "%.1f", lift)) + "×";
  }
}
