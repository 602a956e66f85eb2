package io.churnscope.jobs.ingest;

import io.churnscope.common.UserError;
import io.churnscope.common.lake.Lake;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.SparkSession;

/**
 * Checks on whole delivered files, before their lines are read: a file that is not what its feed
 * delivers (another CSV header, a JSON array, UTF-16, not gzip) fails the run with one line naming
 * it. Its lines, read as records, would otherwise be mis-read (reordered or renamed columns parse
 * by position) or each quarantined for the same file-level reason.
 *
 * <p>Only the start of each file is read (at most {@link #FIRST_LINE_LIMIT} bytes), one open per
 * file: a nightly reads a handful.
 */
public final class DeliveryFiles {
  /** Longer than any header or first JSON line of the feeds; a longer first line is compared as cut. */
  static final int FIRST_LINE_LIMIT = 64 * 1024;

  private DeliveryFiles() {}

  /** Checks every file of the given deliveries of {@code source}. */
  public static void check(SparkSession spark, Lake lake, RawSource source, List<LocalDate> dates) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    CompressionCodecFactory codecs = new CompressionCodecFactory(conf);
    for (LocalDate date : dates) {
      Path folder = new Path(lake.rawDelivery(source.rawDir(), date));
      for (Path file : files(folder, conf)) {
        check(source, file, firstLine(file, conf, codecs));
      }
    }
  }

  static void check(RawSource source, Path file, byte[] first) {
    String line = text(source.name(), file, first);
    if (line.isBlank()) {
      return;
    }
    if (source.isCsv() && !line.equals(source.csvHeader())) {
      throw new UserError(file + ": its header is not " + source.name() + "'s (" + headerDifference(source.csvColumns(), line)
          + "); expected \"" + source.csvHeader() + "\"");
    }
    if (!source.isCsv() && line.stripLeading().startsWith("[")) {
      throw new UserError(file + " is a JSON array; " + source.name()
          + " is delivered as JSON lines (one object per line, no enclosing [ ])");
    }
  }

  /**
   * The first line of one file that is not in a delivery folder ({@code ingest-mapped}'s files),
   * checked as a delivered file's start is (readable, decompressed as Spark reads it, UTF-8), without
   * a UTF-8 byte-order mark; "" for an empty file. Its header is the feed's own, so it is not compared.
   */
  public static String firstLine(SparkSession spark, String feed, String file) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path path = new Path(file);
    return text(feed, path, firstLine(path, conf, new CompressionCodecFactory(conf)));
  }

  /** A file's first line as text: UTF-16 and binary files fail, a UTF-8 byte-order mark is removed. */
  private static String text(String feed, Path file, byte[] first) {
    if (first.length >= 2 && ((first[0] == (byte) 0xFF && first[1] == (byte) 0xFE)
        || (first[0] == (byte) 0xFE && first[1] == (byte) 0xFF))) {
      throw new UserError(file + " is UTF-16 (it starts with a UTF-16 byte-order mark): deliver " + feed
          + " as UTF-8");
    }
    for (byte b : first) {
      if (b == 0) {
        throw new UserError(file + " holds NUL bytes in its first line, so it is not UTF-8 text (UTF-16 without a "
            + "byte-order mark, or a binary file): deliver " + feed + " as UTF-8 text");
      }
    }
    String line = new String(first, StandardCharsets.UTF_8);
    return line.startsWith("\uFEFF") ? line.substring(1) : line;
  }

  /** What differs between the expected columns and a header line, in words. */
  static String headerDifference(List<String> expected, String header) {
    if (!header.contains(",")) {
      return "found \"" + abbreviate(header) + "\": not comma-separated, or no header";
    }
    Set<String> found = new LinkedHashSet<>(List.of(header.split(",", -1)));
    Set<String> missing = new LinkedHashSet<>(expected);
    missing.removeAll(found);
    Set<String> extra = new LinkedHashSet<>(found);
    extra.removeAll(expected);
    List<String> parts = new ArrayList<>();
    if (!missing.isEmpty()) {
      parts.add("missing " + String.join(", ", missing));
    }
    if (!extra.isEmpty()) {
      parts.add("unexpected " + String.join(", ", extra));
    }
    return parts.isEmpty() ? "the same columns in another order: \"" + abbreviate(header) + "\"" : String.join("; ", parts);
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }

  private static List<Path> files(Path folder, Configuration conf) {
    try {
      FileSystem fs = folder.getFileSystem(conf);
      List<Path> files = new ArrayList<>();
      for (FileStatus status : fs.listStatus(folder)) {
        if (status.isFile() && !RawDeliveries.isHidden(status.getPath().getName())) {
          files.add(status.getPath());
        }
      }
      return files;
    } catch (IOException e) {
      throw new UserError("cannot list the delivery " + folder + ": " + e.getMessage(), e);
    }
  }

  /** The first line's bytes (without its line end), decompressed as Spark will read it. */
  static byte[] firstLine(Path file, Configuration conf, CompressionCodecFactory codecs) {
    CompressionCodec codec = codecs.getCodec(file);
    try (InputStream raw = file.getFileSystem(conf).open(file);
        InputStream in = codec == null ? raw : codec.createInputStream(raw)) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int b = in.read(); b >= 0 && b != '\n' && b != '\r' && line.size() < FIRST_LINE_LIMIT; b = in.read()) {
        line.write(b);
      }
      return line.toByteArray();
    } catch (IOException | RuntimeException e) {
      throw cannotRead(file.toString(), e);
    }
  }

  /**
   * The one-line error for a delivered file that cannot be read (a truncated gzip, a file named
   * {@code .gz} that is not gzip), when {@code failure} is, or is caused by, Spark failing to read a
   * file; otherwise {@code failure} itself.
   */
  public static RuntimeException unreadable(String source, Exception failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SparkThrowable st && String.valueOf(st.getCondition()).startsWith("FAILED_READ_FILE")) {
        Map<String, String> parameters = st.getMessageParameters();
        return cannotRead(source + ": " + parameters.getOrDefault("path", "a delivered file"), failure);
      }
    }
    return failure instanceof RuntimeException r ? r : new IllegalStateException(failure.getMessage(), failure);
  }

  private static UserError cannotRead(String file, Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String why = (root.getClass().getSimpleName() + ": " + root.getMessage()).replaceAll("\\s+", " ");
    return new UserError(file + " cannot be read (" + why + "): a compressed file must be complete and in the format its extension names; replace it and re-run",
        failure);
  }
}
