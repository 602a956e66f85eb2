package io.churnscope.jobs.nightly;

import io.churnscope.common.run.RunManifest;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.beust.jcommander.JCommander;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.schema.RunTables;
import io.churnscope.common.schema.RawFeed;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.testing.DatasetAssertions;
import io.churnscope.common.testing.DuckDbReader;
import io.churnscope.common.testing.SparkTestBase;
import io.churnscope.generator.SampleLakeGenerator;
import io.churnscope.jobs.report.ReportInBrowser;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole nightly on a small generated lake: the first run ingests the history, the second
 * only its new day, a re-run of that day changes nothing; every raw record is staged or
 * quarantined, and the quarantine holds exactly the bad records the generator planted.
 */
class NightlyEndToEndTest extends SparkTestBase {
  static final LocalDate D1 = LocalDate.parse("2026-10-30");
  static final LocalDate D2 = LocalDate.parse("2026-10-31");
  /** Raw source → where it lands: its staged tables, with the slice that holds its rows. */
  static final Map<String, Map<TableSpec, String>> LANDS_IN = new LinkedHashMap<>();

  static {
    LANDS_IN.put("clickstream", Map.of(StagedTables.USAGE_EVENTS, "source = 'clickstream'",
        StagedTables.USER_ACCOUNTS, "true", StagedTables.USER_IDENTITIES, "true"));
    LANDS_IN.put("server_logs", Map.of(StagedTables.USAGE_EVENTS, "source = 'server_log'"));
    LANDS_IN.put("record_counts", Map.of(StagedTables.ACCOUNT_VOLUMETRICS, "true"));
    LANDS_IN.put("config_snapshots", Map.of(StagedTables.ACCOUNT_CONFIG, "true"));
    LANDS_IN.put("subscriptions", Map.of(StagedTables.SUBSCRIPTION_VERSIONS, "true"));
    LANDS_IN.put("invoices", Map.of(StagedTables.INVOICES, "true"));
    LANDS_IN.put("fx_rates", Map.of(StagedTables.FX_RATES, "true"));
    LANDS_IN.put("crm_accounts", Map.of(StagedTables.CRM_ACCOUNTS, "true"));
    LANDS_IN.put("support_tickets", Map.of(StagedTables.SUPPORT_TICKETS, "true"));
    LANDS_IN.put("nps_responses", Map.of(StagedTables.NPS_RESPONSES, "true"));
  }

  /**
   * Kept after the run, not a temporary folder: CI then executes the analyst notebooks on this lake
   * (.ci/notebooks) instead of generating another one. Emptied before each run.
   */
  static final Path dir = Path.of("target", "nightly-end-to-end").toAbsolutePath();
  static Lake lake;
  static JsonNode truth;
  static List<RunManifest.Entry> firstRun;
  static List<RunManifest.Entry> secondRun;
  static Map<String, List<Row>> afterTwoRuns = new HashMap<>();

  @BeforeAll
  static void generateAndRunTwoNights() throws Exception {
    if (java.nio.file.Files.exists(dir)) {
      try (java.util.stream.Stream<Path> old = java.nio.file.Files.walk(dir)) {
        old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    lake = new Lake(dir.resolve("lake").toString());
    SampleLakeGenerator.Args generate = new SampleLakeGenerator.Args();
    JCommander.newBuilder().addObject(generate).build().parse("--lake", lake.root(), "--scale", "0.05",
        "--usage-days", "14", "--history-months", "3", "--end-date", D2.toString(), "--bad-record-rate", "0.03");
    SampleLakeGenerator.run(spark(), generate);
    truth = new ObjectMapper().readTree(dir.resolve("lake/_generator/ground_truth.json").toFile());

    firstRun = NightlyJob.run(spark(), nightly(D1));
    secondRun = NightlyJob.run(spark(), nightly(D2));
    for (TableSpec table : publishedTables()) {
      afterTwoRuns.put(table.qualifiedName(), comparable(table));
    }
  }

  static NightlyJob.Args nightly(LocalDate date) {
    NightlyJob.Args args = new NightlyJob.Args();
    args.lake = lake.root();
    args.runDate = date;
    return args;
  }

  static List<TableSpec> publishedTables() {
    List<TableSpec> tables = new java.util.ArrayList<>(StagedTables.ALL.stream()
        .filter(t -> DeltaIO.exists(spark(), lake.path(t))).toList());
    tables.add(RunTables.QUARANTINE);
    tables.addAll(io.churnscope.common.schema.MartTables.ALL);
    tables.addAll(io.churnscope.common.schema.EngagementTables.ALL);
    return tables;
  }

  /** A table's rows without the run id (which differs by design between runs). */
  static List<Row> comparable(TableSpec table) {
    Dataset<Row> rows = DeltaIO.read(spark(), lake, table);
    return (table.equals(RunTables.QUARANTINE) ? rows.drop("run_id") : rows).collectAsList();
  }

  @Test
  void everyRawRecordIsStagedOrQuarantined() {
    assertEquals(java.util.Arrays.stream(RawFeed.values()).map(RawFeed::sourceName).sorted().toList(),
        LANDS_IN.keySet().stream().sorted().toList(), "every raw feed is checked");
    for (String source : LANDS_IN.keySet()) {
      long raw = rawRecords(source);
      long staged = LANDS_IN.get(source).entrySet().stream()
          .mapToLong(e -> DeltaIO.read(spark(), lake, e.getKey()).where(e.getValue()).count()).sum();
      long quarantined = DeltaIO.read(spark(), lake, RunTables.QUARANTINE).where(col("source").equalTo(source)).count();
      assertEquals(raw, staged + quarantined, source + ": raw records vs staged " + staged + " + quarantined " + quarantined);
      assertEquals(truth.path("raw_records").path(source).asLong(), raw, source + ": the generator's own count of what it wrote");
    }
  }

  @Test
  void everyPlantedBadRecordIsQuarantinedWithItsReason() {
    for (String source : LANDS_IN.keySet()) {
      Map<String, Long> planted = new TreeMap<>();
      truth.path("bad_records").path(source).fields().forEachRemaining(f -> planted.put(f.getKey(), f.getValue().asLong()));
      Map<String, Long> quarantined = new TreeMap<>();
      DeltaIO.read(spark(), lake, RunTables.QUARANTINE).where(col("source").equalTo(source))
          .groupBy("reason").count().collectAsList()
          .forEach(r -> quarantined.put(r.getString(0), r.getLong(1)));
      // Not planted, and not bad input: an event without groupId whose user's group call arrived in a
      // later delivery than the event (a late group call) cannot be resolved when it is ingested.
      Long unresolved = quarantined.remove("unresolved_account");
      if (unresolved != null) {
        assertEquals(unresolved.longValue(), unresolvedWithLateGroupCall(), "every unresolved event's user has a later-delivered group call");
      }
      assertEquals(planted, quarantined, source + ": planted bad records vs quarantine reasons");
    }
  }

  /** Unresolved events whose user's group call was delivered after the event. */
  static long unresolvedWithLateGroupCall() {
    Dataset<Row> unresolved = DeltaIO.read(spark(), lake, RunTables.QUARANTINE)
        .where("source = 'clickstream' AND reason = 'unresolved_account'")
        .select(functions.get_json_object(col("record"), "$.userId").as("user_id"), col("ingest_date").as("event_delivery"))
        .withColumn("user_key", functions.sha2(functions.concat(
            functions.lit(ChurnscopeConfig.defaults().string("privacy.pseudonym-salt") + ":"), col("user_id")), 256));
    Dataset<Row> memberships = DeltaIO.read(spark(), lake, StagedTables.USER_ACCOUNTS).select("user_key", "ingest_date");
    return unresolved.join(memberships, "user_key").where(col("ingest_date").gt(col("event_delivery")))
        .select("user_id", "event_delivery").distinct().count() == unresolved.select("user_id", "event_delivery").distinct().count()
        ? unresolved.count() : -1;
  }

  /**
   * No table on the lake — published to analysts or kept for operators, the quarantine included —
   * holds personal data: no e-mail address, no IP address, none of the people's names the raw
   * identify calls carry (read here from the raw deliveries, so the list is the generator's own).
   */
  @Test
  void noTableOnTheLakeHoldsPersonalData() {
    List<String> names = spark().read().json(lake.raw(RawFeed.CLICKSTREAM.folder())).where("type = 'identify'")
        .select("traits.name").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertTrue(names.size() > 10, "the raw identify calls carry people's names: " + names.size());
    assertTrue(DeltaIO.read(spark(), lake, RunTables.QUARANTINE).where("source = 'clickstream'").count() > 0,
        "the quarantine holds rejected clickstream lines to scan");
    String personal = "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}"
        + "|(?<![\\d.])\\d{1,3}(\\.\\d{1,3}){3}(?![\\d.])"
        + "|" + String.join("|", names.stream().map(java.util.regex.Pattern::quote).toList());
    for (TableSpec table : io.churnscope.jobs.catalog.PublishedTables.all()) {
      if (!DeltaIO.exists(spark(), lake.path(table))) {
        continue;
      }
      org.apache.spark.sql.Column text = functions.to_json(functions.struct(col("*")));
      List<String> found = DeltaIO.read(spark(), lake, table).select(text.as("text")).where(col("text").rlike(personal))
          .limit(3).as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
      assertEquals(List.of(), found, table.qualifiedName() + " holds personal data");
    }
  }

  @Test
  void theSecondNightReadsOnlyItsOwnDelivery() {
    RunManifest.Entry usageFirst = entry(firstRun, "ingest-usage");
    RunManifest.Entry usageSecond = entry(secondRun, "ingest-usage");
    long d2Lines = rawRecords("clickstream", D2) + rawRecords("server_logs", D2)
        + rawRecords("record_counts", D2) + rawRecords("config_snapshots", D2);
    assertEquals(d2Lines, usageSecond.result().rowsIn(), "the second night reads exactly the D2 deliveries");
    assertTrue(usageFirst.result().rowsIn() > 10 * usageSecond.result().rowsIn(), "the first night backfills the history");
    List<String> rawInputs = usageSecond.result().inputs().stream().filter(p -> p.contains("/raw/")).toList();
    assertEquals(4, rawInputs.size(), "one delivery of each usage feed: " + rawInputs);
    assertTrue(rawInputs.stream().allMatch(p -> p.endsWith("dt=" + D2)), rawInputs.toString());
    assertTrue(usageSecond.result().inputs().contains(StagedTables.CRM_ACCOUNTS.qualifiedName()),
        "the manifest lists the tables the stage declares it reads: " + usageSecond.result().inputs());
  }

  /**
   * A plain re-run of the date finds every stage's inputs unchanged (StageFingerprint) and runs only
   * the stages that write outside their tables; {@code --force} then computes every stage again, and
   * every table ends as it was.
   */
  @Test
  void reRunningADateLeavesEveryTableIdentical() throws Exception {
    List<RunManifest.Entry> again = NightlyJob.run(spark(), nightly(D2));
    Map<String, String> statuses = new TreeMap<>();
    again.forEach(e -> statuses.put(e.stage(), e.status()));
    Map<String, String> expected = new TreeMap<>();
    NightlyJob.dag().forEach(s -> expected.put(s.name(), s.skipsWhenUnchanged() ? "unchanged" : "succeeded"));
    assertEquals(expected, statuses, "a re-run with nothing new");
    NightlyJob.Args forced = nightly(D2);
    forced.force = true;
    List<RunManifest.Entry> recomputed = NightlyJob.run(spark(), forced);
    assertTrue(recomputed.stream().allMatch(e -> e.status().equals("succeeded")), recomputed.toString());
    for (TableSpec table : publishedTables()) {
      DatasetAssertions.assertSameRows(afterTwoRuns.get(table.qualifiedName()), comparable(table));
    }
    List<Row> manifest = DeltaIO.read(spark(), lake, RunTables.RUN_MANIFEST)
        .where("status NOT IN ('succeeded', 'unchanged')").collectAsList();
    assertEquals(List.of(), manifest, "every stage of every run succeeded");
  }

  @Test
  void theGroundTruthMatchesTheStagedData() {
    long accounts = DeltaIO.read(spark(), lake, StagedTables.CRM_ACCOUNTS).select("account_id").distinct().count();
    assertEquals(truth.path("counts").path("accounts").asLong(), accounts);
    long churned = truth.path("counts").path("churned").asLong();
    long canceledAccounts = DeltaIO.read(spark(), lake, StagedTables.SUBSCRIPTION_VERSIONS)
        .where("status = 'canceled' AND ended_at IS NOT NULL AND product = 'core'").select("account_id").distinct().count();
    assertTrue(canceledAccounts >= churned, "each churned account has a canceled core subscription: "
        + canceledAccounts + " vs " + churned);
  }

  @Test
  void duckDbOverTheCurrentSnapshotAgreesWithSpark() {
    Dataset<Row> events = DeltaIO.read(spark(), lake, StagedTables.USAGE_EVENTS);
    Map<String, Long> sparkPerDay = new TreeMap<>();
    events.groupBy("event_date").count().collectAsList()
        .forEach(r -> sparkPerDay.put(r.getDate(0).toString(), r.getLong(1)));
    try (DuckDbReader duck = new DuckDbReader()) {
      duck.deltaView("events", lake.path(StagedTables.USAGE_EVENTS));
      Map<String, Long> duckPerDay = new TreeMap<>();
      duck.query("SELECT CAST(event_date AS VARCHAR), count(*) FROM events GROUP BY 1")
          .forEach(r -> duckPerDay.put((String) r.get(0), ((Number) r.get(1)).longValue()));
      assertEquals(sparkPerDay, duckPerDay);
      assertEquals(events.select("user_key").distinct().count(), duck.scalarLong("SELECT count(DISTINCT user_key) FROM events"));
    }
  }

  /**
   * The run report of each night is on the lake, {@code latest} is the second night's, and it renders
   * in headless Chromium with every chart, no error and no request (ReportInBrowser); its MRR
   * waterfall ends at the run month's end MRR summed from marts.mrr_ledger_account, and its manifest
   * section lists every stage of the night before the report's own.
   */
  @Test
  void theNightsReportRendersInABrowserAndAgreesWithTheLedger() throws Exception {
    Path reports = dir.resolve("lake/_reports");
    assertTrue(java.nio.file.Files.exists(reports.resolve(D1 + "/index.html")), "the first night's report");
    Path latest = reports.resolve("latest/index.html");
    assertEquals(java.nio.file.Files.readString(reports.resolve(D2 + "/index.html")), java.nio.file.Files.readString(latest),
        "latest is the latest run date's page");

    ReportInBrowser.Rendered report = ReportInBrowser.open(latest, "nightly-report.png");

    JsonNode sections = report.data().path("sections");
    List<String> ids = new java.util.ArrayList<>();
    sections.forEach(s -> ids.add(s.path("id").asText()));
    assertEquals(List.of("hotspots", "mrr", "churn-rates", "cohorts", "engagement", "health", "data-quality",
        "run-manifest"), ids);
    double endMrr = DeltaIO.read(spark(), lake, io.churnscope.common.schema.MartTables.MRR_LEDGER_ACCOUNT)
        .where(col("month").equalTo(java.sql.Date.valueOf(D2.withDayOfMonth(1))))
        .agg(functions.sum("end_mrr")).first().getDecimal(0).doubleValue();
    JsonNode waterfall = chart(sections, "mrr-waterfall");
    JsonNode totals = waterfall.path("series").get(1).path("values");
    assertEquals("end", waterfall.path("categories").get(waterfall.path("categories").size() - 1).asText());
    assertEquals(endMrr, totals.get(totals.size() - 1).asDouble(), 0.01, "the waterfall ends at the ledger's end MRR");
    List<String> timed = new java.util.ArrayList<>();
    chart(sections, "stage-timings").path("categories").forEach(c -> timed.add(c.asText()));
    List<String> dag = NightlyJob.dag().stream().map(io.churnscope.common.run.Stage::name).toList();
    assertEquals(dag.subList(0, dag.size() - 1), timed, "every stage of the night before the report");
    boolean hotspots = chart(sections, "hotspot-intervals") != null;
    assertTrue(hotspots || report.text().contains("No hot-spots for " + D2), "hot-spots drawn, or their absence said in words");
  }

  private static JsonNode chart(JsonNode sections, String id) {
    for (JsonNode section : sections) {
      for (JsonNode chart : section.path("charts")) {
        if (chart.path("id").asText().equals(id)) {
          return chart;
        }
      }
    }
    return null;
  }

  static RunManifest.Entry entry(List<RunManifest.Entry> run, String stage) {
    return run.stream().filter(e -> e.stage().equals(stage)).findFirst().orElseThrow();
  }

  /** Records delivered for a source (up to D2), counted from the raw files without Churnscope's code. */
  static long rawRecords(String source) {
    return rawLines(source).where(col("dt").leq(java.sql.Date.valueOf(D2))).count();
  }

  static long rawRecords(String source, LocalDate day) {
    return rawLines(source).where(col("dt").equalTo(java.sql.Date.valueOf(day))).count();
  }

  private static Dataset<Row> rawLines(String source) {
    Dataset<Row> lines = spark().read().text(lake.raw(RawFeed.named(source).folder())).where("trim(value) <> ''");
    boolean csv = !source.equals("clickstream") && !source.equals("server_logs");
    // A CSV file's first line is its header: the header text appears in no data line.
    return csv ? lines.where(col("value").notEqual(lines.first().getString(0))) : lines;
  }
}
