package io.churnscope.jobs.nightly;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.beust.jcommander.JCommander;
import io.churnscope.common.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The nightly's flags and conf are checked before any Spark work: here, the pseudonymization salt. */
class NightlyArgsTest {
  @TempDir
  Path dir;

  private NightlyJob.Args parse(String... argv) {
    NightlyJob.Args args = new NightlyJob.Args();
    JCommander.newBuilder().addObject(args).build().parse(argv);
    return args;
  }

  @Test
  void ingestionRefusesTheDemoSaltOnALakeThatIsNotAGeneratedDemo() throws Exception {
    String lake = dir.resolve("real-lake").toString();
    UserError refused = assertThrows(UserError.class, () -> parse("--lake", lake).validate());
    assertEquals("privacy.pseudonym-salt is still the demo's default and " + lake + " is not a generated demo lake: "
        + "set your own secret before ingesting real data, e.g. from the environment with privacy.pseudonym-salt = "
        + "${CHURNSCOPE_PSEUDONYM_SALT} in your --conf file; every user key derives from it", refused.getMessage());
    // The way the message suggests works: a conf file that reads the salt from the environment.
    Path conf = dir.resolve("prod.conf");
    Files.writeString(conf, "privacy.pseudonym-salt = ${PATH}\n");
    assertDoesNotThrow(() -> parse("--lake", lake, "--conf", conf.toString()).validate());
    assertThrows(UserError.class, () -> parse("--lake", lake, "--stages", "ingest-crm").validate());
    // Stages that ingest nothing do not need it; an own salt, or a generated lake, is accepted.
    assertDoesNotThrow(() -> parse("--lake", lake, "--stages", "churn-hotspots").validate());
    assertDoesNotThrow(() -> parse("--lake", lake, "--set", "privacy.pseudonym-salt=a-real-secret").validate());
    Files.createDirectories(Path.of(lake, "_generator"));
    assertDoesNotThrow(() -> parse("--lake", lake).validate());
  }
}
