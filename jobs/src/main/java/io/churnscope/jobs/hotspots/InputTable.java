package io.churnscope.jobs.hotspots;

import io.churnscope.common.UserError;
import java.io.IOException;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads the standalone job's input: Delta (a folder with {@code _delta_log}), CSV (a {@code .csv}
 * file or folder; a header line, types inferred) or Parquet (anything else), unless
 * {@code --format} says which.
 */
public final class InputTable {
  private InputTable() {}

  public static Dataset<Row> read(SparkSession spark, String location, String format) {
    Path path = new Path(location);
    String resolved;
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(path)) {
        throw new UserError("--input " + location + " does not exist");
      }
      resolved = format != null && !format.equals("auto") ? format.toLowerCase(Locale.ROOT)
          : fs.exists(new Path(path, "_delta_log")) ? "delta"
          : location.toLowerCase(Locale.ROOT).endsWith(".csv") ? "csv" : "parquet";
    } catch (IOException e) {
      throw new UserError("--input " + location + " cannot be read: " + e.getMessage(), e);
    }
    return switch (resolved) {
      case "delta" -> spark.read().format("delta").load(location);
      case "parquet" -> spark.read().parquet(location);
      case "csv" -> spark.read().option("header", "true").option("inferSchema", "true").csv(location);
      default -> throw new UserError("--format " + format + ": use auto, delta, parquet or csv");
    };
  }
}
