package io.churnscope.common.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An independent engine for recomputing metrics in tests: DuckDB (JDBC, in memory) with a view per
 * Delta table over exactly the files of its current snapshot (from {@link DeltaSnapshotFiles}).
 */
public final class DuckDbReader implements AutoCloseable {
  private final Connection connection;

  public DuckDbReader() {
    try {
      Class.forName("org.duckdb.DuckDBDriver");
      connection = DriverManager.getConnection("jdbc:duckdb:");
    } catch (ClassNotFoundException | SQLException e) {
      throw new IllegalStateException("DuckDB JDBC is not available", e);
    }
  }

  /** Creates view {@code name} over the live files of the Delta table at {@code tablePath}. */
  public DuckDbReader deltaView(String name, String tablePath) {
    List<String> files = DeltaSnapshotFiles.of(tablePath);
    if (files.isEmpty()) {
      throw new IllegalStateException(tablePath + " has no live files");
    }
    String list = files.stream().map(f -> "'" + f.replace("'", "''") + "'").collect(Collectors.joining(", "));
    execute("CREATE OR REPLACE VIEW " + name + " AS SELECT * FROM read_parquet([" + list + "], hive_partitioning = true)");
    return this;
  }

  public void execute(String sql) {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** The rows of a query, each as a list of column values. */
  public List<List<Object>> query(String sql) {
    try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      List<List<Object>> rows = new ArrayList<>();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** A query returning one number. */
  public long scalarLong(String sql) {
    return ((Number) query(sql).get(0).get(0)).longValue();
  }

  public java.math.BigDecimal scalarDecimal(String sql) {
    Object value = query(sql).get(0).get(0);
    return value instanceof java.math.BigDecimal d ? d : new java.math.BigDecimal(String.valueOf(value));
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
