package io.churnscope.jobs.engagement;

import static io.churnscope.jobs.engagement.EngagementFixtures.version;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.testing.SparkTestBase;
import io.churnscope.jobs.subscriptions.AccountStatus;
import io.churnscope.jobs.subscriptions.ArrTiers;
import io.churnscope.jobs.subscriptions.ChurnEvents;
import io.churnscope.jobs.subscriptions.LicensedSeats;
import io.churnscope.jobs.subscriptions.MrrLedgerStage;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * {@code marts.account_status.seats} and {@code marts.account_engagement.licensed_seats} come from
 * one definition ({@link LicensedSeats}), so they agree on every account of a small book on one date.
 */
class LicensedSeatsAgreementTest extends SparkTestBase {
  static final LocalDate RUN = LocalDate.parse("2026-10-31");

  @Test
  void accountStatusAndAccountEngagementCountTheSameSeats() {
    Dataset<Row> versions = spark().createDataFrame(List.of(
        // A: core 2 → 4 seats from 15 Oct; the analytics add-on repeats the 4 and adds none.
        version("a1", 1, "A", "core", "active", 2, "10", "2026-09-01", null),
        version("a1", 2, "A", "core", "active", 4, "10", "2026-10-15", null),
        version("a2", 1, "A", "analytics", "active", 4, "5", "2026-09-01", null),
        // B: two core subscriptions, 3 + 2.
        version("b1", 1, "B", "core", "active", 3, "10", "2026-09-01", null),
        version("b2", 1, "B", "core", "active", 2, "10", "2026-10-01", null),
        // C: the core ended on 20 Oct, the add-on runs out its term: its 6 are the seats.
        version("c1", 1, "C", "core", "active", 6, "10", "2026-09-01", "2026-10-20"),
        version("c2", 1, "C", "analytics", "active", 6, "5", "2026-09-01", null),
        // D: past_due still licenses its seats.
        version("d1", 1, "D", "core", "past_due", 2, "10", "2026-09-01", null),
        // T: a trial, F: a free plan — no seats.
        version("t1", 1, "T", "core", "trialing", 5, "10", "2026-10-20", null),
        version("f1", 1, "F", "core", "active", 3, "0", "2026-09-01", null)), EngagementFixtures.VERSIONS).cache();

    MrrLedgerStage.Ledger ledger = MrrLedgerStage.compute(versions,
        spark().createDataFrame(List.of(), StagedTables.FX_RATES.schema()), RUN, "USD", 3);
    Dataset<Row> status = AccountStatus.apply(spark().createDataFrame(List.of(), StagedTables.CRM_ACCOUNTS.schema()),
        versions, ledger.accounts(), ChurnEvents.apply(ledger.accounts(), versions, 30, 90), RUN,
        new ArrTiers(List.of(new BigDecimal("5000"), new BigDecimal("2000"))), List.of("core"));
    EngagementSettings settings = EngagementFixtures.settings();
    Dataset<Row> noUserDays = spark().createDataFrame(List.of(),
        io.churnscope.common.schema.EngagementTables.USER_DAY.schema());
    Dataset<Row> noAccountDays = spark().createDataFrame(List.of(),
        io.churnscope.common.schema.EngagementTables.ACCOUNT_DAY.schema());
    Dataset<Row> engagement = AccountEngagement.snapshot(noAccountDays, noUserDays,
        LicensedSeats.on(versions, RUN, settings.seatProducts()), RUN, settings);

    Map<String, Long> statusSeats = new TreeMap<>();
    for (Row r : status.select("account_id", "seats").collectAsList()) {
      statusSeats.put(r.getString(0), r.isNullAt(1) ? 0L : r.getInt(1));
    }
    Map<String, Long> engagementSeats = new TreeMap<>();
    for (Row r : engagement.select("account_id", "licensed_seats").collectAsList()) {
      engagementSeats.put(r.getString(0), r.getLong(1));
    }
    // account_status lists every account billing knows; account_engagement those with seats or activity.
    statusSeats.forEach((account, seats) -> assertEquals(seats, engagementSeats.getOrDefault(account, 0L),
        "seats of " + account + ": account_status " + seats + ", account_engagement " + engagementSeats.get(account)));
    engagementSeats.forEach((account, seats) -> assertEquals(seats, statusSeats.getOrDefault(account, 0L),
        "account " + account + " in account_engagement only"));
    assertEquals(Map.of("A", 4L, "B", 5L, "C", 6L, "D", 2L, "F", 0L, "T", 0L), statusSeats);
    versions.unpersist();
  }
}
