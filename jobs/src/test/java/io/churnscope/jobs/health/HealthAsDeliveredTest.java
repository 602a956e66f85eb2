package io.churnscope.jobs.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.schema.EngagementTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.testing.SparkTestBase;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The usage rollups as a past date's nightly saw them ({@link HealthMeasures#asDelivered}), by hand: the
 * published rollups hold what was delivered after the date too — a late event, a late volumetrics row, a
 * configuration snapshot delivered late — and the back-fill must take each out again, while every row no
 * later delivery touched stays as published.
 */
class HealthAsDeliveredTest extends SparkTestBase {
  static final LocalDate D = LocalDate.parse("2026-09-30");
  /** Before the last {@code ingest.max-lateness-days} (30) of D: no event of it can arrive after D. */
  static final String SETTLED = "2026-08-20";
  /** Inside them. */
  static final String RECENT = "2026-09-25";

  static Dataset<Row> sql(String query, io.churnscope.common.lake.TableSpec table) {
    return DeltaIO.conform(spark().sql(query), table);
  }

  static Dataset<Row> event(String id, String user, String account, String time, String delivered) {
    return sql("SELECT '" + id + "' event_id, 'clickstream' source, 'track' event_type, 'Task Created' event_name, "
        + "'tasks' feature, '" + user + "' user_key, '" + account + "' account_id, TIMESTAMP'" + time + "' event_ts, "
        + "DATE(TIMESTAMP'" + time + "') event_date, map('k', 'v') properties, DATE'" + delivered + "' ingest_date, "
        + "'f' source_file", StagedTables.USAGE_EVENTS);
  }

  static Dataset<Row> userDay(String day, String account, String user, long events) {
    return sql("SELECT DATE'" + day + "' activity_date, '" + account + "' account_id, '" + user + "' user_key, true is_active, "
        + events + "L events, " + events + "L active_events, map('Task Created', " + events + "L) events_by_name, "
        + "array('tasks') features, 1 sessions, 60L active_seconds, CAST(NULL AS TIMESTAMP) first_active_ts, "
        + "CAST(NULL AS TIMESTAMP) last_active_ts", EngagementTables.USER_DAY);
  }

  static Dataset<Row> accountDay(String day, String account, long events, long records, Integer settings) {
    return sql("SELECT DATE'" + day + "' activity_date, '" + account + "' account_id, " + (events > 0) + " is_active, "
        + (events > 0 ? 1 : 0) + "L active_users, " + (events > 0 ? 1 : 0) + "L users_seen, " + events + "L events, "
        + events + "L active_events, map('Task Created', " + events + "L) events_by_name, array('tasks') features, "
        + "1L sessions, 60L active_seconds, " + records + "L records_created, CAST(" + settings + " AS INT) settings_enabled",
        EngagementTables.ACCOUNT_DAY);
  }

  /**
   * Staged rows and the rollups published on 2026-10-31 from them, which hold three rows delivered
   * after D: u1's second event of RECENT (delivered 2026-10-03), 2 of A's records of SETTLED (2026-10-02)
   * and C's only configuration snapshot of SETTLED (2026-10-05).
   */
  static HealthMeasures.History history() {
    // Staged: u1's second event of RECENT in account A arrived after D; u2's (account B) did not.
    Dataset<Row> events = event("e1", "u1", "A", RECENT + " 09:00:00", RECENT)
        .union(event("e2", "u1", "A", RECENT + " 09:05:00", "2026-10-03"))
        .union(event("e3", "u2", "B", RECENT + " 10:00:00", RECENT));
    // Volumetrics of A on SETTLED: 3 records delivered that day, 2 more delivered after D; C's only
    // configuration snapshot of SETTLED was delivered after D.
    Dataset<Row> volumetrics = sql("SELECT * FROM VALUES ('A', DATE'" + SETTLED + "', 'task', 3L, DATE'" + SETTLED + "', 'f'), "
        + "('A', DATE'" + SETTLED + "', 'project', 2L, DATE'2026-10-02', 'f') "
        + "AS t(account_id, extract_date, object_type, records_created, ingest_date, source_file)",
        StagedTables.ACCOUNT_VOLUMETRICS);
    Dataset<Row> config = sql("SELECT * FROM VALUES ('C', DATE'" + SETTLED + "', 'sso', true, DATE'2026-10-05', 'f') "
        + "AS t(account_id, snapshot_date, setting, enabled, ingest_date, source_file)", StagedTables.ACCOUNT_CONFIG);
    // Published on 2026-10-31, with everything delivered by then.
    Dataset<Row> userDays = userDay(RECENT, "A", "u1", 2).union(userDay(RECENT, "B", "u2", 1))
        .union(userDay(SETTLED, "A", "u3", 5));
    Dataset<Row> accountDays = accountDay(RECENT, "A", 2, 0, null).union(accountDay(RECENT, "B", 1, 0, null))
        .union(accountDay(SETTLED, "A", 5, 5, null)).union(accountDay(SETTLED, "C", 0, 0, 1));
    return new HealthMeasures.History(null, null, null, null, accountDays, userDays, null, null,
        null, new HealthMeasures.DeliveredUsage(events, volumetrics, config, LocalDate.parse("2026-10-31")));
  }

  @Test
  void whatWasDeliveredAfterTheDateIsTakenOutAndEverythingElseIsAsPublished() {
    HealthMeasures.Rollups asOfD = HealthMeasures.asDelivered(history(), D,
        HealthMeasures.Settings.from(ChurnscopeConfig.defaults()));

    assertEquals(Map.of(RECENT + " A u1", 1L, RECENT + " B u2", 1L),
        byKey(asOfD.userDays(), "user_key", "events"),
        "user-days of the MAU window: u1's late event taken out, u2's as published");
    assertEquals(Map.of(RECENT + " A", 1L, RECENT + " B", 1L, SETTLED + " A", 5L),
        byKey(asOfD.accountDays(), null, "events"), "account-days: A's RECENT rolled up again, A's SETTLED too (late "
            + "records) from its user-day before the MAU window, C's SETTLED gone");
    assertEquals(Map.of(RECENT + " A", 0L, RECENT + " B", 0L, SETTLED + " A", 3L),
        byKey(asOfD.accountDays(), null, "records_created"), "the 2 records delivered after D are not counted");
  }

  /**
   * Several dates in one plan, each row's account keyed by its date: on 2026-10-03 u1's second event and
   * A's 2 records had been delivered, C's snapshot had not; on D none of them had.
   */
  @Test
  void eachDateInOnePlanSeesWhatWasDeliveredByItself() {
    String later = "2026-10-03";
    HealthMeasures.Rollups both = HealthMeasures.asDelivered(history(), java.util.List.of(D, LocalDate.parse(later)),
        HealthMeasures.Settings.from(ChurnscopeConfig.defaults()));

    assertEquals(Map.of(RECENT + " A@" + D + " u1", 1L, RECENT + " B@" + D + " u2", 1L,
            RECENT + " A@" + later + " u1", 2L, RECENT + " B@" + later + " u2", 1L),
        byKey(both.userDays(), "user_key", "events"), "user-days of each date");
    assertEquals(Map.of(RECENT + " A@" + D, 0L, RECENT + " B@" + D, 0L, SETTLED + " A@" + D, 3L,
            RECENT + " A@" + later, 0L, RECENT + " B@" + later, 0L, SETTLED + " A@" + later, 5L),
        byKey(both.accountDays(), null, "records_created"), "records delivered by each date; C's snapshot by neither");
  }

  /** "day account [user]" → the column's value (an account keyed by its date as "account@date"). */
  static Map<String, Long> byKey(Dataset<Row> rows, String user, String column) {
    Map<String, Long> out = new TreeMap<>();
    for (Row r : rows.collectAsList()) {
      String key = r.getAs("activity_date").toString() + " " + r.<String>getAs("account_id").replace('\u0001', '@')
          + (user == null ? "" : " " + r.getAs(user));
      out.put(key, ((Number) r.getAs(column)).longValue());
    }
    return out;
  }
}
