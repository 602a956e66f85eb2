package io.churnscope.tools.bench;

import static org.apache.spark.sql.functions.col;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.jobs.engagement.EngagementSettings;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.schema.MartTables;
import io.churnscope.generator.BaselineSql;
import io.churnscope.jobs.hotspots.HotspotSettings;
import io.churnscope.jobs.hotspots.HotspotSpec;
import io.churnscope.jobs.hotspots.HotspotStage;
import io.churnscope.jobs.hotspots.NightlyHotspotSettings;
import io.churnscope.jobs.hotspots.Population;
import io.churnscope.jobs.hotspots.Segment;
import io.churnscope.jobs.hotspots.SegmentLattice;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;

/**
 * What a user would run instead on one machine: the same headline numbers in plain DuckDB SQL over
 * the same staged Parquet files (through the DuckDB catalog the nightly publishes), timed, and
 * checked against the marts Spark wrote — to the row and to the cent.
 */
public final class Baselines {
  /**
   * One metric side by side.
   *
   * @param sparkStages the nightly stages that produce the metric; their summed wall time is Spark's time
   * @param duckDbMs DuckDB's time to recompute the metric from the staged files
   * @param rows rows (accounts, months) compared
   * @param mismatches rows whose numbers differ (0 = the same numbers)
   */
  public record Comparison(String metric, List<String> sparkStages, long sparkMs, long duckDbMs, int rows, int mismatches,
      String firstMismatch) {
    double ratio() {
      return duckDbMs == 0 ? 0 : sparkMs / (double) duckDbMs;
    }
  }

  private Baselines() {}

  /**
   * @param catalogFile the DuckDB catalog the nightly's publish-catalog stage wrote
   * @param stageMs wall time of each stage of the measured nightly run
   */
  static List<Comparison> run(Path catalogFile, ChurnscopeConfig config, LocalDate runDate, Map<String, Long> stageMs)
      throws SQLException {
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement sql = db.createStatement()) {
      sql.execute("ATTACH '" + catalogFile.toString().replace("'", "''") + "' AS lake (READ_ONLY)");
      sql.execute("CREATE VIEW usage_events AS SELECT * FROM lake.staged.usage_events");
      sql.execute("CREATE VIEW versions AS SELECT * FROM lake.staged.subscription_versions");
      sql.execute("CREATE VIEW fx AS SELECT * FROM lake.staged.fx_rates");
      List<Comparison> out = new ArrayList<>();
      out.add(engagement(sql, config, runDate, stageMs));
      out.add(mrrMovements(sql, config, runDate, stageMs));
      return out;
    }
  }

  /** DAU, WAU, MAU and seats of every account on the run date. */
  private static Comparison engagement(Statement sql, ChurnscopeConfig config, LocalDate date, Map<String, Long> stageMs)
      throws SQLException {
    long started = System.nanoTime();
    Map<String, List<Long>> duck = new TreeMap<>();
    try (ResultSet rs = sql.executeQuery(BaselineSql.engagementWindows(date, EngagementSettings.from(config).passiveEvents(),
        EngagementSettings.from(config).mauWindowDays(), io.churnscope.jobs.subscriptions.LicensedSeats.products(config)))) {
      while (rs.next()) {
        duck.put(rs.getString(1), List.of(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
      }
    }
    long duckMs = (System.nanoTime() - started) / 1_000_000;
    Map<String, List<Long>> spark = new TreeMap<>();
    try (ResultSet rs = sql.executeQuery("SELECT account_id, dau, wau, mau, licensed_seats FROM lake.marts.account_engagement"
        + " WHERE snapshot_date = DATE '" + date + "' AND (mau > 0 OR licensed_seats > 0)")) {
      while (rs.next()) {
        spark.put(rs.getString(1), List.of(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
      }
    }
    return compare("DAU / WAU / MAU / seats per account on " + date, List.of("engagement-rollups", "account-engagement"),
        stageMs, duckMs, duck, spark);
  }

  /** Every month's MRR movement totals, in 1/10000 of the base currency. */
  private static Comparison mrrMovements(Statement sql, ChurnscopeConfig config, LocalDate date, Map<String, Long> stageMs)
      throws SQLException {
    long started = System.nanoTime();
    Map<String, List<Long>> duck = new TreeMap<>();
    try (ResultSet rs = sql.executeQuery(BaselineSql.mrrMonthTotals(date,
        io.churnscope.jobs.subscriptions.SubscriptionSettings.REACTIVATION_WINDOW_MONTHS.from(config)))) {
      while (rs.next()) {
        List<Long> units = new ArrayList<>();
        for (int i = 2; i <= MartTables.MRR_MOVEMENTS.size() + 1; i++) {
          units.add(rs.getLong(i));
        }
        duck.put(rs.getString(1), units);
      }
    }
    long duckMs = (System.nanoTime() - started) / 1_000_000;
    String sums = MartTables.MRR_MOVEMENTS.stream().map(f -> "sum(" + f.name() + ")").collect(Collectors.joining(", "));
    Map<String, List<Long>> spark = new TreeMap<>();
    try (ResultSet rs = sql.executeQuery("SELECT CAST(month AS VARCHAR), " + sums + " FROM lake.marts.mrr_ledger GROUP BY month")) {
      while (rs.next()) {
        List<Long> units = new ArrayList<>();
        for (int i = 2; i <= MartTables.MRR_MOVEMENTS.size() + 1; i++) {
          units.add(rs.getBigDecimal(i).movePointRight(4).setScale(0, java.math.RoundingMode.UNNECESSARY).longValueExact());
        }
        spark.put(rs.getString(1), units);
      }
    }
    return compare("MRR movement totals per month (" + MartTables.MRR_MOVEMENTS.stream().map(f -> f.name())
        .collect(Collectors.joining(", ")) + ")", List.of("mrr-ledger"), stageMs, duckMs, duck, spark);
  }

  /**
   * Level-2 hot-spot churn rates: accounts and churned renewals of every segment of one or two
   * dimension values at or above the support floor, in the established renewal pool of the run date.
   * The pool — each renewal with its account's conformed attributes at the look-back date — is
   * Spark's ({@link HotspotStage#population}), written once to {@code parquetDir}: its as-of logic has
   * no plain-SQL twin here. Both engines then aggregate that same file: Spark with the search's own
   * lattice walk (levels 1 and 2, {@link SegmentLattice}), DuckDB with one GROUP BY GROUPING SETS.
   */
  public static Comparison hotspotRates(SparkSession spark, Lake lake, ChurnscopeConfig config, LocalDate date,
      Path parquetDir) throws SQLException {
    NightlyHotspotSettings nightly = NightlyHotspotSettings.from(config);
    List<String> dimensions = nightly.dimensions();
    List<Column> columns = new ArrayList<>();
    dimensions.forEach(d -> columns.add(Population.column(d)));
    columns.add(col("churned"));
    HotspotStage.population(spark, RunContext.start(date, lake, config), nightly)
        .where(col("churn_kind").equalTo("established")).select(columns.toArray(Column[]::new))
        .write().mode("overwrite").parquet(parquetDir.toString());
    // One fixed floor for both levels, as the DuckDB query applies it (the detectable floor differs by level).
    HotspotSettings settings = HotspotSettings.from(config).withMaxOrder(2).withFloorLift(0);

    long started = System.nanoTime();
    Population.Prepared prepared = Population.prepare(spark.read().parquet(parquetDir.toString()),
        HotspotSpec.of(dimensions, "churned", settings));
    Map<String, List<Long>> sparkCounts = new TreeMap<>();
    SegmentLattice.explore(prepared.rows(), dimensions, settings).frequent().forEach((segment, counts) ->
        sparkCounts.put(segment.key(), List.of(counts.accounts(), counts.churned())));
    long sparkMs = (System.nanoTime() - started) / 1_000_000;

    started = System.nanoTime();
    Map<String, List<Long>> duck = new TreeMap<>();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement sql = db.createStatement()) {
      String file = parquetDir.resolve("*.parquet").toString().replace("'", "''");
      long total;
      try (ResultSet rs = sql.executeQuery("SELECT count(*) FROM read_parquet('" + file + "') WHERE churned IS NOT NULL")) {
        rs.next();
        total = rs.getLong(1);
      }
      try (ResultSet rs = sql.executeQuery(BaselineSql.levelTwoSegments(file, dimensions, settings.supportFloor(total)))) {
        while (rs.next()) {
          Map<String, String> values = new TreeMap<>();
          for (int i = 0; i < dimensions.size(); i++) {
            if (rs.getString(i + 1) != null) {
              values.put(dimensions.get(i), rs.getString(i + 1));
            }
          }
          duck.put(Segment.of(values).key(), List.of(rs.getLong(dimensions.size() + 1), rs.getLong(dimensions.size() + 2)));
        }
      }
    }
    long duckMs = (System.nanoTime() - started) / 1_000_000;
    String label = "churn-hotspots lattice, levels 1-2, on the same pool file";
    return compare("Level-2 hot-spot churn rates (accounts, churned) of the established renewal pool on " + date,
        List.of(label), Map.of(label, sparkMs), duckMs, duck, sparkCounts);
  }

  private static Comparison compare(String metric, List<String> stages, Map<String, Long> stageMs, long duckMs,
      Map<String, List<Long>> duck, Map<String, List<Long>> spark) {
    long sparkMs = stages.stream().mapToLong(s -> stageMs.getOrDefault(s, 0L)).sum();
    java.util.Set<String> keys = new java.util.TreeSet<>(duck.keySet());
    keys.addAll(spark.keySet());
    int mismatches = 0;
    String first = "";
    for (String key : keys) {
      if (!Objects.equals(duck.get(key), spark.get(key))) {
        if (mismatches++ == 0) {
          first = key + ": DuckDB " + duck.get(key) + " vs Spark " + spark.get(key);
        }
      }
    }
    return new Comparison(metric, stages, sparkMs, duckMs, keys.size(), mismatches, first);
  }
}
