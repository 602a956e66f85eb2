package io.churnscope.jobs.dimensions;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.schema.EngagementTables;
import io.churnscope.common.schema.MartTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.testing.DatasetAssertions;
import io.churnscope.common.testing.SparkTestBase;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Known answers for {@link AccountAttributes#asOf}: three accounts, keys on several dates each, in
 * one call. Default configuration: ARR tiers [120000, 24000], size edges [50, 500], tenure edges
 * [90, 365, 730] days, stick point 90 days, MAU window 28 days; usage rolled up from 2026-03-01.
 */
class AccountAttributesKnownAnswerTest extends SparkTestBase {
  static List<Row> result;

  @BeforeAll
  static void compute() {
    Dataset<Row> crm = frame(StagedTables.CRM_ACCOUNTS.schema(),
        // A: small US retailer from organic search; on Apr 15 at 09:00 it moves to GB with 120 employees.
        crm("acc-a", "organic", "seo-blog", "US", "CA", "retail", 30, "2026-01-10T08:00:00"),
        crm("acc-a", "organic", "seo-blog", "GB", "ENG", "retail", 120, "2026-04-15T09:00:00"),
        // B: a trial from paid search, no campaign, no employee count.
        crm("acc-b", "paid_search", null, "BR", "SP", "software", null, "2026-03-20T10:00:00"),
        // C: a large reseller account in Japan, which the region map puts in APAC.
        crm("acc-c", "reseller", "reseller-contoso", "JP", null, "finance", 900, "2025-05-20T10:00:00"));
    Dataset<Row> versions = frame(StagedTables.SUBSCRIPTION_VERSIONS.schema(),
        // A: core starter, 10 seats, 150 a month from Feb 1 (ARR 1,800: Tier 3); growth at 3,000 a month from
        // May 1 (ARR 36,000: Tier 2).
        version("sa", 1, "acc-a", "starter", 10, "150", "active", "2026-02-01", "2026-02-01", null, null, null),
        version("sa", 2, "acc-a", "growth", 10, "3000", "active", "2026-02-01", "2026-05-01", null, null, null),
        // B: a 14-day trial from Apr 1; trials pay nothing and license no seats.
        version("sb", 1, "acc-b", "starter", 3, "45", "trialing", "2026-04-01", "2026-04-01", "2026-04-01",
            "2026-04-15", null),
        // C: core starter 200 a month from Jun 1 2025, ended Mar 10 2026.
        version("sc", 1, "acc-c", "starter", 5, "200", "active", "2025-06-01", "2025-06-01", null, null, null),
        version("sc", 2, "acc-c", "starter", 5, "200", "canceled", "2025-06-01", "2026-03-10", null, null, "2026-03-10"));
    Dataset<Row> churns = frame(MartTables.CHURN_EVENTS.schema(), RowFactory.create("acc-c", date("2026-03-01"),
        date("2026-03-10"), new BigDecimal("200.0000"), "price", "avoidable", date("2025-06-01"), 282, null,
        "established", new BigDecimal("0.0000")));

    List<Row> userDays = new ArrayList<>();
    List<Row> accountDays = new ArrayList<>();
    // The rollups start on Mar 1 (another account's row).
    accountDays.add(accountDay("acc-z", "2026-03-01", 1, 1, List.of("reports")));
    // A: u1 (reports) and u2 (tasks) active every day Apr 10-15, one event each.
    for (LocalDate d = LocalDate.parse("2026-04-10"); !d.isAfter(LocalDate.parse("2026-04-15")); d = d.plusDays(1)) {
      userDays.add(userDay("acc-a", "u1", d.toString(), "reports"));
      userDays.add(userDay("acc-a", "u2", d.toString(), "tasks"));
      accountDays.add(accountDay("acc-a", d.toString(), 2, 2, List.of("reports", "tasks")));
    }
    Dataset<Row> keys = spark().createDataFrame(List.of(
        key("acc-a", "2026-03-15"), key("acc-a", "2026-04-14"), key("acc-a", "2026-04-15"), key("acc-a", "2026-05-20"),
        key("acc-a", "2026-05-20"), // a repeated key: still one row
        key("acc-b", "2026-04-10"), key("acc-c", "2026-03-01"), key("acc-c", "2026-04-20")),
        new StructType().add("account_id", "string").add("as_of_date", "date"));
    AccountAttributes.Sources sources = new AccountAttributes.Sources(crm, versions,
        frame(StagedTables.FX_RATES.schema()), churns,
        spark().createDataFrame(accountDays, EngagementTables.ACCOUNT_DAY.schema()),
        spark().createDataFrame(userDays, EngagementTables.USER_DAY.schema()));
    result = AccountAttributes.asOf(sources, ChurnscopeConfig.defaults(), keys).collectAsList();
  }

  @Test
  void attributesAreThoseInForceAtTheEndOfEachDate() {
    DatasetAssertions.assertSameRows(List.of(
        // Mar 15: the rollups (Mar 1) do not cover the 28-day window (Feb 16 - Mar 15): usage unknown.
        // Tenure Feb 1 - Mar 15 = 42 days: onboarding.
        expected("acc-a", "2026-03-15", "organic", "seo-blog", "US", "North America", "CA", "retail", "small",
            "starter", "Tier 3", "<90d", "onboarding", null, null, null, null, null),
        // Apr 14: still the January CRM row. 5 active days of 14 (Apr 10 - 14) -> weekly; 2 users on 10 seats
        // (0.2) -> low; 2 features -> narrow; nothing in the prior week -> new; each user half -> moderate.
        expected("acc-a", "2026-04-14", "organic", "seo-blog", "US", "North America", "CA", "retail", "small",
            "starter", "Tier 3", "<90d", "onboarding", "weekly", "low", "narrow", "new", "moderate"),
        // Apr 15: the 09:00 change counts by the end of the day: GB, EMEA, 120 employees = medium.
        expected("acc-a", "2026-04-15", "organic", "seo-blog", "GB", "EMEA", "ENG", "retail", "medium",
            "starter", "Tier 3", "<90d", "onboarding", "weekly", "low", "narrow", "new", "moderate"),
        // May 20: growth at 3,000 (Tier 2); tenure 108 days: adoption; no activity in 28 days: dormant, 0 of
        // 10 seats used = low, no features, no events in either week = inactive, no users = none.
        expected("acc-a", "2026-05-20", "organic", "seo-blog", "GB", "EMEA", "ENG", "retail", "medium",
            "growth", "Tier 2", "90-364d", "adoption", "dormant", "low", "none", "inactive", "none"),
        // B on Apr 10: an open trial, nothing paid: no plan, tier or tenure; no seats; no usage at all.
        expected("acc-b", "2026-04-10", "paid_search", null, "BR", "Latin America", "SP", "software", null,
            null, null, null, "trial", "dormant", "no_seats", "none", "inactive", "none"),
        // C on Mar 1: paying since Jun 1 2025 (273 days), Tier 3; usage before the rollups cover it.
        expected("acc-c", "2026-03-01", "reseller", "reseller-contoso", "JP", "APAC", null, "finance", "large",
            "starter", "Tier 3", "90-364d", "adoption", null, null, null, null, null),
        // C on Apr 20: churned on Mar 10.
        expected("acc-c", "2026-04-20", "reseller", "reseller-contoso", "JP", "APAC", null, "finance", "large",
            null, null, null, "churned", "dormant", "no_seats", "none", "inactive", "none")),
        result);
  }

  static Row expected(Object... values) {
    values[1] = date((String) values[1]);
    return RowFactory.create(values);
  }

  static Row key(String account, String day) {
    return RowFactory.create(account, date(day));
  }

  static Row crm(String account, String channel, String campaign, String country, String state, String industry,
      Integer employees, String modifiedAt) {
    Map<String, Object> v = new HashMap<>();
    v.put("account_id", account);
    v.put("created_date", date("2025-01-01"));
    v.put("acquisition_channel", channel);
    v.put("campaign", campaign);
    v.put("country", country);
    v.put("state", state);
    v.put("industry", industry);
    v.put("employee_count", employees);
    v.put("last_modified_at", Timestamp.valueOf(modifiedAt.replace('T', ' ')));
    return byName(StagedTables.CRM_ACCOUNTS.schema(), v);
  }

  static Row version(String sub, int version, String account, String plan, int seats, String amount, String status,
      String start, String effective, String trialStart, String trialEnd, String endedAt) {
    Map<String, Object> v = new HashMap<>();
    v.put("subscription_id", sub);
    v.put("version", version);
    v.put("account_id", account);
    v.put("product", "core");
    v.put("plan", plan);
    v.put("billing_interval", "month");
    v.put("quantity", seats);
    v.put("unit_amount", new BigDecimal(amount).divide(BigDecimal.valueOf(seats), 4, java.math.RoundingMode.HALF_UP));
    v.put("amount", new BigDecimal(amount));
    v.put("currency", "USD");
    v.put("status", status);
    v.put("trial_start", date(trialStart));
    v.put("trial_end", date(trialEnd));
    v.put("start_date", date(start));
    v.put("effective_date", date(effective));
    v.put("ended_at", date(endedAt));
    v.put("updated_at", Timestamp.valueOf(effective + " 00:00:00"));
    return byName(StagedTables.SUBSCRIPTION_VERSIONS.schema(), v);
  }

  static Row userDay(String account, String user, String day, String feature) {
    Map<String, Object> v = new HashMap<>();
    v.put("activity_date", date(day));
    v.put("account_id", account);
    v.put("user_key", user);
    v.put("is_active", true);
    v.put("events", 1L);
    v.put("active_events", 1L);
    v.put("events_by_name", CollectionConverters.asScala(Map.of("Report Viewed", 1L)));
    v.put("features", CollectionConverters.asScala(List.of(feature)).toSeq());
    v.put("sessions", 1);
    v.put("active_seconds", 0L);
    return byName(EngagementTables.USER_DAY.schema(), v);
  }

  static Row accountDay(String account, String day, long users, long events, List<String> features) {
    Map<String, Object> v = new HashMap<>();
    v.put("activity_date", date(day));
    v.put("account_id", account);
    v.put("is_active", true);
    v.put("active_users", users);
    v.put("users_seen", users);
    v.put("events", events);
    v.put("active_events", events);
    v.put("events_by_name", CollectionConverters.asScala(Map.of("Report Viewed", events)));
    v.put("features", CollectionConverters.asScala(features).toSeq());
    v.put("sessions", users);
    v.put("active_seconds", 0L);
    v.put("records_created", 0L);
    return byName(EngagementTables.ACCOUNT_DAY.schema(), v);
  }

  static Row byName(StructType schema, Map<String, Object> values) {
    Object[] row = new Object[schema.size()];
    StructField[] fields = schema.fields();
    for (int i = 0; i < fields.length; i++) {
      row[i] = values.get(fields[i].name());
    }
    return RowFactory.create(row);
  }

  static Dataset<Row> frame(StructType schema, Row... rows) {
    return spark().createDataFrame(List.of(rows), schema);
  }

  static Date date(String day) {
    return day == null ? null : Date.valueOf(day);
  }
}
