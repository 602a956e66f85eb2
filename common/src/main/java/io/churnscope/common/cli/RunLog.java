package io.churnscope.common.cli;

import io.churnscope.common.lake.Lake;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Where a local run's log goes (README, "Logs"). {@code conf/log4j2.properties}, which
 * {@code bin/churnscope} loads, sends Churnscope's own progress to the console and everything — Spark,
 * Delta, Hive, Hadoop and Churnscope alike — to the file named by the system property
 * {@value #FILE_PROPERTY}; this sets it to {@code <lake>/_logs/<command>-<UTC time>.log} once the
 * flags are parsed and reloads the configuration, so the console stays readable and nothing is lost.
 * {@code --verbose} ({@value #CONSOLE_LEVEL_PROPERTY} and {@value #LIBRARY_LEVEL_PROPERTY} = info) puts
 * Spark's INFO lines in the file and on the console. Under spark-submit the cluster's own log4j2 configuration has no such property and
 * is left as it is; a lake on object storage keeps no log file (the cluster collects the logs).
 */
public final class RunLog {
  /** The log file of the run, read by conf/log4j2.properties (default /dev/null: nothing before the flags). */
  public static final String FILE_PROPERTY = "churnscope.log.file";
  /** The level of other libraries' lines on the console: error by default, info with --verbose. */
  public static final String CONSOLE_LEVEL_PROPERTY = "churnscope.log.console-level";
  /** The level of other libraries' lines in the file: warn by default, info with --verbose. */
  public static final String LIBRARY_LEVEL_PROPERTY = "churnscope.log.library-level";

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private RunLog() {}

  /**
   * Routes this JVM's log to a new file under a local lake and returns its path; empty for a lake
   * that is not on the local file system, or when the running log4j2 configuration does not write the
   * file {@value #FILE_PROPERTY} names (under spark-submit: the cluster's configuration).
   */
  public static Optional<Path> routeTo(Lake lake, String command, boolean verbose) throws IOException {
    System.setProperty(CONSOLE_LEVEL_PROPERTY, verbose ? "info" : "error");
    System.setProperty(LIBRARY_LEVEL_PROPERTY, verbose ? "info" : "warn");
    Optional<Path> file = lake.localFolder().map(root -> root.resolve("_logs")
        .resolve(command + "-" + LocalDateTime.now(ZoneOffset.UTC).format(STAMP) + ".log"));
    if (file.isPresent()) {
      Files.createDirectories(file.get().getParent());
      System.setProperty(FILE_PROPERTY, file.get().toString());
    }
    Configurator.reconfigure();
    if (file.isPresent() && !Files.exists(file.get())) {
      // The running configuration does not write the property's file (spark-submit keeps the cluster's
      // own, which collects the logs): no log file, and no empty _logs/ folder left on the lake.
      System.clearProperty(FILE_PROPERTY);
      try {
        Files.deleteIfExists(file.get().getParent());
      } catch (DirectoryNotEmptyException earlierLogs) {
        // Earlier local runs' logs stay.
      }
      return Optional.empty();
    }
    return file;
  }
}
