package io.churnscope.jobs.report;

import io.churnscope.common.lake.Lake;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The report's files under {@code <lake>/_reports}: one folder per run date, and {@code latest}, a
 * copy of the latest run date's page (a re-run or back-fill of an older date leaves it alone).
 * Written through Hadoop's file system, so a lake on object storage gets its reports too.
 */
final class ReportFiles {
  static final String DIR = "_reports";
  static final String LATEST = "latest";
  static final String PAGE = "index.html";

  /** The page written, and whether it also became {@code latest}. */
  record Written(String page, boolean latest) {}

  private ReportFiles() {}

  static Written write(Configuration hadoop, Lake lake, LocalDate runDate, String html) {
    try {
      Path page = page(lake, runDate.toString());
      FileSystem fs = page.getFileSystem(hadoop);
      writeFile(fs, page, html);
      boolean latest = isLatest(fs, new Path(lake.root(), DIR), runDate);
      if (latest) {
        writeFile(fs, page(lake, LATEST), html);
      }
      return new Written(url(lake, runDate.toString()), latest);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the run report under " + lake.root() + "/" + DIR, e);
    }
  }

  static Path page(Lake lake, String folder) {
    return new Path(lake.root() + "/" + DIR + "/" + folder + "/" + PAGE);
  }

  /** The page of a folder as a URL: {@code file:///...} for a local lake, the lake's own URI otherwise. */
  static String url(Lake lake, String folder) {
    String path = page(lake, folder).toString();
    if (path.startsWith("file:")) {
      return java.net.URI.create(path).normalize().toString().replaceFirst("^file:/+", "file:///");
    }
    return path.contains("://") ? path : java.nio.file.Path.of(path).toAbsolutePath().toUri().toString();
  }

  /** No report folder is of a later date than {@code runDate}. */
  private static boolean isLatest(FileSystem fs, Path reports, LocalDate runDate) throws IOException {
    for (FileStatus folder : fs.listStatus(reports)) {
      try {
        if (LocalDate.parse(folder.getPath().getName()).isAfter(runDate)) {
          return false;
        }
      } catch (DateTimeParseException notADate) {
        // latest/ itself
      }
    }
    return true;
  }

  private static void writeFile(FileSystem fs, Path file, String text) throws IOException {
    if (fs instanceof LocalFileSystem local) {
      // Directly, without the checksum file (.index.html.crc) Hadoop's local file system adds.
      java.nio.file.Path target = local.pathToFile(file).toPath();
      java.nio.file.Files.createDirectories(target.getParent());
      java.nio.file.Files.writeString(target, text, StandardCharsets.UTF_8);
      return;
    }
    try (OutputStream out = fs.create(file, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}
