package io.churnscope.generator;

import io.churnscope.common.schema.RawFeed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.beust.jcommander.JCommander;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.churnscope.common.UserError;
import io.churnscope.common.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End-to-end checks of the generator on small lakes (scale 0.05, 16 days of usage, 4 months of
 * history): determinism, the raw-zone contract, and ground truth that agrees with the files.
 */
class SampleLakeGeneratorTest extends SparkTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double SCALE = 0.05;
  private static final int USAGE_DAYS = 16;
  private static final Set<String> CURRENCIES = Set.of("USD", "EUR", "GBP", "CAD", "AUD");

  @TempDir
  static Path tmp;
  private static Path lake;
  private static GroundTruth truth;
  private static JsonNode truthFile;
  private static List<Map<String, String>> accountsTruth;

  @BeforeAll
  static void generate() throws Exception {
    lake = tmp.resolve("lake-a");
    truth = SampleLakeGenerator.run(spark(), args(lake, 7));
    truthFile = JSON.readTree(lake.resolve("_generator/ground_truth.json").toFile());
    accountsTruth = readCsv(lake.resolve("_generator/accounts_truth.csv"));
  }

  static SampleLakeGenerator.Args args(Path lake, long seed) {
    SampleLakeGenerator.Args args = new SampleLakeGenerator.Args();
    JCommander.newBuilder().addObject(args).build().parse("--lake", lake.toString(), "--scale", String.valueOf(SCALE),
        "--seed", String.valueOf(seed), "--usage-days", String.valueOf(USAGE_DAYS), "--history-months", "4",
        "--end-date", "2026-10-31", "--bad-record-rate", "0.03");
    args.validate();
    return args;
  }

  @Test
  void sameSeedGivesSameContentAndAnotherSeedDiffers() throws Exception {
    Path twin = tmp.resolve("lake-twin");
    Path other = tmp.resolve("lake-other");
    SampleLakeGenerator.run(spark(), args(twin, 7));
    SampleLakeGenerator.run(spark(), args(other, 8));
    for (RawFeed source : RawFeed.values()) {
      assertEquals(RawFiles.contentByDelivery(lake, source), RawFiles.contentByDelivery(twin, source),
          source.sourceName() + ": same seed, different content");
    }
    assertEquals(Files.readString(lake.resolve("_generator/ground_truth.json")),
        Files.readString(twin.resolve("_generator/ground_truth.json")));
    assertEquals(Files.readString(lake.resolve("_generator/accounts_truth.csv")),
        Files.readString(twin.resolve("_generator/accounts_truth.csv")));
    for (RawFeed source : List.of(RawFeed.CLICKSTREAM, RawFeed.SERVER_LOGS, RawFeed.SUBSCRIPTIONS,
        RawFeed.CRM_ACCOUNTS, RawFeed.RECORD_COUNTS)) {
      assertNotEquals(RawFiles.contentByDelivery(lake, source), RawFiles.contentByDelivery(other, source),
          source.sourceName() + ": another seed gave the same content");
    }
  }

  /**
   * {@code --usage-intensity} thins sessions and actions but never who is active on which day: every
   * user signs in on the same local days (away from the window's edges, where a late delivery may fall
   * outside it), with far fewer clickstream lines.
   */
  @Test
  void aLowerUsageIntensityKeepsEveryActiveUserDayWithFewerLines() throws Exception {
    Path light = tmp.resolve("lake-light");
    SampleLakeGenerator.Args args = args(light, 7);
    args.usageIntensity = 0.1;
    SampleLakeGenerator.run(spark(), args);
    LocalDate end = LocalDate.parse("2026-10-31");
    LocalDate from = end.minusDays(USAGE_DAYS - 2L);
    LocalDate to = end.minusDays(4);
    Set<String> full = signInDays(lake, from, to);
    Set<String> thinned = signInDays(light, from, to);
    assertTrue(full.size() > 200, "user-days signed in: " + full.size());
    assertEquals(full, thinned);
    long fullLines = RawFiles.records(lake, RawFeed.CLICKSTREAM).size();
    long lightLines = RawFiles.records(light, RawFeed.CLICKSTREAM).size();
    assertTrue(lightLines < 0.4 * fullLines, "clickstream lines " + lightLines + " at 0.1 vs " + fullLines + " at 1");
  }

  /** user id and local date of every well-formed Signed In event between the dates. */
  private static Set<String> signInDays(Path lake, LocalDate from, LocalDate to) throws IOException {
    Set<String> days = new TreeSet<>();
    for (String record : RawFiles.records(lake, RawFeed.CLICKSTREAM)) {
      JsonNode node = parse(record.substring(record.indexOf('\t') + 1));
      if (node != null && "Signed In".equals(node.path("event").asText()) && isTimestamp(node.path("timestamp").asText())) {
        LocalDate day = OffsetDateTime.parse(node.get("timestamp").asText()).toLocalDate();
        if (!day.isBefore(from) && !day.isAfter(to)) {
          days.add(node.get("userId").asText() + " " + day);
        }
      }
    }
    return days;
  }

  @Test
  void everySourceFollowsTheContract() throws Exception {
    for (RawFeed source : RawFeed.values()) {
      List<RawFiles.DataFile> files = RawFiles.files(lake, source);
      assertFalse(files.isEmpty(), source.sourceName() + " has no files");
      for (RawFiles.DataFile file : files) {
        assertTrue(file.dt().matches("dt=\\d{4}-\\d{2}-\\d{2}"), file.path() + " is not under dt=YYYY-MM-DD");
        if (!source.header().isEmpty()) {
          assertEquals(String.join(",", source.header()), file.lines().get(0), file.path() + ": header");
        }
      }
    }
    Map<String, JsonNode> clickByType = new HashMap<>();
    for (String record : RawFiles.records(lake, RawFeed.CLICKSTREAM)) {
      JsonNode node = parse(record.substring(record.indexOf('\t') + 1));
      if (node != null && node.has("messageId") && node.has("timestamp") && node.path("context").has("groupId")) {
        clickByType.putIfAbsent(node.get("type").asText(), node);
      }
    }
    assertEquals(Set.of("track", "page", "identify", "group"), clickByType.keySet());
    for (JsonNode node : clickByType.values()) {
      for (String field : List.of("type", "messageId", "userId", "anonymousId", "timestamp", "sentAt", "receivedAt")) {
        assertTrue(node.hasNonNull(field), field + " missing in " + node);
      }
      OffsetDateTime.parse(node.get("timestamp").asText());
      for (String field : List.of("groupId", "ip", "timezone", "library")) {
        assertTrue(node.get("context").has(field), "context." + field + " missing in " + node);
      }
    }
    assertTrue(clickByType.get("track").has("event") && clickByType.get("track").path("properties").has("feature"));
    assertTrue(clickByType.get("page").has("name") && clickByType.get("page").path("properties").has("path"));
    for (String trait : List.of("email", "name", "title")) {
      assertTrue(clickByType.get("identify").path("traits").has(trait), "identify traits." + trait);
    }
    assertTrue(clickByType.get("group").has("groupId") && clickByType.get("group").path("traits").has("name"));

    String serverLine = RawFiles.records(lake, RawFeed.SERVER_LOGS).get(0);
    JsonNode server = parse(serverLine.substring(serverLine.indexOf('\t') + 1));
    assertEquals(List.of("request_id", "ts", "level", "user_id", "account_id", "action", "feature", "duration_ms", "ip"),
        fieldNames(server));
  }

  @Test
  void usageHasTheDocumentedPatterns() throws Exception {
    Set<String> events = new TreeSet<>();
    Map<Integer, Integer> wizardSteps = new TreeMap<>();
    int withoutGroup = 0;
    int localDateDiffers = 0;
    for (String record : RawFiles.records(lake, RawFeed.CLICKSTREAM)) {
      JsonNode node = parse(record.substring(record.indexOf('\t') + 1));
      if (node == null || !node.has("timestamp") || !node.has("messageId")) {
        continue;
      }
      if (node.has("event")) {
        events.add(node.get("event").asText());
        if ("Wizard Step Completed".equals(node.get("event").asText())) {
          wizardSteps.merge(node.path("properties").path("step").asInt(), 1, Integer::sum);
        }
      }
      if ("track".equals(node.get("type").asText()) && !node.path("context").has("groupId")) {
        withoutGroup++;
      }
      try {
        OffsetDateTime ts = OffsetDateTime.parse(node.get("timestamp").asText());
        if (ts.getOffset().getTotalSeconds() != 0
            && !ts.toLocalDate().equals(ts.withOffsetSameInstant(java.time.ZoneOffset.UTC).toLocalDate())) {
          localDateDiffers++;
        }
      } catch (DateTimeParseException e) {
        // a planted wrong_type
      }
    }
    assertTrue(events.size() >= 15, "only " + events.size() + " event types: " + events);
    assertTrue(events.containsAll(List.of("Email Sent", "Notification Delivered", "Digest Sent", "Wizard Started",
        "Wizard Completed", "Help Article Viewed", "Task Started", "Task Completed")), events.toString());
    assertTrue(wizardSteps.getOrDefault(1, 0) > wizardSteps.getOrDefault(3, 0), "no abandonment: " + wizardSteps);
    assertTrue(withoutGroup > 0, "every track event has context.groupId");
    assertTrue(localDateDiffers > 0, "no event whose local date differs from its UTC date");
  }

  @Test
  void badRecordCountsCanBeRecountedFromTheFiles() throws Exception {
    Set<String> accounts = new HashSet<>();
    accountsTruth.forEach(row -> accounts.add(row.get("account_id")));
    Map<String, Long> clickstream = recountJson(RawFeed.CLICKSTREAM, "messageId", "timestamp", accounts);
    long late = clickstream.remove("_late");
    assertEquals(badRecords("clickstream"), clickstream);
    assertEquals(truthFile.path("late_events").path("clickstream").asLong(), late, "late clickstream events");
    assertTrue(late > 0, "no late events");
    Map<String, Long> server = recountJson(RawFeed.SERVER_LOGS, "request_id", "ts", accounts);
    server.remove("_late");
    assertEquals(badRecords("server_logs"), server);

    assertEquals(badRecords("invoices"), recountCsv(RawFeed.INVOICES, List.of("invoice_id"), "amount", accounts));
    assertEquals(badRecords("subscriptions"),
        recountCsv(RawFeed.SUBSCRIPTIONS, List.of("subscription_id", "version"), "unit_amount", accounts));
    long planted = 0;
    for (JsonNode kinds : truthFile.get("bad_records")) {
      for (JsonNode count : kinds) {
        planted += count.asLong();
      }
    }
    assertTrue(planted > 0, "nothing planted at rate 0.03");
    for (String kind : List.of("malformed_json", "missing_field", "wrong_type", "duplicate", "unknown_account",
        "negative_amount", "unknown_currency")) {
      long total = 0;
      for (JsonNode kinds : truthFile.get("bad_records")) {
        total += kinds.path(kind).asLong();
      }
      assertTrue(total > 0, "no " + kind + " records planted");
    }
    for (RawFeed source : RawFeed.values()) {
      assertEquals(truthFile.path("raw_records").path(source.sourceName()).asLong(),
          RawFiles.records(lake, source).size(), source.sourceName() + ": raw_records");
    }
  }

  @Test
  void churnedAccountsHaveACanceledVersionAndSegmentsMatchTheAccounts() throws Exception {
    List<Map<String, String>> versions = csvRecords(RawFeed.SUBSCRIPTIONS);
    Set<String> canceled = new HashSet<>();
    for (Map<String, String> v : versions) {
      if ("canceled".equals(v.get("status")) && !v.get("cancel_reason").isEmpty()) {
        canceled.add(v.get("account_id") + "|" + v.get("ended_at") + "|" + v.get("cancel_reason"));
      }
    }
    long churned = 0;
    for (Map<String, String> account : accountsTruth) {
      if (Boolean.parseBoolean(account.get("churned"))) {
        churned++;
        String key = account.get("account_id") + "|" + account.get("churn_date") + "|" + account.get("cancel_reason");
        assertTrue(canceled.contains(key), "no canceled version for churned account " + key);
      }
    }
    assertTrue(churned > 0, "nobody churned");
    assertEquals(truthFile.path("counts").path("churned").asLong(), churned);
    assertEquals(truthFile.path("counts").path("accounts").asLong(), accountsTruth.size());

    for (JsonNode hotspot : truthFile.get("planted_hotspots")) {
      String id = hotspot.get("id").asText();
      long members = 0;
      for (Map<String, String> account : accountsTruth) {
        boolean matches = "false".equals(account.get("is_trial_only"));
        for (var dimension : hotspot.get("segment").properties()) {
          matches &= dimension.getValue().asText().equals(account.get(dimension.getKey()));
        }
        assertEquals(matches, List.of(account.get("hotspots").split("\\|")).contains(id),
            account.get("account_id") + " membership of " + id);
        members += matches ? 1 : 0;
      }
      assertEquals(hotspot.get("members").asLong(), members, id + " members");
    }
    assertEquals(3, truthFile.get("planted_hotspots").size());
    assertEquals(3, truthFile.path("planted_hotspots").get(1).path("segment").size(), "H2 is three-dimensional");
  }

  @Test
  void volumeGivesTheDemoRateAtScaleOne() throws Exception {
    long lines = RawFiles.records(lake, RawFeed.CLICKSTREAM).size() + RawFiles.records(lake, RawFeed.SERVER_LOGS).size();
    long bad = truth.json().isEmpty() ? 0 : sum(truthFile.path("bad_records").path("clickstream"))
        + sum(truthFile.path("bad_records").path("server_logs"));
    double perAccountDay = (lines - bad) / (double) USAGE_DAYS / truthFile.path("counts").path("accounts").asLong();
    // Scale 1 has 1,000 accounts: 100 events per account-day is 100,000 a day.
    assertTrue(perAccountDay >= 100, "only " + perAccountDay + " events per account-day");
    assertTrue(perAccountDay <= 400, perAccountDay + " events per account-day: far more than the demo needs");
    assertEquals(50, truthFile.path("counts").path("accounts").asLong(), "accounts are linear in scale");
  }

  @Test
  void trialsConvertAndLapseInSeveralCurrencies() throws Exception {
    Map<String, List<String>> statuses = new TreeMap<>();
    for (Map<String, String> v : csvRecords(RawFeed.SUBSCRIPTIONS)) {
      if (!v.get("trial_start").isEmpty()) {
        statuses.computeIfAbsent(v.get("subscription_id"), k -> new ArrayList<>()).add(v.get("status"));
      }
    }
    assertTrue(statuses.values().stream().anyMatch(s -> s.contains("trialing") && s.contains("active")),
        "no trial converted");
    assertTrue(statuses.values().stream().anyMatch(s -> s.contains("trialing") && s.contains("canceled")
        && !s.contains("active")), "no trial lapsed");
    Set<String> currencies = new TreeSet<>();
    Set<String> kinds = new TreeSet<>();
    for (Map<String, String> invoice : csvRecords(RawFeed.INVOICES)) {
      if (CURRENCIES.contains(invoice.get("currency"))) {
        currencies.add(invoice.get("currency"));
      }
      kinds.add(invoice.get("kind"));
    }
    assertTrue(currencies.size() >= 3, "currencies: " + currencies);
    assertTrue(kinds.containsAll(List.of("recurring", "proration", "refund")), "invoice kinds: " + kinds);
    Set<String> fx = new TreeSet<>();
    csvRecords(RawFeed.FX_RATES).forEach(r -> fx.add(r.get("currency")));
    assertTrue(fx.containsAll(currencies), "fx rates for " + fx + " but invoices in " + currencies);
  }

  @Test
  void rejectsArgumentsItCannotHonour() {
    assertThrows(UserError.class, () -> parse("--scale", "0"));
    assertThrows(UserError.class, () -> parse("--usage-days", "7"));
    assertThrows(UserError.class, () -> parse("--bad-record-rate", "0.5"));
    assertThrows(UserError.class, () -> parse("--usage-intensity", "0"));
    assertThrows(UserError.class, () -> parse("--usage-intensity", "1.5"));
    assertThrows(UserError.class, () -> parse("--history-months", "1", "--usage-days", "60"));
    assertEquals(120, parse().params().usageDays(), "usage-days defaults to generator.usage-days");
  }

  private static SampleLakeGenerator.Args parse(String... flags) {
    SampleLakeGenerator.Args args = new SampleLakeGenerator.Args();
    List<String> argv = new ArrayList<>(List.of("--lake", "/tmp/never-written"));
    argv.addAll(List.of(flags));
    JCommander.newBuilder().addObject(args).build().parse(argv.toArray(String[]::new));
    args.validate();
    return args;
  }

  // ---- recounting -------------------------------------------------------------------------------

  /** Classifies each line as exactly one bad kind (or good), in the order ingestion checks them. */
  private static Map<String, Long> recountJson(RawFeed source, String idField, String tsField, Set<String> accounts)
      throws IOException {
    Map<String, Long> counts = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    long late = 0;
    for (String record : RawFiles.records(lake, source)) {
      JsonNode node = parse(record.substring(record.indexOf('\t') + 1));
      String kind = null;
      if (node == null) {
        kind = "malformed_json";
      } else if (!node.hasNonNull(idField) || !node.hasNonNull(tsField)) {
        kind = "missing_field";
      } else if (!isTimestamp(node.get(tsField).asText())) {
        kind = "wrong_type";
      } else {
        List<String> groups = new ArrayList<>();
        for (JsonNode g : List.of(node.path("context").path("groupId"), node.path("groupId"), node.path("account_id"))) {
          if (g.isTextual()) {
            groups.add(g.asText());
          }
        }
        if (!accounts.containsAll(groups)) {
          kind = "unknown_account";
        } else if (!seen.add(node.get(idField).asText())) {
          kind = "duplicate";
        } else if (node.has("receivedAt")) {
          long gap = OffsetDateTime.parse(node.get("receivedAt").asText()).toEpochSecond()
              - OffsetDateTime.parse(node.get(tsField).asText()).toEpochSecond();
          late += gap > 3600 ? 1 : 0;
        }
      }
      if (kind != null) {
        counts.merge(kind, 1L, Long::sum);
      }
    }
    counts.put("_late", late);
    return counts;
  }

  private static Map<String, Long> recountCsv(RawFeed source, List<String> keyColumns, String amountColumn,
      Set<String> accounts) throws IOException {
    Map<String, Long> counts = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    for (Map<String, String> row : csvRecords(source)) {
      String kind = null;
      boolean missing = false;
      for (String column : List.of(keyColumns.get(0), "account_id", amountColumn, "currency",
          source == RawFeed.INVOICES ? "invoice_date" : "effective_date")) {
        missing |= row.get(column).isEmpty();
      }
      if (missing) {
        kind = "missing_field";
      } else if (!row.get(amountColumn).matches("-?\\d+(\\.\\d+)?")) {
        kind = "wrong_type";
      } else if (Double.parseDouble(row.get(amountColumn)) < 0) {
        kind = "negative_amount";
      } else if (!CURRENCIES.contains(row.get("currency"))) {
        kind = "unknown_currency";
      } else if (!accounts.contains(row.get("account_id"))) {
        kind = "unknown_account";
      } else {
        StringBuilder key = new StringBuilder();
        keyColumns.forEach(c -> key.append(row.get(c)).append('|'));
        if (!seen.add(key.toString())) {
          kind = "duplicate";
        }
      }
      if (kind != null) {
        counts.merge(kind, 1L, Long::sum);
      }
    }
    return counts;
  }

  private static Map<String, Long> badRecords(String source) {
    Map<String, Long> counts = new TreeMap<>();
    truthFile.path("bad_records").path(source).properties().forEach(e -> {
      if (e.getValue().asLong() > 0) {
        counts.put(e.getKey(), e.getValue().asLong());
      }
    });
    return counts;
  }

  private static long sum(JsonNode counts) {
    long total = 0;
    for (JsonNode count : counts) {
      total += count.asLong();
    }
    return total;
  }

  private static boolean isTimestamp(String text) {
    try {
      OffsetDateTime.parse(text);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      return null;
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** CSV rows as maps (these sources hold no quoted commas). */
  private static List<Map<String, String>> csvRecords(RawFeed source) throws IOException {
    List<Map<String, String>> rows = new ArrayList<>();
    for (String record : RawFiles.records(lake, source)) {
      rows.add(toMap(source.header(), record.substring(record.indexOf('\t') + 1)));
    }
    return rows;
  }

  private static List<Map<String, String>> readCsv(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    List<String> header = List.of(lines.get(0).split(","));
    return lines.subList(1, lines.size()).stream().map(line -> toMap(header, line)).toList();
  }

  private static Map<String, String> toMap(List<String> columns, String line) {
    String[] values = line.split(",", -1);
    assertEquals(columns.size(), values.length, "columns in " + line);
    Map<String, String> row = new HashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      row.put(columns.get(i), values[i]);
    }
    return row;
  }
}
