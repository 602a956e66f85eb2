package io.churnscope.jobs.nightly;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.beust.jcommander.JCommander;
import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.testing.SparkTestBase;
import io.churnscope.jobs.ingest.PrivacySettings;
import io.churnscope.jobs.ingest.mapping.SourceMapping;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names from conf, flags and mapping files that reach SQL text or a path: each injection string is
 * refused before any Spark work, with one line naming where it came from (docs/runbook.md, "Secrets").
 */
class IdentifierInjectionTest extends SparkTestBase {
  static final List<String> INJECTIONS = List.of("x'; DROP TABLE marts.churn_metrics; --", "a`b", "email') OR true --",
      "../../etc/passwd", "name;", "a b");

  @TempDir
  Path dir;

  private static void refused(String where, org.junit.jupiter.api.function.Executable action) {
    UserError e = assertThrows(UserError.class, action);
    assertTrue(e.getMessage().contains(where) && !e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void piiKeysAreSqlLiteralsSoOnlyPlainNamesPass() throws Exception {
    for (String bad : INJECTIONS) {
      Path conf = dir.resolve("pii.conf");
      Files.writeString(conf, "privacy.pii-keys = [\"email\", " + com.typesafe.config.ConfigUtil.quoteString(bad) + "]\n");
      NightlyJob.Args args = new NightlyJob.Args();
      JCommander.newBuilder().addObject(args).build().parse("--lake", dir.resolve("lake").toString(), "--conf",
          conf.toString(), "--set", "privacy.pseudonym-salt=s");
      refused("privacy.pii-keys: '" + bad + "' is not a plain name", args::validate);
    }
  }

  @Test
  void stagesAndConfKeysAreMatchedAgainstWhatExists() {
    for (String bad : INJECTIONS) {
      NightlyJob.Args args = new NightlyJob.Args();
      JCommander.newBuilder().addObject(args).build().parse("--lake", dir.resolve("lake").toString(), "--stages", bad);
      refused("--stages: unknown stage", args::validate);
      refused("unknown configuration key", () -> ChurnscopeConfig.load(null, Map.of("hotspots." + bad, "1")));
    }
  }

  @Test
  void aMappingsNameKeysAndFilesArePlainNamesInsideTheSourceFolder() throws Exception {
    String good = """
        name = "ok"
        description = "d"
        tables = [{ target = "fx_rates", file = "rates.csv", key = ["rate_date"],
          columns { rate_date = "rate_date", currency = "currency", rate_to_usd = "rate" } }]
        """;
    Path file = dir.resolve("mapping.conf");
    Files.writeString(file, good);
    SourceMapping.load(file.toString());
    for (String bad : INJECTIONS) {
      String quoted = com.typesafe.config.ConfigUtil.quoteString(bad);
      Files.writeString(file, good.replace("name = \"ok\"", "name = " + quoted));
      refused(": name: '" + bad + "'", () -> SourceMapping.load(file.toString()));
      Files.writeString(file, good.replace("file = \"rates.csv\"", "file = " + quoted));
      refused("fx_rates.file: '" + bad + "' must be a relative path inside its folder", () -> SourceMapping.load(file.toString()));
      Files.writeString(file, good.replace("key = [\"rate_date\"]", "key = [" + quoted + "]"));
      refused("fx_rates.key: '" + bad + "'", () -> SourceMapping.load(file.toString()));
    }
    for (String bad : List.of("/etc/passwd", "sub/../../x.csv")) {
      Files.writeString(file, good.replace("file = \"rates.csv\"", "file = \"" + bad + "\""));
      refused("must be a relative path inside its folder", () -> SourceMapping.load(file.toString()));
    }
  }

  @Test
  void columnsNamedByFlagsMustBeColumnsOfTheInput() {
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> table = spark().sql(
        "SELECT 'a1' AS account_id, 'organic' AS channel, 1 AS churned, DATE'2026-01-31' AS snapshot_date");
    for (String bad : INJECTIONS) {
      refused("no column " + bad, () -> io.churnscope.jobs.hotspots.Population.prepare(table,
          io.churnscope.jobs.hotspots.HotspotSpec.of(List.of("channel", bad), "churned",
              io.churnscope.jobs.hotspots.HotspotSettings.defaults())));
    }
    // The salt is not a name: any text is a valid secret.
    PrivacySettings.from(ChurnscopeConfig.load(null, Map.of("privacy.pseudonym-salt", "x'; DROP TABLE y; --")));
  }
}
