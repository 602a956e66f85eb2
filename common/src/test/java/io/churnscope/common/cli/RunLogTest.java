package io.churnscope.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.lake.Lake;
import io.churnscope.common.testing.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A local run's log file under the lake, and the logging configuration that reads RunLog's properties. */
class RunLogTest {
  @TempDir
  Path dir;

  /**
   * With bin/churnscope's logging configuration (conf/log4j2.properties), in a JVM of its own as
   * bin/churnscope starts one: a new file under {@code <lake>/_logs}, named by the command and the time.
   */
  @Test
  void aLocalLakeGetsANewLogFileUnderLogs() throws Exception {
    Path lake = dir.resolve("lake");
    List<String> command = ChildJvm.java("128m");
    command.addAll(List.of("-Dlog4j2.configurationFile=" + Path.of("..", "conf", "log4j2.properties").toAbsolutePath(),
        "-cp", System.getProperty("java.class.path"), RouteTheLog.class.getName(), lake.toString()));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), out);
    assertEquals(0, child.exitValue(), out);
    Path file = Path.of(out.lines().filter(l -> l.startsWith("routed to ")).findFirst().orElseThrow(() -> new AssertionError(out))
        .substring("routed to ".length()));
    assertEquals(lake.resolve("_logs"), file.getParent());
    assertTrue(Files.isRegularFile(file), "log4j opened the file");
    assertTrue(file.getFileName().toString().matches("nightly-\\d{8}-\\d{6}\\.log"), file.toString());
  }

  /** The child JVM of {@link #aLocalLakeGetsANewLogFileUnderLogs}: routes its log and says where. */
  public static final class RouteTheLog {
    public static void main(String[] args) throws Exception {
      System.out.println("routed to " + RunLog.routeTo(new Lake(args[0]), "nightly", false).orElse(null));
    }
  }

  /**
   * Under a logging configuration that does not read the file property (as under spark-submit, where the
   * cluster's own applies; this test JVM's is such a one): no file, no empty {@code _logs/} left behind,
   * earlier runs' logs kept; the console levels are still set. A lake on object storage gets no file.
   */
  @Test
  void aConfigurationWithoutTheFileLeavesNoLogsFolder() throws Exception {
    Path lake = dir.resolve("lake");
    assertEquals(Optional.empty(), RunLog.routeTo(new Lake(lake.toString()), "nightly", false));
    assertFalse(Files.exists(lake.resolve("_logs")), "no empty _logs/ folder");
    assertNull(System.getProperty(RunLog.FILE_PROPERTY));
    assertEquals("error", System.getProperty(RunLog.CONSOLE_LEVEL_PROPERTY));
    Path earlier = Files.createDirectories(lake.resolve("_logs")).resolve("nightly-20261001-000000.log");
    Files.writeString(earlier, "an earlier local run");
    assertEquals(Optional.empty(), RunLog.routeTo(new Lake(lake.toString()), "nightly", true));
    assertTrue(Files.exists(earlier), "earlier logs stay");
    assertEquals("info", System.getProperty(RunLog.CONSOLE_LEVEL_PROPERTY), "--verbose shows the libraries' INFO");
    assertEquals(Optional.empty(), RunLog.routeTo(new Lake("s3a://bucket/lake"), "nightly", false));
  }

  @Test
  void localFolderReadsPathsAndFileUrisOnly() {
    assertEquals(Optional.of(Path.of("/data/lake")), new Lake("file:///data/lake").localFolder());
    assertEquals(Optional.of(Path.of("/data/lake")), new Lake("file:/data/lake/").localFolder());
    assertEquals(Optional.of(Path.of("/data/lake")), new Lake("/data/lake").localFolder());
    assertEquals(Optional.empty(), new Lake("abfss://c@a.dfs.core.windows.net/lake").localFolder());
    assertEquals(Optional.empty(), new Lake("hdfs://nn/lake").localFolder());
  }

  /** bin/churnscope's configuration: the file and the console levels come from the properties set here. */
  @Test
  void theLocalLoggingConfigurationReadsEveryProperty() throws Exception {
    String conf = Files.readString(Path.of("..", "conf", "log4j2.properties"));
    for (String property : new String[] {RunLog.FILE_PROPERTY, RunLog.CONSOLE_LEVEL_PROPERTY,
        RunLog.LIBRARY_LEVEL_PROPERTY}) {
      assertTrue(conf.contains("${sys:" + property + ":-"), property + " (with a default) in conf/log4j2.properties");
    }
  }
}
