package io.churnscope.jobs.hotspots;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Apriori walk over the lattice of dimension-value combinations, one Spark aggregation per level.
 *
 * <p>Level 1 counts every value of every dimension (and the whole population, in the same job).
 * Level k's candidates are built on the driver from the frequent segments of level k-1 — a
 * combination is a candidate only if every one of its k sub-combinations of k-1 values met the
 * minimum support — and counted in one job: each row is exploded into (dimension set, its values)
 * over the candidates' dimension sets and aggregated by both, the map side first. Only the frequent
 * segments (a small set, bounded by the support floor: at most population / floor per dimension set)
 * come back to the driver.
 */
public final class SegmentLattice {
  /** What the walk found: the whole population, every frequent segment, and a line per level. */
  public record Result(SegmentCounts all, Map<Segment, SegmentCounts> frequent, List<String> levels) {
    /** The same walk seen without its weight: each segment's weight is its rows, its churned weight its churned. */
    Result counted() {
      Map<Segment, SegmentCounts> byCount = new LinkedHashMap<>();
      frequent.forEach((segment, c) -> byCount.put(segment, byCount(c)));
      return new Result(byCount(all), byCount, levels);
    }

    private static SegmentCounts byCount(SegmentCounts c) {
      return new SegmentCounts(c.segment(), c.accounts(), c.churned(), c.accounts(), c.churned());
    }
  }

  private SegmentLattice() {}

  public static Result explore(Dataset<Row> rows, List<String> dimensions, HotspotSettings settings) {
    SparkSession spark = rows.sparkSession();
    List<String> log = new ArrayList<>();
    List<SegmentCounts> level1 = countLevel(rows, singleDimensionSets(dimensions), 0);
    SegmentCounts all = level1.stream().filter(c -> c.segment().order() == 0).findFirst().orElseThrow();
    long floor = settings.supportFloor(all.accounts());

    Map<Segment, SegmentCounts> frequent = new LinkedHashMap<>();
    List<Segment> singles = new ArrayList<>();
    for (SegmentCounts c : level1) {
      if (c.segment().order() == 1 && c.accounts() >= floor) {
        frequent.put(c.segment(), c);
        singles.add(c.segment());
      }
    }
    log.add(String.format("level 1: %d values, %d frequent (support floor %d accounts)", level1.size() - 1,
        singles.size(), floor));

    List<Segment> previous = singles;
    for (int order = 2; order <= settings.maxOrder() && !previous.isEmpty(); order++) {
      List<Segment> candidates = candidates(previous, singles, frequent.keySet());
      if (candidates.isEmpty()) {
        log.add("level " + order + ": no candidates");
        break;
      }
      spark.sparkContext().setJobDescription("hotspots: count " + candidates.size() + " order-" + order + " segments");
      List<Segment> found = new ArrayList<>();
      Set<Segment> candidateSet = new HashSet<>(candidates);
      for (SegmentCounts c : countLevel(rows, dimensionSets(candidates), floor)) {
        if (candidateSet.contains(c.segment())) {
          frequent.put(c.segment(), c);
          found.add(c.segment());
        }
      }
      log.add(String.format("level %d: %d candidates, %d frequent", order, candidates.size(), found.size()));
      previous = found;
    }
    spark.sparkContext().setJobDescription(null);
    return new Result(all, frequent, log);
  }

  /**
   * Apriori candidates of the next order: a frequent segment extended by a frequent single value of
   * a later dimension (so each combination is made once), kept only when all its parents are frequent.
   */
  static List<Segment> candidates(List<Segment> previous, List<Segment> singles, Set<Segment> frequent) {
    List<Segment> out = new ArrayList<>();
    for (Segment base : previous) {
      String last = base.values().lastKey();
      for (Segment single : singles) {
        String dimension = single.values().firstKey();
        if (dimension.compareTo(last) <= 0) {
          continue;
        }
        Segment candidate = base.with(dimension, single.values().get(dimension));
        if (frequent.containsAll(candidate.parents())) {
          out.add(candidate);
        }
      }
    }
    return out;
  }

  private static List<List<String>> singleDimensionSets(List<String> dimensions) {
    List<List<String>> sets = new ArrayList<>();
    sets.add(List.of()); // the whole population, counted in the same job
    new TreeSet<>(dimensions).forEach(d -> sets.add(List.of(d)));
    return sets;
  }

  private static List<List<String>> dimensionSets(List<Segment> candidates) {
    Set<List<String>> sets = new LinkedHashSet<>();
    candidates.forEach(c -> sets.add(List.copyOf(c.values().keySet())));
    return new ArrayList<>(sets);
  }

  /**
   * Dimension sets per explode: Spark generates one Java method for an explode's whole array, and
   * the 455 sets of a 15-dimension level 3 exceed the JVM's 64 KB method limit (Spark then falls
   * back to interpreted code, logging a compile error). Chunks of this many sets, unioned, stay well under.
   */
  static final int SETS_PER_EXPLODE = 64;

  /**
   * One aggregation: every row contributes to its segment over each dimension set, grouped by the
   * set's index and the row's values (no key strings are built per row: the map side aggregates
   * first, so the shuffle carries at most one row per segment and partition). Only segments with at
   * least {@code minAccounts} rows come back to the driver: by monotonicity (a segment never has more
   * rows than its parents) a frequent segment of a candidate's dimension set has frequent parents.
   */
  private static List<SegmentCounts> countLevel(Dataset<Row> rows, List<List<String>> dimensionSets, long minAccounts) {
    Dataset<Row> exploded = null;
    for (int from = 0; from < dimensionSets.size(); from += SETS_PER_EXPLODE) {
      Dataset<Row> chunk = explodeIntoSets(rows, dimensionSets.subList(from, Math.min(dimensionSets.size(), from + SETS_PER_EXPLODE)), from);
      exploded = exploded == null ? chunk : exploded.unionAll(chunk);
    }
    List<Row> counted = exploded.groupBy("set_id", "vals")
        .agg(count(lit(1)).as("accounts"), sum(Population.CHURNED).as("churned"), sum(Population.WEIGHT).as("weight"),
            sum(col(Population.WEIGHT).multiply(col(Population.CHURNED))).as("churned_weight"))
        .where(col("accounts").geq(minAccounts))
        .collectAsList();
    List<SegmentCounts> out = new ArrayList<>();
    for (Row r : counted) {
      Segment segment = Segment.of(dimensionSets.get(r.getInt(0)), r.getList(1));
      out.add(new SegmentCounts(segment, r.getLong(2), r.getLong(3), r.getDouble(4), r.getDouble(5)));
    }
    return out;
  }

  /** Each row once per dimension set: the set's index (from {@code firstIndex}), its values, outcome and weight. */
  private static Dataset<Row> explodeIntoSets(Dataset<Row> rows, List<List<String>> dimensionSets, int firstIndex) {
    List<Column> elements = new ArrayList<>();
    for (int i = 0; i < dimensionSets.size(); i++) {
      List<String> set = dimensionSets.get(i);
      Column values = set.isEmpty() ? array().cast("array<string>")
          : array(set.stream().map(Population::column).toArray(Column[]::new));
      elements.add(struct(lit(firstIndex + i).as("set_id"), values.as("vals")));
    }
    return rows
        .select(explode(array(elements.toArray(Column[]::new))).as("s"), col(Population.CHURNED), col(Population.WEIGHT))
        .select(col("s.set_id").as("set_id"), col("s.vals").as("vals"), col(Population.CHURNED), col(Population.WEIGHT));
  }
}
