package io.churnscope.jobs.ingest.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.UserError;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.schema.RunTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ingest-mapped} treats its files as the built-in feeds treat a delivery: a file that is not
 * readable UTF-8 text fails the run with one line naming it, before anything is staged, and a line
 * longer than any record is one {@code oversized_record}, kept short in the quarantine.
 */
class MappedBadFilesTest extends SparkTestBase {
  private static final String HEADER = "account_id,signup_date,referral_source,country";
  private static final String GOOD_1 = "acc-1,2024-01-05,organic,US";
  private static final String GOOD_2 = "acc-2,2024-02-10,partner,DE";

  @TempDir
  Path dir;

  @Test
  void aLineLongerThanAnyRecordIsOneOversizedRecordKeptShort() throws IOException {
    String huge = "acc-3,2024-03-01,organic," + "x".repeat(1_200_000);
    deliver("accounts.csv", String.join("\n", HEADER, GOOD_1, huge, GOOD_2, "").getBytes(StandardCharsets.UTF_8));

    MappedIngest.run(spark(), args());

    Lake lake = new Lake(dir.resolve("lake").toString());
    assertEquals(List.of("acc-1", "acc-2"), DeltaIO.read(spark(), lake, StagedTables.CRM_ACCOUNTS).orderBy("account_id")
        .select("account_id").collectAsList().stream().map(r -> r.getString(0)).toList());
    List<Row> quarantined = DeltaIO.read(spark(), lake, RunTables.QUARANTINE).collectAsList();
    assertEquals(1, quarantined.size(), quarantined.toString());
    assertEquals("oversized_record", quarantined.get(0).getAs("reason"));
    String kept = quarantined.get(0).getAs("record");
    assertTrue(kept.startsWith("acc-3,2024-03-01,organic,xxx") && kept.length() < 10_100
        && kept.endsWith("more characters cut]"), kept.substring(0, 40) + "..." + kept.substring(kept.length() - 40));
  }

  /** A UTF-16 export, a binary file, a gzip cut short: one line naming the file, nothing staged. */
  @Test
  void aFileThatIsNotReadableUtf8TextFailsWithOneLineNamingIt() throws IOException {
    byte[] text = String.join("\n", HEADER, GOOD_1, GOOD_2, "").getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream gzip = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gzip)) {
      out.write(text);
    }
    byte[] utf16 = ("\uFEFF" + new String(text, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_16LE);
    byte[] binary = new byte[] {'a', 'c', 0, 0, 'x', '\n'};
    List<Object[]> cases = List.of(
        new Object[] {"accounts.csv", utf16, "is UTF-16"},
        new Object[] {"accounts.csv", binary, "holds NUL bytes in its first line"},
        new Object[] {"accounts.csv.gz", Arrays.copyOf(gzip.toByteArray(), gzip.size() / 2), "cannot be read"});
    int n = 0;
    for (Object[] c : cases) {
      Path folder = dir.resolve("case-" + n++);
      deliver(folder, (String) c[0], (byte[]) c[1]);
      MappedIngest.Args args = args(folder, (String) c[0]);
      UserError error = assertThrows(UserError.class, () -> MappedIngest.run(spark(), args), (String) c[2]);
      String message = error.getMessage();
      assertTrue(message.contains(folder.resolve("source").resolve((String) c[0]).toString()) && message.contains((String) c[2])
          && !message.contains("\n"), message);
      assertFalse(DeltaIO.exists(spark(), new Lake(folder.resolve("lake").toString()).path(StagedTables.CRM_ACCOUNTS)),
          c[2] + ": nothing staged");
    }
  }

  private void deliver(String file, byte[] bytes) throws IOException {
    deliver(dir, file, bytes);
  }

  private static void deliver(Path folder, String file, byte[] bytes) throws IOException {
    Files.createDirectories(folder.resolve("source"));
    Files.write(folder.resolve("source").resolve(file), bytes);
    Files.writeString(folder.resolve("mapping.conf"), String.join("\n",
        "name = \"tiny\"", "description = \"accounts of another layout\"", "tables = [{",
        "  target = \"crm_accounts\"", "  file = \"" + file + "\"", "  key = [\"account_id\"]",
        "  columns { account_id = \"account_id\", created_date = \"signup_date\", acquisition_channel = \"referral_source\",",
        "    country = \"country\", last_modified_at = \"signup_date\" }", "}]", ""));
  }

  private MappedIngest.Args args() {
    return args(dir, "accounts.csv");
  }

  private static MappedIngest.Args args(Path folder, String file) {
    MappedIngest.Args args = new MappedIngest.Args();
    args.mapping = folder.resolve("mapping.conf").toString();
    args.sourceDir = folder.resolve("source").toString();
    args.lake = folder.resolve("lake").toString();
    args.runDate = LocalDate.parse("2025-01-01");
    args.overrides.put("quality.max-quarantine-share", "1.0");
    return args;
  }
}
