package io.churnscope.jobs.hotspots;

import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Exact counts of a level's candidate segments in a vertical layout, for a population with one row per
 * account and no weight (the standalone job on a wide table). Each partition keeps one bitset per
 * dimension value the candidates use (bit i: row i has that value) and one of its churned rows; a
 * segment's rows are the AND of its values' bitsets, counted by popcount — a few machine words per
 * thousand rows and candidate, where the row-wise tally ({@link SegmentLattice}) looks every row up once
 * per dimension set (at order 3 over 68 dimensions, some 50,000 sets).
 *
 * <p>Candidates are counted by their Apriori base, the frequent segment they extend by one value of a
 * later dimension: the base's AND (and its AND with the churned rows) is computed once, then each
 * extension costs one AND and popcount for its rows and one for its churned rows. Each partition returns
 * one array of counts, summed across partitions; no row leaves its task.
 */
final class VerticalCounts {
  /** The candidates by base: value indices of each base, and per base its extensions (value, candidate). */
  record Plan(List<String> columns, List<Map<String, Integer>> valueIndex, int values, int[][] bases,
      int[][] extensions) implements Serializable {}

  private VerticalCounts() {}

  /**
   * Rows and churned rows of every candidate (all of one order, each a frequent base plus one value
   * of a dimension after the base's last), those with at least {@code minAccounts} rows returned.
   * {@code rows} holds the prepared dimensions and {@link Population#CHURNED}.
   */
  static List<SegmentCounts> count(Dataset<Row> rows, List<Segment> candidates, long minAccounts) {
    Plan plan = plan(candidates);
    List<Column> selected = new ArrayList<>(plan.columns().stream().map(Population::column).toList());
    selected.add(col(Population.CHURNED));
    Broadcast<Plan> shared = JavaSparkContext.fromSparkContext(rows.sparkSession().sparkContext()).broadcast(plan);
    try {
      long[] sums = rows.select(selected.toArray(Column[]::new)).javaRDD()
          .mapPartitions(partition -> List.of(countPartition(partition, shared.value())).iterator())
          .treeReduce(VerticalCounts::plus);
      List<SegmentCounts> out = new ArrayList<>();
      for (int c = 0; c < candidates.size(); c++) {
        long accounts = sums[2 * c];
        long churned = sums[2 * c + 1];
        if (accounts >= minAccounts && accounts > 0) {
          // One row per account, weight 1: the weights are the counts and each row is its own cluster.
          out.add(new SegmentCounts(candidates.get(c), accounts, churned, accounts, churned,
              new ClusterSums(accounts, churned, churned, accounts)));
        }
      }
      return out;
    } finally {
      shared.destroy();
    }
  }

  /** Candidates grouped by base (all values but the last), as indices into one dictionary of values. */
  static Plan plan(List<Segment> candidates) {
    List<String> columns = new ArrayList<>(new TreeSet<>(candidates.stream()
        .flatMap(c -> c.values().keySet().stream()).toList()));
    List<Map<String, Integer>> valueIndex = new ArrayList<>();
    columns.forEach(c -> valueIndex.add(new HashMap<>()));
    int[] values = {0};
    Map<List<Integer>, List<int[]>> byBase = new LinkedHashMap<>();
    for (int c = 0; c < candidates.size(); c++) {
      List<Integer> indices = new ArrayList<>();
      candidates.get(c).values().forEach((dimension, value) ->
          indices.add(valueIndex.get(columns.indexOf(dimension)).computeIfAbsent(value, v -> values[0]++)));
      byBase.computeIfAbsent(List.copyOf(indices.subList(0, indices.size() - 1)), k -> new ArrayList<>())
          .add(new int[] {indices.get(indices.size() - 1), c});
    }
    int[][] bases = new int[byBase.size()][];
    int[][] extensions = new int[byBase.size()][];
    int b = 0;
    for (Map.Entry<List<Integer>, List<int[]>> e : byBase.entrySet()) {
      bases[b] = e.getKey().stream().mapToInt(Integer::intValue).toArray();
      extensions[b] = e.getValue().stream().flatMapToInt(java.util.Arrays::stream).toArray();
      b++;
    }
    return new Plan(columns, valueIndex, values[0], bases, extensions);
  }

  /** One partition's counts: [rows, churned] per candidate, by the candidate's index. */
  static long[] countPartition(Iterator<Row> partition, Plan plan) {
    BitSet[] bits = new BitSet[plan.values()];
    for (int v = 0; v < bits.length; v++) {
      bits[v] = new BitSet();
    }
    BitSet churnedRows = new BitSet();
    int columns = plan.columns().size();
    int n = 0;
    while (partition.hasNext()) {
      Row row = partition.next();
      for (int c = 0; c < columns; c++) {
        Integer v = plan.valueIndex().get(c).get(row.getString(c));
        if (v != null) {
          bits[v].set(n);
        }
      }
      if (row.getInt(columns) == 1) {
        churnedRows.set(n);
      }
      n++;
    }
    int words = (n + 63) / 64;
    long[][] vectors = new long[bits.length][];
    for (int v = 0; v < bits.length; v++) {
      vectors[v] = java.util.Arrays.copyOf(bits[v].toLongArray(), words);
    }
    long[] churned = java.util.Arrays.copyOf(churnedRows.toLongArray(), words);
    long[] out = new long[2 * candidateCount(plan)];
    long[] base = new long[words];
    long[] baseChurned = new long[words];
    for (int b = 0; b < plan.bases().length; b++) {
      int[] values = plan.bases()[b];
      long[] first = vectors[values[0]];
      long any = 0;
      for (int w = 0; w < words; w++) {
        long x = first[w];
        for (int k = 1; k < values.length; k++) {
          x &= vectors[values[k]][w];
        }
        base[w] = x;
        baseChurned[w] = x & churned[w];
        any |= x;
      }
      if (any == 0) {
        continue;
      }
      int[] extensions = plan.extensions()[b];
      for (int e = 0; e < extensions.length; e += 2) {
        long[] value = vectors[extensions[e]];
        long rows = 0;
        long churnedCount = 0;
        for (int w = 0; w < words; w++) {
          rows += Long.bitCount(base[w] & value[w]);
          churnedCount += Long.bitCount(baseChurned[w] & value[w]);
        }
        out[2 * extensions[e + 1]] = rows;
        out[2 * extensions[e + 1] + 1] = churnedCount;
      }
    }
    return out;
  }

  private static int candidateCount(Plan plan) {
    int count = 0;
    for (int[] extensions : plan.extensions()) {
      count += extensions.length / 2;
    }
    return count;
  }

  private static long[] plus(long[] a, long[] b) {
    long[] sum = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      sum[i] = a[i] + b[i];
    }
    return sum;
  }
}
