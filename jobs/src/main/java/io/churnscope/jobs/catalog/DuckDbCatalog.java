package io.churnscope.jobs.catalog;

import io.churnscope.common.lake.TableSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.StructField;

/**
 * Writes a DuckDB database file holding one view per published table over exactly the Parquet
 * files of the table's current Delta snapshot, with the tables' and columns' comments. A BI tool
 * or an analyst opens it with the DuckDB JDBC driver (read-only) and queries {@code marts.churn_metrics}
 * without Spark. The file is written beside and then moved over the previous one, so a reader
 * never sees half a catalog; views of the previous file keep working until VACUUM removes the
 * files they name.
 */
public final class DuckDbCatalog {
  /** A table and the files of its current snapshot. */
  public record View(TableSpec table, List<String> files) {}

  private DuckDbCatalog() {}

  public static void write(Path target, List<View> views) {
    Path partial = target.resolveSibling(target.getFileName() + ".partial");
    try {
      Files.createDirectories(target.getParent());
      Files.deleteIfExists(partial);
      Class.forName("org.duckdb.DuckDBDriver");
      try (Connection db = DriverManager.getConnection("jdbc:duckdb:" + partial);
          Statement sql = db.createStatement()) {
        Set<String> schemas = new LinkedHashSet<>();
        for (View view : views) {
          if (schemas.add(view.table().zone())) {
            sql.execute("CREATE SCHEMA " + quoteName(view.table().zone()));
          }
          sql.execute("CREATE VIEW " + name(view.table()) + " AS " + select(view));
          sql.execute("COMMENT ON VIEW " + name(view.table()) + " IS " + quote(view.table().comment()));
          for (StructField column : view.table().schema().fields()) {
            if (column.getComment().isDefined()) {
              sql.execute("COMMENT ON COLUMN " + name(view.table()) + "." + quoteName(column.name()) + " IS "
                  + quote(column.getComment().get()));
            }
          }
        }
        sql.execute("CHECKPOINT");
      }
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("the DuckDB JDBC driver is not on the classpath: add org.duckdb:duckdb_jdbc "
          + "(spark-submit --packages) or set catalog.duckdb-file = none", e);
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("could not write the DuckDB catalog " + target + ": " + e.getMessage(), e);
    }
  }

  /** The view's query: the table's columns, in order, over its live files (or no rows, typed). */
  static String select(View view) {
    StructField[] fields = view.table().schema().fields();
    if (view.files().isEmpty()) {
      return "SELECT " + Arrays.stream(fields)
          .map(f -> "CAST(NULL AS " + DuckDbTypes.of(f.dataType()) + ") AS " + quoteName(f.name()))
          .collect(Collectors.joining(", ")) + " WHERE false";
    }
    String files = view.files().stream().map(DuckDbCatalog::duckDbPath).map(DuckDbCatalog::quote)
        .collect(Collectors.joining(", "));
    // Partition columns are not in the Parquet files: hive_partitioning reads them from the path.
    return "SELECT " + Arrays.stream(fields).map(f -> quoteName(f.name())).collect(Collectors.joining(", "))
        + " FROM read_parquet([" + files + "], hive_partitioning = " + !view.table().partitionBy().isEmpty() + ")";
  }

  /** A file URI as DuckDB opens it: a local path, or s3:// for Hadoop's s3a://. */
  static String duckDbPath(String uri) {
    if (uri.startsWith("file:")) {
      return Path.of(URI.create(uri)).toString();
    }
    if (uri.startsWith("s3a://")) {
      return "s3://" + uri.substring("s3a://".length());
    }
    return uri;
  }

  private static String name(TableSpec table) {
    return quoteName(table.zone()) + "." + quoteName(table.name());
  }

  private static String quoteName(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  private static String quote(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
