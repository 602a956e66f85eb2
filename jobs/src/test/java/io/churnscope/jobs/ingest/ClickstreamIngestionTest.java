package io.churnscope.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.RunTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.testing.DatasetAssertions;
import io.churnscope.common.testing.SparkTestBase;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Known-answer tests of clickstream ingestion on hand-built Segment messages. */
class ClickstreamIngestionTest extends SparkTestBase {
  static final LocalDate D1 = LocalDate.parse("2026-03-01");
  static final LocalDate D2 = LocalDate.parse("2026-03-02");

  @TempDir
  Path dir;

  /** These hand-built deliveries are mostly bad on purpose: the quarantine-share gate is lifted. */
  private RunContext run(LocalDate date) {
    return RunContext.start(date, new Lake(dir.toString()),
        ChurnscopeConfig.load(null, Map.of("quality.max-quarantine-share", "1.0")));
  }

  private void ingest(LocalDate date) {
    new CrmIngest().run(spark(), run(date));
    new ClickstreamIngestion().run(spark(), run(date));
  }

  @Test
  void everyMessageIsStagedOrQuarantinedWithItsReason() throws Exception {
    String m1 = RawFixture.track("m1", "u1", "acc-1", "2026-03-01T09:00:00Z", "Report Created");
    String unknownAccount = RawFixture.track("m4", "u1", "acc-404", "2026-03-01T11:00:00Z", "Report Created");
    String wrongType = RawFixture.track("m5", "u1", "acc-1", "yesterday", "Report Created");
    String unresolved = RawFixture.track("m6", "u2", null, "2026-03-01T11:00:00Z", "Report Created");
    String noMessageId = "{\"type\":\"track\",\"userId\":\"u1\",\"timestamp\":\"2026-03-01T12:00:00Z\",\"event\":\"X\"}";
    String broken = "{\"type\":\"track\", \"messageId\": \"m7\", broken";
    String tooLate = RawFixture.track("m8", "u1", "acc-1", "2026-01-01T12:00:00Z", "Report Created");
    new RawFixture(dir)
        .deliver("crm/accounts", D1, RawFixture.CRM_HEADER, RawFixture.crm("acc-1", "reseller"))
        .deliver("clickstream", D1,
            RawFixture.group("g1", "u1", "acc-1", "2026-03-01T08:00:00Z"),
            RawFixture.identify("i1", "u1", "2026-03-01T08:00:01Z"),
            m1,
            // No groupId: resolved through u1's group call above.
            RawFixture.track("m2", "u1", null, "2026-03-01T10:00:00Z", "Report Exported"),
            // An offset near midnight: 23:30 at -05:00 is 04:30 UTC the next day.
            RawFixture.track("m3", "u1", "acc-1", "2026-02-28T23:30:00-05:00", "Task Created"),
            m1,
            unknownAccount, wrongType, unresolved, noMessageId, broken, tooLate);
    ingest(D1);

    Map<String, Long> reasons = reasons();
    assertEquals(new TreeMap<>(Map.of("duplicate", 1L, "unknown_account", 1L, "wrong_type", 1L,
        "unresolved_account", 1L, "missing_field", 1L, "malformed_json", 1L, "too_late", 1L)), reasons);
    // Each quarantined row holds its line as delivered, personal data masked, also those rejected after
    // the batch's shuffles (duplicate, unknown and unresolved account, too late).
    Map<String, String> lines = new TreeMap<>();
    DeltaIO.read(spark(), new Lake(dir.toString()), RunTables.QUARANTINE).where("source = 'clickstream'")
        .select("reason", "record").collectAsList().forEach(r -> lines.put(r.getString(0), r.getString(1)));
    assertEquals(new TreeMap<>(Map.of("duplicate", masked(m1), "unknown_account", masked(unknownAccount), "wrong_type",
        masked(wrongType), "unresolved_account", masked(unresolved), "missing_field", noMessageId, "malformed_json", broken,
        "too_late", masked(tooLate))), lines);

    List<Row> events = DeltaIO.read(spark(), new Lake(dir.toString()), StagedTables.USAGE_EVENTS)
        .select("event_id", "account_id", "event_date", "event_name").collectAsList();
    DatasetAssertions.assertSameRows(List.of(
        RowFactory.create("m1", "acc-1", java.sql.Date.valueOf("2026-03-01"), "Report Created"),
        RowFactory.create("m2", "acc-1", java.sql.Date.valueOf("2026-03-01"), "Report Exported"),
        RowFactory.create("m3", "acc-1", java.sql.Date.valueOf("2026-03-01"), "Task Created")), events);
    assertEquals(1, DeltaIO.read(spark(), new Lake(dir.toString()), StagedTables.USER_ACCOUNTS).count());
    assertEquals(1, DeltaIO.read(spark(), new Lake(dir.toString()), StagedTables.USER_IDENTITIES).count());
  }

  /**
   * A fixture line as the quarantine keeps it: the e-mail property and the IP of the context (keys of
   * privacy.pii-keys) replaced by tokens computed here (SHA-256 of the default salt and the value).
   */
  static String masked(String line) throws Exception {
    String salt = ChurnscopeConfig.defaults().string("privacy.pseudonym-salt");
    java.util.function.Function<String, String> token = value -> {
      try {
        byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest((salt + ":" + value)
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return "<pii:" + java.util.HexFormat.of().formatHex(d).substring(0, 8) + ">";
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    };
    return line.replace("\"email\":\"x@y.example\"", "\"email\":\"" + token.apply("x@y.example") + "\"")
        .replace("\"ip\":\"10.0.0.1\"", "\"ip\":\"" + token.apply("10.0.0.1") + "\"");
  }

  @Test
  void noPersonalDataReachesTheStagedZoneOrTheQuarantine() {
    new RawFixture(dir)
        .deliver("crm/accounts", D1, RawFixture.CRM_HEADER, RawFixture.crm("acc-1", "organic"),
            // Rejected (an employee count that is not a number): its name and owner e-mail masked.
            RawFixture.crm("acc-2", "organic").replace(",40,", ",forty,"))
        .deliver("clickstream", D1,
            RawFixture.group("g1", "u1", "acc-1", "2026-03-01T08:00:00Z"),
            RawFixture.identify("i1", "u1", "2026-03-01T08:00:01Z"),
            RawFixture.track("m1", "u1", "acc-1", "2026-03-01T09:00:00Z", "Report Created"),
            // Rejected (a time that is not one), and an identify with no message id.
            RawFixture.track("m2", "u1", "acc-1", "yesterday", "Report Created"),
            RawFixture.identify("i2", "u1", "2026-03-01T08:00:01Z").replace("\"messageId\":\"i2\",", ""));
    ingest(D1);
    Lake lake = new Lake(dir.toString());
    List<String> quarantined = DeltaIO.read(spark(), lake, RunTables.QUARANTINE).select("record").as(
        org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertEquals(3, quarantined.size(), quarantined.toString());
    assertFalse(quarantined.toString().contains("@") || quarantined.toString().contains("10.0.0.1")
        || quarantined.toString().contains("Jane") || quarantined.toString().contains("Acme"), quarantined.toString());
    // What an operator needs stays: the record's ids, its time and the value at fault.
    assertEquals(1, quarantined.stream().filter(r -> r.startsWith("acc-2,<pii:") && r.contains(",forty,")).count());
    assertEquals(1, quarantined.stream().filter(r -> r.contains("\"messageId\":\"m2\"") && r.contains("yesterday")).count());
    for (var table : StagedTables.ALL) {
      if (!DeltaIO.exists(spark(), lake.path(table))) {
        continue;
      }
      String all = DeltaIO.read(spark(), lake, table).drop("source_file").toJSON().collectAsList().toString();
      assertFalse(all.contains("@"), table.qualifiedName() + " holds an e-mail address: " + all);
      assertFalse(all.contains("Acme") || all.contains("Jane"), table.qualifiedName() + " holds a name: " + all);
      assertFalse(all.contains("10.0.0.1"), table.qualifiedName() + " holds an IP: " + all);
      assertFalse(all.contains("\"u1\""), table.qualifiedName() + " holds a raw user id: " + all);
    }
  }

  @Test
  void aDuplicateInALaterDeliveryIsQuarantinedAndReRunsAreIdentical() {
    new RawFixture(dir)
        .deliver("crm/accounts", D1, RawFixture.CRM_HEADER, RawFixture.crm("acc-1", "organic"))
        .deliver("clickstream", D1, RawFixture.track("m1", "u1", "acc-1", "2026-03-01T09:00:00Z", "A"))
        .deliver("clickstream", D2,
            RawFixture.track("m1", "u1", "acc-1", "2026-03-01T09:00:00Z", "A"),
            // A late event: delivered on D2, it belongs to D1's partition.
            RawFixture.track("m2", "u1", "acc-1", "2026-03-01T22:00:00Z", "B"));
    ingest(D1);
    ingest(D2);
    Lake lake = new Lake(dir.toString());
    List<Row> afterTwo = DeltaIO.read(spark(), lake, StagedTables.USAGE_EVENTS).drop("source_file").collectAsList();
    assertEquals(2, afterTwo.size());
    assertEquals(Map.of("duplicate", 1L), reasons());

    ingest(D1);
    ingest(D2);
    DatasetAssertions.assertSameRows(afterTwo,
        DeltaIO.read(spark(), lake, StagedTables.USAGE_EVENTS).drop("source_file").collectAsList());
    assertEquals(Map.of("duplicate", 1L), reasons());
  }

  @Test
  void theFirstRunIngestsHistoryAndLaterRunsOnlyNewDeliveries() {
    new RawFixture(dir)
        .deliver("crm/accounts", D1, RawFixture.CRM_HEADER, RawFixture.crm("acc-1", "organic"))
        .deliver("clickstream", D1, RawFixture.track("m1", "u1", "acc-1", "2026-03-01T09:00:00Z", "A"))
        .deliver("clickstream", D2, RawFixture.track("m2", "u1", "acc-1", "2026-03-02T09:00:00Z", "A"));
    StageResult first = new ClickstreamIngestion().run(spark(), run(D1));
    new CrmIngest().run(spark(), run(D1));
    assertEquals(1, first.rowsIn());
    StageResult second = new ClickstreamIngestion().run(spark(), run(D2));
    assertEquals(1, second.rowsIn(), "the second run reads only the D2 delivery");
    assertEquals(List.of(new Lake(dir.toString()).rawDelivery("clickstream", D2)), second.inputs());
  }

  @Test
  void aDeliveryThatIsMostlyBadFailsAndPublishesNothing() {
    new RawFixture(dir)
        .deliver("crm/accounts", D1, RawFixture.CRM_HEADER, RawFixture.crm("acc-1", "organic"))
        .deliver("clickstream", D1,
            RawFixture.track("m1", "u1", "acc-1", "2026-03-01T09:00:00Z", "A"),
            "not json", "{\"type\": broken");
    RunContext strict = RunContext.start(D1, new Lake(dir.toString()), ChurnscopeConfig.defaults());
    new CrmIngest().run(spark(), strict);
    io.churnscope.common.UserError error = org.junit.jupiter.api.Assertions.assertThrows(io.churnscope.common.UserError.class,
        () -> new ClickstreamIngestion().run(spark(), strict));
    org.junit.jupiter.api.Assertions.assertTrue(error.getMessage().contains("quality.max-quarantine-share"), error.getMessage());
    Lake lake = new Lake(dir.toString());
    assertFalse(DeltaIO.exists(spark(), lake.path(StagedTables.USAGE_EVENTS)), "no event was published");
    assertEquals(0, DeltaIO.read(spark(), lake, RunTables.QUARANTINE).where("source = 'clickstream'").count());
  }

  private Map<String, Long> reasons() {
    Map<String, Long> out = new TreeMap<>();
    DeltaIO.read(spark(), new Lake(dir.toString()), RunTables.QUARANTINE)
        .where("source = 'clickstream'")
        .groupBy("reason").count().collectAsList()
        .forEach(r -> out.put(r.getString(0), r.getLong(1)));
    return out;
  }
}
