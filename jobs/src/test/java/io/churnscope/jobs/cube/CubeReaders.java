package io.churnscope.jobs.cube;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads the published cube without Spark, in a JVM of its own (run by {@link CubeStageTest}): the
 * DuckDB catalog file over JDBC, read-only, and Delta Kernel from the transaction log. Prints one
 * line per reader and table: {@code <reader> <table> <rows> <sum of first measure> <sum of second>}.
 *
 * <p>Usage: {@code CubeReaders <lake> <duckdb file>}
 */
public final class CubeReaders {
  /** Table, first measure, second measure: the numbers every reader must agree on. */
  static final String[][] CHECKS = {
      {"fact_account_month", "end_mrr", "seats"},
      {"fact_account_day", "active_events", "active_users"},
      {"cube_rollup", "churned_mrr", "accounts"},
      {"dim_account", "version_number", "account_key"}};

  private CubeReaders() {}

  public static void main(String[] args) throws Exception {
    String lake = args[0];
    Properties readOnly = new Properties();
    readOnly.setProperty("duckdb.read_only", "true");
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:" + args[1], readOnly); Statement sql = db.createStatement()) {
      for (String[] check : CHECKS) {
        try (ResultSet rs = sql.executeQuery("SELECT count(*), sum(" + check[1] + "), sum(" + check[2] + "::HUGEINT) FROM cube." + check[0])) {
          rs.next();
          System.out.println(line("duckdb", check[0], rs.getLong(1), rs.getBigDecimal(2), rs.getBigDecimal(3)));
        }
      }
    }
    Engine engine = DefaultEngine.create(new Configuration());
    for (String[] check : CHECKS) {
      System.out.println(kernel(engine, lake + "/cube/" + check[0], check));
    }
  }

  /** A full scan through Kernel: scan files from the log, Parquet read, then Kernel's own logical transform. */
  private static String kernel(Engine engine, String table, String[] check) throws Exception {
    Snapshot snapshot = Table.forPath(engine, table).getLatestSnapshot(engine);
    Scan scan = snapshot.getScanBuilder().build();
    Row scanState = scan.getScanState(engine);
    StructType physical = ScanStateRow.getPhysicalDataReadSchema(scanState);
    long rows = 0;
    BigDecimal first = BigDecimal.ZERO;
    BigDecimal second = BigDecimal.ZERO;
    try (CloseableIterator<FilteredColumnarBatch> files = scan.getScanFiles(engine)) {
      while (files.hasNext()) {
        try (CloseableIterator<Row> fileRows = files.next().getRows()) {
          while (fileRows.hasNext()) {
            Row file = fileRows.next();
            CloseableIterator<ColumnarBatch> physicalData = engine.getParquetHandler()
                .readParquetFiles(Utils.singletonCloseableIterator(InternalScanFileUtils.getAddFileStatus(file)), physical, Optional.empty())
                .map(result -> result.getData());
            try (CloseableIterator<FilteredColumnarBatch> data = Scan.transformPhysicalData(engine, scanState, file, physicalData)) {
              while (data.hasNext()) {
                FilteredColumnarBatch batch = data.next();
                ColumnarBatch columns = batch.getData();
                ColumnVector a = columns.getColumnVector(columns.getSchema().indexOf(check[1]));
                ColumnVector b = columns.getColumnVector(columns.getSchema().indexOf(check[2]));
                Optional<ColumnVector> selected = batch.getSelectionVector();
                for (int i = 0; i < columns.getSize(); i++) {
                  if (selected.isPresent() && (selected.get().isNullAt(i) || !selected.get().getBoolean(i))) {
                    continue;
                  }
                  rows++;
                  first = first.add(number(a, i));
                  second = second.add(number(b, i));
                }
              }
            }
          }
        }
      }
    }
    return line("kernel", check[0], rows, first, second);
  }

  private static BigDecimal number(ColumnVector vector, int row) {
    if (vector.isNullAt(row)) {
      return BigDecimal.ZERO;
    }
    if (vector.getDataType() instanceof io.delta.kernel.types.LongType) {
      return BigDecimal.valueOf(vector.getLong(row));
    }
    if (vector.getDataType() instanceof io.delta.kernel.types.IntegerType) {
      return BigDecimal.valueOf(vector.getInt(row));
    }
    return vector.getDecimal(row);
  }

  static String line(String reader, String table, long rows, BigDecimal first, BigDecimal second) {
    return reader + " " + table + " " + rows + " " + plain(first) + " " + plain(second);
  }

  static String plain(BigDecimal value) {
    return value == null ? "0" : value.stripTrailingZeros().toPlainString();
  }
}
