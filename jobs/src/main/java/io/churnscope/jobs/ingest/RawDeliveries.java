package io.churnscope.jobs.ingest;

import io.churnscope.common.lake.Lake;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The delivery partitions ({@code dt=YYYY-MM-DD}) of a raw source, and their lines.
 *
 * <p>Raw files are read as text, one record per line, so that a record that fails to parse is
 * still quarantined exactly as it was delivered.
 */
public final class RawDeliveries {
  private RawDeliveries() {}

  /** Delivery dates present under {@code raw/<dir>}, ascending; empty if the source is absent. */
  public static List<LocalDate> list(SparkSession spark, Lake lake, String rawDir) {
    Path root = new Path(lake.raw(rawDir));
    List<LocalDate> dates = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(root)) {
        return dates;
      }
      for (FileStatus status : fs.listStatus(root)) {
        String name = status.getPath().getName();
        if (status.isDirectory() && name.startsWith("dt=")) {
          try {
            dates.add(LocalDate.parse(name.substring(3)));
          } catch (DateTimeParseException e) {
            // Not a delivery partition (a stray folder): leave it alone.
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
    dates.sort(null);
    return dates;
  }

  /**
   * Lines of the given deliveries as {@code record} (the line), {@code ingest_date} and
   * {@code source_file}; blank lines and CSV header lines are left out.
   */
  public static Dataset<Row> lines(SparkSession spark, Lake lake, String rawDir, List<LocalDate> dates, String csvHeader) {
    String[] paths = dates.stream().map(d -> lake.rawDelivery(rawDir, d)).toArray(String[]::new);
    Dataset<Row> text = spark.read().option("basePath", lake.raw(rawDir)).text(paths);
    Dataset<Row> lines = text.select(
        functions.col("value").as("record"),
        functions.col("dt").cast("date").as("ingest_date"),
        functions.col("_metadata.file_path").as("source_file"));
    lines = lines.where(functions.length(functions.trim(functions.col("record"))).gt(0));
    if (csvHeader != null) {
      lines = lines.where(functions.col("record").notEqual(csvHeader));
    }
    return lines;
  }
}
