package io.churnscope.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.RawFeed;
import io.churnscope.common.schema.RunTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.testing.SparkTestBase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivers every file of the bad-file corpus ({@code src/test/resources/bad-files/}) into a small lake,
 * runs the ingest stages, and checks each file's outcome against {@code bad-files/EXPECTED.md}: its
 * records staged or quarantined with the expected reasons, or the run failing with one line that
 * names the file. The readable files share one lake and one run of the four stages (their keys are
 * unique across files); each failing file gets a lake of its own.
 */
class BadFileCorpusTest extends SparkTestBase {
  static final LocalDate RUN_DATE = LocalDate.parse("2026-03-02");
  static final String CORPUS = "bad-files/";
  static final String GENERATED = "(generated) ";
  static final String STAGED = "staged";

  @TempDir
  Path dir;

  /** One row of EXPECTED.md: {@code outcome} holds staged and per-reason counts, or {@code failure} the words of the error. */
  record Expectation(String file, RawFeed feed, List<String> deliveredTo, String problem,
      Map<String, Long> outcome, String failure) {
    String name() {
      return file.substring(Math.max(file.lastIndexOf('/') + 1, file.startsWith(GENERATED) ? GENERATED.length() : 0));
    }

    boolean generated() {
      return file.startsWith(GENERATED);
    }

    long records() {
      return outcome.values().stream().mapToLong(Long::longValue).sum();
    }

    long quarantined() {
      return records() - outcome.getOrDefault(STAGED, 0L);
    }
  }

  @Test
  void theCorpusCoversAtLeastThirtyFilesEachWithOneExpectation() throws IOException {
    List<Expectation> corpus = corpus();
    assertTrue(corpus.size() >= 30, "corpus of " + corpus.size() + " files");
    Path folder = Path.of("src/test/resources").resolve(CORPUS);
    List<String> onDisk;
    try (var files = Files.walk(folder)) {
      onDisk = files.filter(Files::isRegularFile).map(p -> folder.relativize(p).toString())
          .filter(p -> !p.equals("EXPECTED.md")).sorted().toList();
    }
    assertEquals(onDisk, corpus.stream().map(Expectation::file).filter(f -> !f.startsWith(GENERATED)).sorted().toList(),
        "every file of the corpus has exactly one row in EXPECTED.md");
  }

  @Test
  void everyRecordOfAReadableFileIsStagedOrQuarantinedWithItsReason() throws Exception {
    List<Expectation> readable = corpus().stream().filter(e -> e.failure() == null && !e.generated()).toList();
    Path lake = dir.resolve("lake");
    Map<Stage, StageResult> results = ingest(lake, readable,
        List.of(new CrmIngest(), new BillingIngest(), new SupportIngest(), new UsageIngest()));
    assertOutcomes(lake, readable, results);
    assertQuarantinedRecordsSayTheirLine(new Lake(lake.toString()));
    // Values that a mis-read would change.
    List<Row> crm = DeltaIO.read(spark(), new Lake(lake.toString()), StagedTables.CRM_ACCOUNTS)
        .where("account_id IN ('acc-bom-1', 'acc-quoted-2')").orderBy("account_id").select("account_id", "industry")
        .collectAsList();
    assertEquals("[[acc-bom-1,h\u00f4tellerie], [acc-quoted-2,retail, online]]", crm.toString());
  }

  /**
   * Each quarantined record's {@code source_line} is the line of its file that holds it: the file read
   * again here, line by line as Hadoop splits lines (LF, CRLF or CR), gzip files decompressed. Masked,
   * cut and re-encoded records differ from their line by design; every other record must equal it.
   */
  private static void assertQuarantinedRecordsSayTheirLine(Lake lake) throws IOException {
    List<Row> rows = DeltaIO.read(spark(), lake, RunTables.QUARANTINE)
        .select("source_file", "source_line", "source_split_byte", "record", "reason").collectAsList();
    Map<String, List<String>> files = new TreeMap<>();
    List<String> wrong = new ArrayList<>();
    int compared = 0;
    for (Row row : rows) {
      String file = row.getString(0);
      List<String> lines = files.computeIfAbsent(file, BadFileCorpusTest::linesOf);
      long line = row.getLong(1);
      String record = row.getString(3);
      if (row.getLong(2) != 0 || line < 1 || line > lines.size()) {
        wrong.add(file + ": line " + line + " of " + lines.size() + ", split at " + row.getLong(2));
        continue;
      }
      boolean alteredOnPurpose = record.matches("(?s).*<(email|ip|pii):[0-9a-f]{8}>.*") || record.endsWith("more characters cut]")
          || row.getString(4).equals("invalid_encoding");
      if (!alteredOnPurpose) {
        compared++;
        String delivered = lines.get((int) line - 1);
        if (!record.equals(delivered.startsWith("\uFEFF") ? delivered.substring(1) : delivered)) {
          wrong.add(file + " line " + line + ": quarantined " + record + ", the line is " + delivered);
        }
      }
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    assertTrue(compared > rows.size() / 2, compared + " of " + rows.size() + " quarantined records compared with their line");
  }

  private static List<String> linesOf(String fileUri) {
    try (InputStream raw = Files.newInputStream(Path.of(java.net.URI.create(fileUri)));
        InputStream in = fileUri.endsWith(".gz") ? new java.util.zip.GZIPInputStream(raw) : raw) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return Arrays.asList(text.split("\r\n|\n|\r", -1));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The generated files, each alone: the corpus's batch stays quick to debug. */
  @Test
  void aFiftyMegabyteLineIsOneQuarantinedRecordKeptShort() throws Exception {
    List<Expectation> generated = corpus().stream().filter(Expectation::generated).toList();
    assertEquals(1, generated.size());
    Path lake = dir.resolve("generated");
    assertOutcomes(lake, generated, ingest(lake, generated, List.of(new CrmIngest())));
    String kept = DeltaIO.read(spark(), new Lake(lake.toString()), RunTables.QUARANTINE).first().getAs("record");
    assertTrue(kept.length() < 10_100 && kept.endsWith("more characters cut]"), kept.substring(kept.length() - 100));
  }

  private Map<Stage, StageResult> ingest(Path lake, List<Expectation> files, List<Stage> stages) throws Exception {
    for (Expectation e : files) {
      deliver(lake, e);
    }
    RunContext run = run(lake);
    Map<Stage, StageResult> results = new LinkedHashMap<>();
    for (Stage stage : stages) {
      results.put(stage, stage.run(spark(), run));
    }
    return results;
  }

  /** Each file's staged and quarantined records, and the stages' counts, are EXPECTED.md's. */
  private void assertOutcomes(Path lake, List<Expectation> readable, Map<Stage, StageResult> results) {
    Map<String, Map<String, Long>> byFile = outcomesByFile(new Lake(lake.toString()));
    List<String> wrong = new ArrayList<>();
    for (Expectation e : readable) {
      Map<String, Long> actual = new TreeMap<>();
      for (String to : e.deliveredTo()) {
        String suffix = "/raw/" + e.feed().folder() + "/" + to + "/" + e.name();
        byFile.forEach((file, counts) -> {
          if (file.endsWith(suffix)) {
            counts.forEach((k, v) -> actual.merge(k, v, Long::sum));
          }
        });
      }
      if (!actual.equals(new TreeMap<>(e.outcome()))) {
        wrong.add(e.file() + " (" + e.problem() + "): expected " + new TreeMap<>(e.outcome()) + ", got " + actual);
      }
    }
    assertTrue(wrong.isEmpty(), "files with another outcome than EXPECTED.md's:\n" + String.join("\n", wrong));

    // The run's counts (what the run manifest records) account for every record of every file.
    for (Map.Entry<Stage, StageResult> entry : results.entrySet()) {
      List<RawFeed> feeds = feedsOf(entry.getKey());
      List<Expectation> mine = readable.stream().filter(e -> feeds.contains(e.feed())).toList();
      StageResult result = entry.getValue();
      String stage = entry.getKey().name();
      assertEquals(mine.stream().mapToLong(Expectation::records).sum(), result.rowsIn(), stage + " records in");
      assertEquals(mine.stream().mapToLong(e -> e.outcome().getOrDefault(STAGED, 0L)).sum(), result.rowsOut(),
          stage + " records staged");
      assertEquals(mine.stream().mapToLong(Expectation::quarantined).sum(), result.rowsQuarantined(),
          stage + " records quarantined");
      assertEquals(result.rowsIn(), result.rowsOut() + result.rowsQuarantined(), stage + ": in = staged + quarantined");
    }
  }

  @Test
  void aFileThatIsNotItsFeedsFailsTheRunWithOneLineNamingIt() throws Exception {
    List<Expectation> failing = corpus().stream().filter(e -> e.failure() != null).toList();
    List<String> wrong = new ArrayList<>();
    int n = 0;
    for (Expectation e : failing) {
      Path lake = dir.resolve("lake-" + n++);
      deliver(lake, e);
      Stage stage = stageOf(e.feed());
      RunContext run = run(lake);
      Exception error = assertThrows(Exception.class, () -> stage.run(spark(), run), e.file() + " did not fail the run");
      String to = e.deliveredTo().get(0);
      String where = "raw/" + e.feed().folder() + ("." .equals(to) ? "/" + e.name() : "/" + to);
      String message = String.valueOf(error.getMessage());
      boolean namesFile = message.contains(where) && (message.contains(e.name()) || e.failure().contains("partition"));
      if (!(error instanceof UserError) || message.contains("\n") || !namesFile || !message.contains(e.failure())) {
        wrong.add(e.file() + ": " + error.getClass().getSimpleName() + ": "
            + (message.length() > 600 ? message.substring(0, 600) + "..." : message));
      }
      for (TableSpec table : StagedTables.ALL) {
        assertFalse(DeltaIO.exists(spark(), new Lake(lake.toString()).path(table)), e.file() + " published " + table);
      }
    }
    assertTrue(wrong.isEmpty(), "expected a one-line UserError naming the file and saying what is wrong:\n"
        + String.join("\n", wrong));
  }

  /**
   * With the quarantine-share gate on (the default), a file whose records are all bad stops the batch:
   * the one-line failure (a UserError: exit status 2, no stack trace) names the source and the file most
   * of the rejected records came from.
   */
  @Test
  void aFileOfOnlyBadRecordsStopsTheBatchNamingTheFile() throws Exception {
    Expectation pretty = corpus().stream().filter(e -> e.file().equals("clickstream/pretty-printed.json")).findFirst()
        .orElseThrow();
    Path lake = dir.resolve("gated");
    deliver(lake, pretty);
    RunContext strict = RunContext.start(RUN_DATE, new Lake(lake.toString()), ChurnscopeConfig.defaults());
    UserError error = assertThrows(UserError.class, () -> new UsageIngest().run(spark(), strict));
    String message = error.getMessage();
    assertTrue(message.contains("quality.max-quarantine-share") && !message.contains("\n")
        && message.contains("raw/clickstream/dt=2026-03-01/pretty-printed.json (8)"), message);
    assertFalse(DeltaIO.exists(spark(), new Lake(lake.toString()).path(StagedTables.USAGE_EVENTS)), "nothing staged");
  }

  /** Staged rows and quarantined rows by reason, per raw file. */
  private Map<String, Map<String, Long>> outcomesByFile(Lake lake) {
    Dataset<Row> all = null;
    for (TableSpec table : StagedTables.ALL) {
      if (DeltaIO.exists(spark(), lake.path(table))
          && Arrays.asList(DeltaIO.read(spark(), lake, table).columns()).contains("source_file")) {
        Dataset<Row> staged = DeltaIO.read(spark(), lake, table).select(functions.col("source_file"),
            functions.lit(STAGED).as("outcome"));
        all = all == null ? staged : all.unionByName(staged);
      }
    }
    Dataset<Row> quarantined = DeltaIO.read(spark(), lake, RunTables.QUARANTINE)
        .select(functions.col("source_file"), functions.col("reason").as("outcome"));
    all = all == null ? quarantined : all.unionByName(quarantined);
    Map<String, Map<String, Long>> out = new TreeMap<>();
    for (Row row : all.groupBy("source_file", "outcome").count().collectAsList()) {
      out.computeIfAbsent(row.getString(0), f -> new TreeMap<>()).put(row.getString(1), row.getLong(2));
    }
    return out;
  }

  private static RunContext run(Path lake) {
    // Many of these files are mostly bad on purpose: the quarantine-share gate is lifted, so what is
    // checked is each record's reason (the gate has tests of its own).
    return RunContext.start(RUN_DATE, new Lake(lake.toString()),
        ChurnscopeConfig.load(null, Map.of("quality.max-quarantine-share", "1.0")));
  }

  private static void deliver(Path lake, Expectation e) throws IOException {
    for (String to : e.deliveredTo()) {
      Path folder = lake.resolve("raw").resolve(e.feed().folder()).resolve(to);
      Files.createDirectories(folder);
      Path target = folder.resolve(e.name());
      if (e.generated()) {
        writeFiftyMbLine(target);
      } else {
        try (InputStream in = BadFileCorpusTest.class.getClassLoader().getResourceAsStream(CORPUS + e.file())) {
          Files.copy(in, target);
        }
      }
    }
  }

  /** A CRM file whose line ends were lost: the header, then 50 MB of records on one line. */
  private static void writeFiftyMbLine(Path target) throws IOException {
    byte[] record = (RawFixture.crm("acc-big", "organic") + " ").getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(target), 1 << 20)) {
      out.write((RawFixture.CRM_HEADER + "\n").getBytes(StandardCharsets.UTF_8));
      for (long written = 0; written < 50L << 20; written += record.length) {
        out.write(record);
      }
      out.write('\n');
    }
  }

  private static Stage stageOf(RawFeed feed) {
    return switch (feed) {
      case CRM_ACCOUNTS -> new CrmIngest();
      case FX_RATES, SUBSCRIPTIONS, INVOICES -> new BillingIngest();
      case SUPPORT_TICKETS, NPS_RESPONSES -> new SupportIngest();
      case CLICKSTREAM, SERVER_LOGS, RECORD_COUNTS, CONFIG_SNAPSHOTS -> new UsageIngest();
    };
  }

  private static List<RawFeed> feedsOf(Stage stage) {
    return Arrays.stream(RawFeed.values()).filter(f -> stageOf(f).name().equals(stage.name())).toList();
  }

  /** The rows of EXPECTED.md's table. */
  static List<Expectation> corpus() throws IOException {
    String text;
    try (InputStream in = BadFileCorpusTest.class.getClassLoader().getResourceAsStream(CORPUS + "EXPECTED.md")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<Expectation> rows = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.startsWith("| ") || line.startsWith("| file ") || line.startsWith("| ---")) {
        continue;
      }
      String[] cells = Arrays.stream(line.substring(1, line.length() - 1).split("\\|")).map(String::trim)
          .toArray(String[]::new);
      String outcome = cells[4];
      Map<String, Long> counts = new TreeMap<>();
      String failure = null;
      if (outcome.startsWith("fails: ")) {
        failure = outcome.substring("fails: ".length());
      } else if (!outcome.equals("nothing")) {
        for (String part : outcome.split(",")) {
          String[] words = part.trim().split(" ");
          counts.put(words[0], Long.parseLong(words[1]));
        }
      }
      rows.add(new Expectation(cells[0], RawFeed.named(cells[1]), List.of(cells[2].split(" ")), cells[3], counts, failure));
    }
    return rows;
  }
}
