package io.churnscope.jobs.ingest;

import io.churnscope.common.UserError;
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
import org.apache.spark.sql.Column;
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
        if (isHidden(name)) {
          continue;
        }
        LocalDate date = status.isDirectory() && name.startsWith("dt=") ? parseDate(name.substring(3)) : null;
        if (date == null) {
          // Left alone, its records would be silently never ingested.
          throw new UserError(status.getPath() + " is not a delivery partition: every delivery of raw/" + rawDir
              + " goes into a folder dt=YYYY-MM-DD; move it into one (or remove it) and re-run");
        }
        dates.add(date);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
    dates.sort(null);
    return dates;
  }

  /** Names Spark and Hadoop skip too: {@code _SUCCESS}, {@code .crc} files, {@code _temporary/}. */
  static boolean isHidden(String name) {
    return name.startsWith("_") || name.startsWith(".");
  }

  private static LocalDate parseDate(String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * Lines of the given deliveries as {@code record} (the line), {@code ingest_date}, {@code source_file}
   * and its place in it, {@code source_line} and {@code source_split_byte}; blank lines and CSV header
   * lines are left out. A UTF-8 byte-order mark starting a file is removed (it would otherwise make the
   * header or the first JSON line unreadable). A line longer than any record of a feed (its line ends
   * were lost, or the file is not text) is {@code oversized_record} and only its start is kept, here,
   * before any other expression copies it: parsing and checking a 50 MB line whole took a minute, and
   * the quarantine needs only its start.
   */
  public static Dataset<Row> lines(SparkSession spark, Lake lake, String rawDir, List<LocalDate> dates, String csvHeader) {
    String[] paths = dates.stream().map(d -> lake.rawDelivery(rawDir, d)).toArray(String[]::new);
    Dataset<Row> text = spark.read().option("basePath", lake.raw(rawDir)).text(paths);
    return lines(text, functions.col("dt").cast("date"), csvHeader);
  }

  /**
   * The same for a text read of its own ({@code spark.read().text(...)}, nothing selected yet), delivered
   * on {@code ingestDate}: e.g. the single file of an {@code ingest-mapped} table. The file and the byte
   * where Spark's part of it begins come from the read's file metadata.
   */
  public static Dataset<Row> lines(Dataset<Row> text, Column ingestDate, String csvHeader) {
    Column value = functions.col("value");
    Column split = functions.col("_metadata.file_block_start");
    Dataset<Row> cut = LineNumbers.number(text.select(
        functions.when(functions.length(value).gt(MAX_RECORD_CHARS), SourceIngestion.kept(value)).otherwise(value).as("value"),
        functions.length(value).gt(MAX_RECORD_CHARS).as("_oversized"),
        ingestDate.as("ingest_date"), functions.col("_metadata.file_path").as("source_file"), split.as(SPLIT_BYTE)));
    Dataset<Row> lines = Check.classify(cut.select(
        functions.when(functions.col("value").startsWith("\uFEFF"), functions.substring(functions.col("value"), 2, Integer.MAX_VALUE))
            .otherwise(functions.col("value")).as("record"),
        functions.col("_oversized"), functions.col("ingest_date"), functions.col("source_file"),
        functions.col(LINE), functions.col(SPLIT_BYTE)),
        List.of(new Check("oversized_record", "longer than " + MAX_RECORD_CHARS + " characters", functions.col("_oversized"))))
        .drop("_oversized");
    lines = lines.where(functions.length(functions.trim(functions.col("record"))).gt(0));
    if (csvHeader != null) {
      lines = lines.where(functions.col("record").notEqual(csvHeader));
    }
    return lines;
  }

  /** The line's number in its file, from 1 (or in the part of it that starts at {@link #SPLIT_BYTE}). */
  public static final String LINE = "source_line";
  /** 0 for a file read whole; else the byte where the part of the file {@link #LINE} counts in begins. */
  public static final String SPLIT_BYTE = "source_split_byte";

  /** Far above any feed's record (a few hundred characters; a clickstream event a few thousand). */
  static final int MAX_RECORD_CHARS = 1_000_000;
}
