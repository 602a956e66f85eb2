package io.churnscope.jobs.hotspots;

import static org.apache.spark.sql.functions.col;

import io.churnscope.common.spark.JobDescription;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
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
import scala.Tuple2;

/**
 * The Apriori walk over the lattice of dimension-value combinations, one Spark aggregation per level.
 *
 * <p>Level 1 counts every value of every dimension (and the whole population, in the same job).
 * Level k's candidates are built on the driver from the frequent segments of level k-1 — a
 * combination is a candidate only if every one of its k sub-combinations of k-1 values met the
 * minimum support — and counted in one job: each partition tallies its rows by (dimension set, values)
 * over the candidates' dimension sets, and the tallies are summed across partitions. Only the frequent
 * segments (a small set, bounded by the support floor: at most population / floor per dimension set)
 * come back to the driver.
 *
 * <p>The support floor ({@link HotspotSettings#supportFloor(long, double, long)}) is set again before each
 * level from the number of tests so far and the level's candidates; it only grows, so a frequent
 * segment's parents always met the floor of their own level.
 */
public final class SegmentLattice {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SegmentLattice.class);

  /** What the walk found: the whole population, every frequent segment, and a line per level. */
  public record Result(SegmentCounts all, Map<Segment, SegmentCounts> frequent, List<String> levels) {
    /** The same walk seen without its weight: each segment's weight is its rows, its churned weight its churned. */
    Result counted() {
      Map<Segment, SegmentCounts> byCount = new LinkedHashMap<>();
      frequent.forEach((segment, c) -> byCount.put(segment, byCount(c)));
      return new Result(byCount(all), byCount, levels);
    }

    private static SegmentCounts byCount(SegmentCounts c) {
      return new SegmentCounts(c.segment(), c.accounts(), c.churned(), c.accounts(), c.churned(), c.clusters());
    }
  }

  private SegmentLattice() {}

  public static Result explore(Dataset<Row> rows, List<String> dimensions, HotspotSettings settings) {
    return explore(rows, dimensions, null, settings);
  }

  /**
   * @param idColumn the column whose equal values are one cluster (an account), or null: every row its
   *     own. With an id, the rows must come clustered: all of an id's rows in one partition, next to
   *     each other ({@link Population#prepare} arranges it).
   */
  public static Result explore(Dataset<Row> rows, List<String> dimensions, String idColumn, HotspotSettings settings) {
    return explore(rows, dimensions, idColumn, true, settings);
  }

  /**
   * @param weighted whether the rows carry a weight other than 1; without one and without an id, levels
   *     2 and up are counted in a vertical layout ({@link VerticalCounts}), with the same counts
   */
  public static Result explore(Dataset<Row> rows, List<String> dimensions, String idColumn, boolean weighted,
      HotspotSettings settings) {
    SparkSession spark = rows.sparkSession();
    boolean vertical = idColumn == null && !weighted;
    long started = System.nanoTime();
    List<String> log = new ArrayList<>();
    List<SegmentCounts> level1 = countLevel(rows, singleDimensionSets(dimensions), idColumn, 0);
    SegmentCounts all = level1.stream().filter(c -> c.segment().order() == 0).findFirst().orElseThrow();
    long tests = level1.size() - 1;
    long floor = settings.supportFloor(all.accounts(), all.rate(), tests);

    Map<Segment, SegmentCounts> frequent = new LinkedHashMap<>();
    List<Segment> singles = new ArrayList<>();
    for (SegmentCounts c : level1) {
      if (c.segment().order() == 1 && c.accounts() >= floor) {
        frequent.put(c.segment(), c);
        singles.add(c.segment());
      }
    }
    log.add(progress(String.format("level 1: %d values, %d frequent (support floor %d accounts)", tests, singles.size(),
        floor), started));

    List<Segment> previous = singles;
    for (int order = 2; order <= settings.maxOrder() && !previous.isEmpty(); order++) {
      List<Segment> candidates = candidates(previous, singles, frequent.keySet());
      if (candidates.isEmpty()) {
        log.add("level " + order + ": no candidates");
        break;
      }
      // This level's floor: the tests so far and this level's candidates (an upper bound on its tests).
      floor = Math.max(floor, settings.supportFloor(all.accounts(), all.rate(), frequent.size() + candidates.size()));
      List<Segment> found = new ArrayList<>();
      Set<Segment> candidateSet = new HashSet<>(candidates);
      try (JobDescription label = JobDescription.set(spark,
          "hotspots: count " + candidates.size() + " order-" + order + " segments")) {
        List<SegmentCounts> counted = vertical ? VerticalCounts.count(rows, candidates, floor)
            : countLevel(rows, dimensionSets(candidates), idColumn, floor);
        for (SegmentCounts c : counted) {
          if (candidateSet.contains(c.segment())) {
            frequent.put(c.segment(), c);
            found.add(c.segment());
          }
        }
      }
      log.add(progress(String.format("level %d: %d candidates, %d frequent (support floor %d accounts)", order,
          candidates.size(), found.size(), floor), started));
      previous = found;
    }
    return new Result(all, frequent, log);
  }

  /** A level's line with the search's time so far, logged as the level finishes (a long search shows progress). */
  private static String progress(String line, long started) {
    String timed = String.format("%s, %.1f s", line, (System.nanoTime() - started) / 1e9);
    LOG.info("hot-spot lattice {}", timed);
    return timed;
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
   * One pass over the rows: each partition tallies every row into its segment over each dimension
   * set in a hash map (at most one entry per segment and partition leaves the task), the tallies are
   * summed by segment across partitions, and only segments with at least {@code minAccounts} rows come
   * back to the driver: by monotonicity (a segment never has more rows than its parents) a frequent
   * segment of a candidate's dimension set has frequent parents.
   *
   * <p>Plain code over the rows rather than a SQL explode: an explode over the 455 dimension sets of a
   * 15-dimension level 3 cost Spark seconds of planning and code generation per level (read from the
   * event log: more than the counting itself), the same on 5,000 accounts as on 50,000.
   */
  private static List<SegmentCounts> countLevel(Dataset<Row> rows, List<List<String>> dimensionSets, String idColumn,
      long minAccounts) {
    List<String> columns = new ArrayList<>(new TreeSet<>(dimensionSets.stream().flatMap(List::stream).toList()));
    int[][] setColumns = dimensionSets.stream()
        .map(set -> set.stream().mapToInt(columns::indexOf).toArray())
        .toArray(int[][]::new);
    List<Column> selected = new ArrayList<>(columns.stream().map(Population::column).toList());
    selected.add(col(Population.CHURNED));
    selected.add(col(Population.WEIGHT));
    if (idColumn != null) {
      selected.add(Population.column(idColumn));
    }
    boolean clustered = idColumn != null;
    List<Tuple2<List<String>, Tally>> counted = rows.select(selected.toArray(Column[]::new)).javaRDD()
        .mapPartitionsToPair(partition -> tallyPartition(partition, setColumns, columns.size(), clustered))
        .reduceByKey(Tally::plus)
        .filter(segment -> segment._2().accounts >= minAccounts)
        .collect();
    List<SegmentCounts> out = new ArrayList<>();
    for (Tuple2<List<String>, Tally> c : counted) {
      List<String> key = c._1();
      Segment segment = Segment.of(dimensionSets.get(Integer.parseInt(key.get(0))), key.subList(1, key.size()));
      Tally t = c._2();
      out.add(new SegmentCounts(segment, t.accounts, t.churned, t.weight, t.churnedWeight,
          new ClusterSums(t.clusters, t.churnedSquares, t.churnedTimesRows, t.rowSquares)));
    }
    return out;
  }

  /**
   * A partition's rows tallied by segment. The key is the dimension set's index followed by the row's
   * values over it (a plain list: equal by content, serializable by any Spark serializer).
   *
   * <p>{@code clustered}: the row's last column is its id, and an id's rows arrive together; each
   * id's rows and churned rows per segment are gathered until the id changes, then added to the
   * segment's per-id sums ({@link ClusterSums}). A row without an id is its own cluster.
   */
  private static Iterator<Tuple2<List<String>, Tally>> tallyPartition(Iterator<Row> partition, int[][] setColumns,
      int columnCount, boolean clustered) {
    if (!clustered && java.util.Arrays.stream(setColumns).allMatch(set -> set.length <= 1)) {
      return tallySingles(partition, setColumns, columnCount);
    }
    Map<List<String>, Tally> tallies = new HashMap<>();
    Map<List<String>, long[]> currentId = new HashMap<>();
    String current = null;
    String[] setIds = new String[setColumns.length];
    for (int s = 0; s < setColumns.length; s++) {
      setIds[s] = Integer.toString(s);
    }
    while (partition.hasNext()) {
      Row row = partition.next();
      int churned = row.getInt(columnCount);
      double weight = row.getDouble(columnCount + 1);
      String id = clustered ? row.getString(columnCount + 2) : null;
      if (id == null || !id.equals(current)) {
        closeCluster(currentId, tallies);
        current = id;
      }
      for (int s = 0; s < setColumns.length; s++) {
        int[] set = setColumns[s];
        List<String> key = new ArrayList<>(set.length + 1);
        key.add(setIds[s]);
        for (int column : set) {
          key.add(row.getString(column));
        }
        Tally tally = tallies.computeIfAbsent(key, k -> new Tally());
        tally.add(churned, weight);
        if (id == null) {
          tally.addCluster(1, churned);
        } else {
          long[] cell = currentId.computeIfAbsent(key, k -> new long[2]);
          cell[0]++;
          cell[1] += churned;
        }
      }
    }
    closeCluster(currentId, tallies);
    return tallies.entrySet().stream().map(e -> new Tuple2<>(e.getKey(), e.getValue())).iterator();
  }

  /**
   * {@link #tallyPartition} for level 1 without ids: each dimension set is one column (or none: the whole
   * population), so each set keeps its own map by value and no key list is built per row and set
   * (2,458,285 rows × 68 dimensions: 170 million of them).
   */
  private static Iterator<Tuple2<List<String>, Tally>> tallySingles(Iterator<Row> partition, int[][] setColumns,
      int columnCount) {
    List<Map<String, Tally>> bySet = new ArrayList<>();
    for (int s = 0; s < setColumns.length; s++) {
      bySet.add(new HashMap<>());
    }
    while (partition.hasNext()) {
      Row row = partition.next();
      int churned = row.getInt(columnCount);
      double weight = row.getDouble(columnCount + 1);
      for (int s = 0; s < setColumns.length; s++) {
        String value = setColumns[s].length == 0 ? "" : row.getString(setColumns[s][0]);
        Tally tally = bySet.get(s).computeIfAbsent(value, v -> new Tally());
        tally.add(churned, weight);
        tally.addCluster(1, churned);
      }
    }
    List<Tuple2<List<String>, Tally>> out = new ArrayList<>();
    for (int s = 0; s < setColumns.length; s++) {
      String setId = Integer.toString(s);
      boolean whole = setColumns[s].length == 0;
      bySet.get(s).forEach((value, tally) -> {
        List<String> key = new ArrayList<>(2);
        key.add(setId);
        if (!whole) {
          key.add(value);
        }
        out.add(new Tuple2<>(key, tally));
      });
    }
    return out.iterator();
  }

  /** One id's rows and churned rows per segment into the segments' per-id sums; empties the map. */
  private static void closeCluster(Map<List<String>, long[]> cluster, Map<List<String>, Tally> tallies) {
    cluster.forEach((key, cell) -> tallies.get(key).addCluster(cell[0], cell[1]));
    cluster.clear();
  }

  /** A segment's rows, churned rows, weight and churned weight, and its per-id sums ({@link ClusterSums}). */
  static final class Tally implements Serializable {
    private static final long serialVersionUID = 2L;
    long accounts;
    long churned;
    double weight;
    double churnedWeight;
    long clusters;
    double churnedSquares;
    double churnedTimesRows;
    double rowSquares;

    void add(int isChurned, double rowWeight) {
      accounts++;
      churned += isChurned;
      weight += rowWeight;
      churnedWeight += rowWeight * isChurned;
    }

    void addCluster(long rows, long churnedRows) {
      clusters++;
      churnedSquares += (double) churnedRows * churnedRows;
      churnedTimesRows += (double) churnedRows * rows;
      rowSquares += (double) rows * rows;
    }

    Tally plus(Tally other) {
      Tally sum = new Tally();
      sum.accounts = accounts + other.accounts;
      sum.churned = churned + other.churned;
      sum.weight = weight + other.weight;
      sum.churnedWeight = churnedWeight + other.churnedWeight;
      sum.clusters = clusters + other.clusters;
      sum.churnedSquares = churnedSquares + other.churnedSquares;
      sum.churnedTimesRows = churnedTimesRows + other.churnedTimesRows;
      sum.rowSquares = rowSquares + other.rowSquares;
      return sum;
    }
  }
}
