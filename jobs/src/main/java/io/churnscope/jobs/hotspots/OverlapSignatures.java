package io.churnscope.jobs.hotspots;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.col;
import org.apache.spark.sql.functions;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.churnscope.common.spark.JobDescription;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How the candidate hot-spots overlap, in one Spark job: the rows grouped by the set of candidates
 * they belong to (their signature), with counts. The explain-away walk then re-tests any candidate
 * outside any union of the others exactly, on the driver, without another pass over the rows.
 *
 * <p>There are at most as many signatures as distinct combinations of the candidates' dimension
 * values (and at most 2^candidates), whatever the number of rows; {@link #MAX_SIGNATURES} guards it.
 */
public final class OverlapSignatures {
  static final int MAX_SIGNATURES = 1_000_000;

  /** The rows that belong to exactly the candidates {@code members} (indices into the candidate list). */
  public record Signature(int[] members, long accounts, long churned) {}

  private OverlapSignatures() {}

  public static List<Signature> of(Dataset<Row> rows, List<Segment> candidates) {
    Column[] membership = new Column[candidates.size()];
    for (int i = 0; i < candidates.size(); i++) {
      membership[i] = when(candidates.get(i).filter(), lit(i));
    }
    Column signature = candidates.isEmpty() ? array().cast("array<int>") : array_compact(array(membership));
    List<Row> grouped;
    try (JobDescription label = JobDescription.set(rows.sparkSession(),
        "hotspots: overlaps of " + candidates.size() + " candidates")) {
      grouped = rows.select(signature.as("signature"), col(Population.CHURNED))
          .groupBy("signature")
          .agg(functions.count(lit(1)).as("accounts"), sum(Population.CHURNED).as("churned"))
          .limit(MAX_SIGNATURES + 1)
          .collectAsList();
    }
    if (grouped.size() > MAX_SIGNATURES) {
      throw new IllegalStateException("more than " + MAX_SIGNATURES + " overlap signatures: lower hotspots.max-candidates");
    }
    List<Signature> out = new ArrayList<>();
    for (Row r : grouped) {
      List<Integer> members = r.getList(0);
      out.add(new Signature(members.stream().mapToInt(Integer::intValue).toArray(), r.getLong(1), r.getLong(2)));
    }
    return out;
  }
}
