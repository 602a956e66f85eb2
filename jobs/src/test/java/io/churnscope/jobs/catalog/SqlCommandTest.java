package io.churnscope.jobs.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.testing.SparkTestBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded metastore, end to end and in JVMs of their own (one Derby metastore per JVM, and
 * the shared test session has none): {@code publish-catalog} names a lake's tables, a later
 * {@code sql} command finds them by name; a wrong name is one line and exit status 2.
 */
class SqlCommandTest extends SparkTestBase {
  @TempDir
  Path dir;

  record Outcome(int status, String out, String err) {}

  @Test
  void tablesPublishedByOneRunAreQueriedByNameInTheNext() throws Exception {
    Lake lake = new Lake(dir.resolve("lake").toString());
    DeltaIO.replaceWhere(spark(), lake, StagedTables.ACCOUNT_VOLUMETRICS, spark().range(7).selectExpr(
        "concat('a', id % 2) AS account_id", "date'2026-10-01' AS extract_date", "'task' AS object_type",
        "id AS records_created", "date'2026-10-01' AS ingest_date", "'raw/db/x.csv' AS source_file"), "true");

    Outcome published = churnscope("publish-catalog", "--lake", lake.root(), "--run-date", "2026-10-02",
        "--set", "catalog.metastore=embedded");
    assertEquals(0, published.status(), published.err());
    assertTrue(Files.isDirectory(Path.of(lake.root(), "_catalog", "metastore_db")), "the metastore lives under the lake");

    Outcome query = churnscope("sql", "--lake", lake.root(),
        "SELECT account_id, sum(records_created) AS created FROM staged.account_volumetrics GROUP BY account_id ORDER BY account_id");
    assertEquals(0, query.status(), query.err());
    // 0+2+4+6 = 12 for a0, 1+3+5 = 9 for a1.
    assertTrue(query.out().matches("(?s).*\\|a0\\s*\\|12\\s*\\|.*\\|a1\\s*\\|9\\s*\\|.*"), query.out());

    Outcome wrong = churnscope("sql", "--lake", lake.root(), "SELECT * FROM staged.no_such_table");
    assertEquals(2, wrong.status(), wrong.out() + wrong.err());
    List<String> errorLines = wrong.err().lines().filter(l -> l.startsWith("churnscope sql:")).toList();
    assertEquals(1, errorLines.size(), wrong.err());
    assertTrue(errorLines.get(0).contains("no_such_table"), errorLines.get(0));
  }

  private Outcome churnscope(String... argv) throws IOException, InterruptedException {
    List<String> command = io.churnscope.common.testing.ChildJvm.javaForSpark("1g");
    command.addAll(List.of("-Dspark.master=local[1]", "-Dspark.ui.enabled=false", "-Dlog4j2.level=WARN",
        "-cp", System.getProperty("java.class.path"), "io.churnscope.jobs.Churnscope"));
    command.addAll(Arrays.asList(argv));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process process = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("churnscope " + argv[0] + " did not finish in 5 minutes");
    }
    return new Outcome(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
