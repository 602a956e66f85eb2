package io.churnscope.jobs.bench;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.schema.MartTables;
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

/**
 * What a user would run instead on one machine: the same headline numbers in plain DuckDB SQL over
 * the same staged Parquet files (through the DuckDB catalog the nightly publishes), timed, and
 * checked against the marts Spark wrote — to the row and to the cent.
 */
final class Baselines {
  /**
   * One metric side by side.
   *
   * @param sparkStages the nightly stages that produce the metric; their summed wall time is Spark's time
   * @param duckDbMs DuckDB's time to recompute the metric from the staged files
   * @param rows rows (accounts, months) compared
   * @param mismatches rows whose numbers differ (0 = the same numbers)
   */
  record Comparison(String metric, List<String> sparkStages, long sparkMs, long duckDbMs, int rows, int mismatches,
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
    try (ResultSet rs = sql.executeQuery(BaselineSql.engagementWindows(date, config.strings("engagement.passive-events"),
        config.integer("engagement.mau-window-days"), io.churnscope.jobs.subscriptions.LicensedSeats.products(config)))) {
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
        config.integer("subscriptions.reactivation-window-months")))) {
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
