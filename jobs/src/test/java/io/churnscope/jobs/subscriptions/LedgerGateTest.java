package io.churnscope.jobs.subscriptions;

import static io.churnscope.jobs.subscriptions.LedgerFixtures.fx;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.usd;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.v;
import static io.churnscope.jobs.subscriptions.LedgerFixtures.versions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.quality.QualityGate;
import io.churnscope.common.quality.QualityGate.QualityGateFailure;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.schema.MartTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.testing.SparkTestBase;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger's quality gates: what they catch, and that a failed gate publishes nothing. */
class LedgerGateTest extends SparkTestBase {
  @TempDir
  Path dir;

  /** A March row of marts.mrr_ledger_account as the stage writes it, as_of_date included. */
  static LedgerRow march(String account) {
    return LedgerRow.row("2026-03", account).asOf("2026-03-31");
  }

  @Test
  void theLedgerGateCountsEveryViolatingRowByCheck() {
    Dataset<Row> rows = spark().createDataFrame(LedgerRow.ledgerRows(
        march("ok").start("100").expansion("20").fx("-5").end("115"),
        march("off-by-a-hundredth-of-a-cent").start("100").expansion("20").fx("-5").end("115.0001"),
        march("negative-churn").start("100").churn("-10").end("110"),
        march("null-end").start("100").end(null)),
        MartTables.MRR_LEDGER_ACCOUNT.schema().asNullable());
    List<QualityGate.Outcome> outcomes = LedgerChecks.ledger("t").evaluate(rows);
    // A check that cannot be decided (a null) is a violation: the null row counts in every check.
    assertEquals(List.of(
        new QualityGate.Outcome("mrr_identity", QualityGate.Level.ERROR, 2),
        new QualityGate.Outcome("null_mrr", QualityGate.Level.ERROR, 1),
        new QualityGate.Outcome("negative_mrr_or_movement", QualityGate.Level.ERROR, 2)), outcomes);
    QualityGateFailure failure = assertThrows(QualityGateFailure.class, () -> LedgerChecks.ledger("t").enforce(rows));
    assertTrue(failure.getMessage().contains("mrr_identity (2 rows)"), failure.getMessage());
    // The good row alone passes.
    assertEquals(3, LedgerChecks.ledger("t").enforce(rows.where("account_id = 'ok'")).size());
  }

  @Test
  void warningsAreCountedButDoNotFail() {
    Dataset<Row> rows = spark().range(10).toDF();
    List<QualityGate.Outcome> outcomes = QualityGate.on("t").warning("odd", rows.col("id").mod(2).equalTo(1)).enforce(rows);
    assertEquals(List.of(new QualityGate.Outcome("odd", QualityGate.Level.WARNING, 5)), outcomes);
    assertFalse(outcomes.get(0).failed());
  }

  @Test
  void aPayingSubscriptionWithoutAnFxRateFailsTheStageAndKeepsTheLastLedger() throws Exception {
    Lake lake = new Lake(dir.toString());
    RunContext run = RunContext.start(LocalDate.parse("2026-03-31"), lake, ChurnscopeConfig.defaults());
    DeltaIO.overwrite(spark(), lake, StagedTables.FX_RATES, fx(spark(), "2026-01-01", "EUR", "1.1", "2026-02-01", "EUR", "1.1",
        "2026-03-01", "EUR", "1.1"));
    DeltaIO.overwrite(spark(), lake, StagedTables.SUBSCRIPTION_VERSIONS,
        versions(spark(), usd("u", 1, "acc-u", "100", "active", "2026-01-01")));
    new MrrLedgerStage().run(spark(), run);
    long published = DeltaIO.read(spark(), lake, MartTables.MRR_LEDGER).count();
    assertEquals(3, published);

    // A CAD subscription arrives, but no CAD rate: its MRR cannot be converted.
    DeltaIO.overwrite(spark(), lake, StagedTables.SUBSCRIPTION_VERSIONS, versions(spark(),
        usd("u", 1, "acc-u", "100", "active", "2026-01-01"),
        v("c", 1, "acc-c", "core", "month", "100", "CAD", "active", "2026-02-01")));
    QualityGateFailure failure = assertThrows(QualityGateFailure.class, () -> new MrrLedgerStage().run(spark(), run));
    assertTrue(failure.getMessage().contains("mrr_without_fx_rate (2 rows)"), failure.getMessage());
    assertEquals(published, DeltaIO.read(spark(), lake, MartTables.MRR_LEDGER).count(), "the last ledger stays published");
    assertEquals(3, DeltaIO.read(spark(), lake, MartTables.MRR_LEDGER_ACCOUNT).count());
  }
}
