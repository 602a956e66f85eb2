package io.churnscope.jobs.engagement;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.schema.StagedTables;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Hand-built staged rows for the engagement tests. */
final class EngagementFixtures {
  private EngagementFixtures() {}

  static EngagementSettings settings(String... keyValues) {
    Map<String, String> overrides = new java.util.HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      overrides.put(keyValues[i], keyValues[i + 1]);
    }
    return EngagementSettings.from(ChurnscopeConfig.load(null, overrides));
  }

  /**
   * A {@code staged.usage_events} row. {@code when} is an ISO instant with any offset; the event date
   * is its UTC date, as ingestion stages it. The ingest date is the event's UTC date unless given.
   */
  static Row event(String id, String account, String user, String name, String feature, String when) {
    return event(id, account, user, name, feature, when, null);
  }

  static Row event(String id, String account, String user, String name, String feature, String when, String ingestDate) {
    Instant instant = java.time.OffsetDateTime.parse(when).toInstant();
    LocalDate utcDate = instant.atZone(ZoneOffset.UTC).toLocalDate();
    Date delivered = Date.valueOf(ingestDate == null ? utcDate : LocalDate.parse(ingestDate));
    return RowFactory.create(id, "clickstream", "track", name, feature, user, account, Timestamp.from(instant),
        Date.valueOf(utcDate), null, delivered, "fixture");
  }

  /** A subscription version; {@code ended} may be null. */
  static Row version(String subscription, int version, String account, String product, String status, int quantity,
      String amount, String effective, String ended) {
    return RowFactory.create(subscription, version, account, product, "team", "month", quantity,
        new BigDecimal(amount), new BigDecimal(amount).multiply(BigDecimal.valueOf(quantity)), "USD", status, null, null,
        Date.valueOf("2026-01-01"), Date.valueOf(effective), null, ended == null ? null : Date.valueOf(ended), null,
        Timestamp.from(Instant.parse("2026-01-01T00:00:00Z")), Date.valueOf(effective), "fixture");
  }

  static Row volumetrics(String account, String day, String objectType, long created) {
    return RowFactory.create(account, Date.valueOf(day), objectType, created, Date.valueOf(day), "fixture");
  }

  static Row config(String account, String day, String setting, boolean enabled) {
    return RowFactory.create(account, Date.valueOf(day), setting, enabled, Date.valueOf(day), "fixture");
  }

  static final org.apache.spark.sql.types.StructType EVENTS = StagedTables.USAGE_EVENTS.schema();
  static final org.apache.spark.sql.types.StructType VERSIONS = StagedTables.SUBSCRIPTION_VERSIONS.schema();
  static final org.apache.spark.sql.types.StructType VOLUMETRICS = StagedTables.ACCOUNT_VOLUMETRICS.schema();
  static final org.apache.spark.sql.types.StructType CONFIG = StagedTables.ACCOUNT_CONFIG.schema();
}
