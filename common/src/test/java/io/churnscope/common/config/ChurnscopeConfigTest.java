package io.churnscope.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.UserError;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lookup order, and the one-line errors a user sees for a bad key or value. */
class ChurnscopeConfigTest {
  @TempDir
  Path dir;

  private File file(String hocon) throws IOException {
    Path path = dir.resolve("my.conf");
    Files.writeString(path, hocon);
    return path.toFile();
  }

  @Test
  void setBeatsTheFileWhichBeatsTheDefaults() throws IOException {
    assertEquals(30, ChurnscopeConfig.defaults().integer("ingest.max-lateness-days"));
    File conf = file("ingest.max-lateness-days = 10\ningest.max-clock-skew-hours = 2");
    ChurnscopeConfig layered = ChurnscopeConfig.load(conf, Map.of("ingest.max-lateness-days", "5"));
    assertEquals(5, layered.integer("ingest.max-lateness-days"));
    assertEquals(2, layered.integer("ingest.max-clock-skew-hours"));
    assertEquals("USD", layered.string("base-currency"));
  }

  @Test
  void aMisspelledKeyIsRefusedByName() throws IOException {
    UserError error = assertThrows(UserError.class,
        () -> ChurnscopeConfig.load(file("ingest.max-latenes-days = 10"), Map.of()));
    assertTrue(error.getMessage().contains("'ingest.max-latenes-days'"), error.getMessage());
    assertTrue(error.getMessage().contains("my.conf"), "names the file it came from: " + error.getMessage());
  }

  @Test
  void aWrongTypeNamesTheKeyAndWhereItCameFrom() {
    ChurnscopeConfig config = ChurnscopeConfig.load(null, Map.of("ingest.max-lateness-days", "soon"));
    UserError error = assertThrows(UserError.class, () -> config.positiveInt("ingest.max-lateness-days"));
    assertTrue(error.getMessage().startsWith("ingest.max-lateness-days (--set) must be a whole number"), error.getMessage());
    ChurnscopeConfig negative = ChurnscopeConfig.load(null, Map.of("ingest.max-lateness-days", "-3"));
    assertThrows(UserError.class, () -> negative.positiveInt("ingest.max-lateness-days"));
  }

  @Test
  void aMissingConfFileIsOneClearError() {
    UserError error = assertThrows(UserError.class, () -> ChurnscopeConfig.load(new File(dir.toFile(), "nope.conf"), Map.of()));
    assertTrue(error.getMessage().contains("no such file"), error.getMessage());
  }

  @Test
  void sparkSettingsPassThroughWithoutBeingKnownKeys() {
    ChurnscopeConfig config = ChurnscopeConfig.load(null, Map.of("spark.conf.sql.shuffle.partitions", "3"));
    assertEquals(3, config.integer("spark.conf.sql.shuffle.partitions"));
  }
}
