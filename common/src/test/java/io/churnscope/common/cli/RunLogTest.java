package io.churnscope.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.lake.Lake;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A local run's log file under the lake, and the logging configuration that reads RunLog's properties. */
class RunLogTest {
  @TempDir
  Path dir;

  @Test
  void aLocalLakeGetsANewLogFileUnderLogsAnObjectStoreLakeNone() throws Exception {
    Path file = RunLog.routeTo(new Lake(dir.resolve("lake").toString()), "nightly", false).orElseThrow();
    assertEquals(dir.resolve("lake").resolve("_logs"), file.getParent());
    assertTrue(Files.isDirectory(file.getParent()), "the folder exists before log4j opens the file");
    assertTrue(file.getFileName().toString().matches("nightly-\\d{8}-\\d{6}\\.log"), file.toString());
    assertEquals(file.toString(), System.getProperty(RunLog.FILE_PROPERTY));
    assertEquals("error", System.getProperty(RunLog.CONSOLE_LEVEL_PROPERTY));
    RunLog.routeTo(new Lake(dir.resolve("lake").toString()), "nightly", true);
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
