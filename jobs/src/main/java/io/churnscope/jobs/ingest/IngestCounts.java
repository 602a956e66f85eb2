package io.churnscope.jobs.ingest;

import io.churnscope.common.UserError;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Records in, published and quarantined for one batch, with the quarantine broken down by reason.
 * Counted from the classified batch itself, so in = out + quarantined holds by construction and the
 * end-to-end test checks it against the raw files independently.
 */
public record IngestCounts(long in, long out, long quarantined, Map<String, Long> byReason) {
  public static IngestCounts of(Dataset<Row> classified) {
    Map<String, Long> byReason = new TreeMap<>();
    long out = 0;
    for (Row row : classified.groupBy(Check.REASON).count().collectAsList()) {
      if (row.isNullAt(0)) {
        out = row.getLong(1);
      } else {
        byReason.put(row.getString(0), row.getLong(1));
      }
    }
    long quarantined = byReason.values().stream().mapToLong(Long::longValue).sum();
    return new IngestCounts(out + quarantined, out, quarantined, byReason);
  }

  /**
   * Fails the stage, before anything of the batch is published, when more than
   * {@code quality.max-quarantine-share} of the source's records were rejected: a delivery that
   * is mostly bad (a changed export format, a broken producer) must stop the run, not quietly
   * fill the quarantine. A share is judged only when it is evidence: the batch fails if its bad
   * count would be unlikely (one-sided binomial tail below {@link #SIGNIFICANCE}) were the source's
   * true bad share exactly the maximum. So 1 bad record of 5 (20 %, but 23 % likely at a 5 %
   * rate) passes, 2 of 3 fail, and on thousands of records this is the plain threshold. The failure
   * is a {@link UserError}: one line, exit status 2, like a bad file (the delivery must be fixed).
   */
  public void enforceQuarantineShare(String source, io.churnscope.common.config.ChurnscopeConfig config) {
    enforceQuarantineShare(source, config, null);
  }

  /** As above; the message also names the files most of the rejected records of {@code classified} came from. */
  public void enforceQuarantineShare(String source, io.churnscope.common.config.ChurnscopeConfig config,
      Dataset<Row> classified) {
    double max = QualitySettings.MAX_QUARANTINE_SHARE.from(config);
    if (exceedsShare(max)) {
      throw new UserError(String.format(
          "%s: %d of %d records (%.1f %%) failed their checks, more than quality.max-quarantine-share = %.1f %%; "
              + "nothing of this batch was published. Reasons: %s", source, quarantined, in, 100.0 * quarantined / in,
          100.0 * max, byReason) + (classified == null ? "" : ". " + worstFiles(classified)));
    }
  }

  /** The (at most three) files holding most of a batch's rejected records: where to look first. */
  static String worstFiles(Dataset<Row> classified) {
    List<String> files = classified.where(Check.isGood().unary_$bang()).groupBy("source_file").count()
        .orderBy(functions.desc("count"), functions.asc("source_file")).limit(3).collectAsList().stream()
        .map(row -> row.getString(0) + " (" + row.getLong(1) + ")").toList();
    return "Most in " + String.join(", ", files);
  }

  /** How unlikely a bad count must be at the maximum share before a batch fails. */
  static final double SIGNIFICANCE = 0.01;

  boolean exceedsShare(double max) {
    if (in == 0 || (double) quarantined / in <= max) {
      return false;
    }
    if (max <= 0) {
      return true;
    }
    // P(X >= quarantined) for X ~ Binomial(in, max).
    double tail = 1 - new org.apache.commons.math3.distribution.BinomialDistribution(null, (int) Math.min(in, Integer.MAX_VALUE), max)
        .cumulativeProbability((int) quarantined - 1);
    return tail < SIGNIFICANCE;
  }

  public String describe(String source) {
    return source + ": " + in + " in, " + out + " staged, " + quarantined + " quarantined"
        + (byReason.isEmpty() ? "" : " " + byReason);
  }
}
