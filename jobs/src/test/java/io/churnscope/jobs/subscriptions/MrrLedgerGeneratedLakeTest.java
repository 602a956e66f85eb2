package io.churnscope.jobs.subscriptions;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.beust.jcommander.JCommander;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.MartTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.testing.DatasetAssertions;
import io.churnscope.common.testing.DuckDbReader;
import io.churnscope.common.testing.SparkTestBase;
import io.churnscope.generator.SampleLakeGenerator;
import io.churnscope.jobs.ingest.BillingIngest;
import io.churnscope.jobs.ingest.CrmIngest;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code mrr-ledger} stage on a small generated lake (scale 0.1, 12 months of billing history,
 * enough planted churn to recover it account by account) (three currencies, moving FX, annual plans,
 * upgrades, cross-sells, churn and reactivations): the identity holds on every published row, each
 * row starts where the previous month ended, and DuckDB — plain SQL written here over the staged
 * Parquet files — recomputes every month's movement totals to the hundredth of a cent.
 */
class MrrLedgerGeneratedLakeTest extends SparkTestBase {
  static final LocalDate RUN_DATE = LocalDate.parse("2026-10-31");
  static final List<String> MONEY = LedgerRow.MOVEMENTS;

  @TempDir
  static Path dir;
  static Lake lake;
  static RunContext run;
  static StageResult result;
  static long stageMillis;

  @BeforeAll
  static void generateIngestAndRunTheStage() throws Exception {
    lake = new Lake(dir.resolve("lake").toString());
    SampleLakeGenerator.Args generate = new SampleLakeGenerator.Args();
    JCommander.newBuilder().addObject(generate).build().parse("--lake", lake.root(), "--scale", "0.1",
        "--history-months", "12", "--usage-days", "14", "--end-date", RUN_DATE.toString());
    SampleLakeGenerator.run(spark(), generate);
    run = RunContext.start(RUN_DATE, lake, ChurnscopeConfig.defaults());
    new CrmIngest().run(spark(), run);
    new BillingIngest().run(spark(), run);
    long started = System.nanoTime();
    result = new MrrLedgerStage().run(spark(), run);
    stageMillis = (System.nanoTime() - started) / 1_000_000;
    System.out.println("mrr-ledger on the generated lake: " + stageMillis + " ms; " + result.message());
    started = System.nanoTime();
    StageResult churn = new ChurnMetricsStage().run(spark(), run);
    System.out.println("churn-metrics on the generated lake: " + (System.nanoTime() - started) / 1_000_000 + " ms; "
        + churn.message());
    truth = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("lake/_generator/ground_truth.json").toFile());
  }

  static com.fasterxml.jackson.databind.JsonNode truth;

  @Test
  void thePlantedChurnIsRecoveredAsChurnEvents() {
    Dataset<Row> events = DeltaIO.read(spark(), lake, MartTables.CHURN_EVENTS);
    long planted = truth.path("counts").path("churned").asLong();
    assertTrue(planted > 0, "the generator planted churn");
    assertEquals(planted, events.count(), "one churn event per churned account of the ground truth");
    assertEquals(planted, events.select("account_id").distinct().count());
    Row lost = events.selectExpr("sum(lost_mrr)").first();
    Row ledgerChurn = DeltaIO.read(spark(), lake, MartTables.MRR_LEDGER_ACCOUNT).selectExpr("sum(churn_mrr)").first();
    assertEquals(ledgerChurn.getDecimal(0), lost.getDecimal(0), "events carry all the ledger's churned MRR");
    assertEquals(0, events.where("reason_group NOT IN ('avoidable', 'unavoidable', 'unknown') OR reason IS NULL").count());
    Row metricChurn = DeltaIO.read(spark(), lake, MartTables.CHURN_METRICS).selectExpr("sum(churned_accounts)").first();
    assertEquals(planted, metricChurn.getLong(0));
  }

  @Test
  void eachPlantedChurnIsRecoveredWithItsMonthDateReasonAndLostMrrToTheCent() throws Exception {
    List<String> lines = java.nio.file.Files.readAllLines(dir.resolve("lake/_generator/accounts_truth.csv"));
    List<String> header = List.of(lines.get(0).split(","));
    List<Row> planted = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] v = line.split(",", -1);
      if (Boolean.parseBoolean(v[header.indexOf("churned")])) {
        planted.add(org.apache.spark.sql.RowFactory.create(v[header.indexOf("account_id")],
            java.sql.Date.valueOf(v[header.indexOf("churn_date")]), v[header.indexOf("cancel_reason")],
            v[header.indexOf("currency")], new BigDecimal(v[header.indexOf("churn_lost_mrr")]),
            Boolean.parseBoolean(v[header.indexOf("churn_changed_in_month")])));
      }
    }
    Dataset<Row> truth = spark().createDataFrame(planted, new org.apache.spark.sql.types.StructType()
        .add("t_account_id", "string").add("t_churn_date", "date").add("t_reason", "string").add("t_currency", "string")
        .add("t_lost", "decimal(18,4)").add("t_changed", "boolean"));
    Dataset<Row> events = DeltaIO.read(spark(), lake, MartTables.CHURN_EVENTS);
    Dataset<Row> rates = MonthStartRates.apply(DeltaIO.read(spark(), lake, StagedTables.FX_RATES),
        events.select("month").distinct(), "USD");
    Dataset<Row> compared = truth
        .join(events, col("account_id").equalTo(col("t_account_id")), "full_outer")
        .join(rates, rates.col("month").equalTo(events.col("month")).and(rates.col("currency").equalTo(col("t_currency"))), "left")
        .selectExpr("coalesce(t_account_id, account_id) AS account", "t_churn_date", "churn_date", "t_reason", "reason",
            "t_changed", "lost_mrr", "CAST(t_lost * rate_to_base AS DECIMAL(28,8)) AS expected_lost")
        .cache();
    // Counts per month, exactly.
    Map<String, Long> plantedByMonth = new TreeMap<>();
    truth.selectExpr("date_format(t_churn_date, 'yyyy-MM')").collectAsList()
        .forEach(r -> plantedByMonth.merge(r.getString(0), 1L, Long::sum));
    Map<String, Long> recoveredByMonth = new TreeMap<>();
    events.selectExpr("date_format(month, 'yyyy-MM')").collectAsList()
        .forEach(r -> recoveredByMonth.merge(r.getString(0), 1L, Long::sum));
    assertEquals(plantedByMonth, recoveredByMonth, "churned accounts per month: planted vs churn events");
    // Every planted churn is an event of the same account, day and reason; nothing extra.
    assertEquals(0, compared.where("t_churn_date IS NULL OR churn_date IS NULL OR t_churn_date <> churn_date "
        + "OR lower(t_reason) <> reason").count(), "churns whose account, date or reason differ");
    // Lost MRR to the cent (the truth rounds per subscription in its currency, the ledger after conversion: at most
    // a few 1/10000 apart), for every churn without a change earlier in its month.
    long unchanged = compared.where("NOT t_changed").count();
    long offByMoreThanHalfACent = compared.where("NOT t_changed AND abs(lost_mrr - expected_lost) > 0.005").count();
    long changed = compared.where("t_changed").count();
    System.out.println("planted churn recovered: " + planted.size() + " churns, " + unchanged
        + " compared to the cent (" + offByMoreThanHalfACent + " off), " + changed
        + " with a version change earlier in the churn month (loss measured at the month's start by the ledger)");
    assertTrue(unchanged > 0, "some churn to compare");
    assertEquals(0, offByMoreThanHalfACent, "lost MRR differing from the planted loss by more than half a cent");
    // A change earlier in the churn month is the only reason the amounts may differ: the ledger takes the month's start.
    assertTrue(2 * unchanged >= planted.size(), "most churns compared to the cent: " + unchanged + " of " + planted.size());
    assertTrue(planted.size() >= 5, "enough planted churn to be a test: " + planted.size());
  }

  @Test
  void theIdentityHoldsOnEveryRowOfBothGrains() {
    Dataset<Row> products = DeltaIO.read(spark(), lake, MartTables.MRR_LEDGER);
    Dataset<Row> accounts = DeltaIO.read(spark(), lake, MartTables.MRR_LEDGER_ACCOUNT);
    assertTrue(products.count() > 100, "a ledger of some size: " + products.count());
    assertEquals(0, products.where(LedgerChecks.identityGap().notEqual(0)).count(), "product rows breaking the identity");
    assertEquals(0, accounts.where(LedgerChecks.identityGap().notEqual(0)).count(), "account rows breaking the identity");
    // The lake exercises what the identity must survive: FX, churn, reactivation, cross-sell, expansion.
    Row totals = products.selectExpr("sum(CAST(fx_mrr <> 0 AS INT))", "sum(CAST(churn_mrr > 0 AS INT))",
        "sum(CAST(cross_sell_mrr > 0 AS INT))", "sum(CAST(expansion_mrr > 0 AS INT))",
        "sum(CAST(contraction_mrr > 0 AS INT))", "sum(CAST(new_mrr > 0 AS INT))").first();
    for (int i = 0; i < totals.length(); i++) {
      assertTrue(totals.getLong(i) > 0, "movement " + i + " occurs: " + totals);
    }
    // The rollup is the sum of the products.
    DatasetAssertions.assertSameRows(
        AccountLedger.apply(products).select("month", "account_id", "end_mrr"),
        accounts.select("month", "account_id", "end_mrr"));
  }

  @Test
  void eachRowStartsWhereTheSameAccountAndProductEndedTheMonthBefore() {
    Dataset<Row> ledger = DeltaIO.read(spark(), lake, MartTables.MRR_LEDGER);
    Dataset<Row> previous = ledger.select(col("account_id").as("p_account"), col("product").as("p_product"),
        col("month").as("p_month"), col("end_mrr").as("p_end"));
    long broken = ledger.join(previous, col("p_account").equalTo(col("account_id"))
            .and(col("p_product").equalTo(col("product")))
            .and(col("p_month").equalTo(org.apache.spark.sql.functions.add_months(col("month"), -1))), "left")
        .where("start_mrr <> coalesce(p_end, 0)").count();
    assertEquals(0, broken, "rows whose start is not last month's end");
  }

  @Test
  void duckDbRecomputesEveryMonthsMovementTotalsFromTheStagedFiles() {
    Map<String, List<Long>> spark = new TreeMap<>();
    MrrLedgerStage.monthTotals(DeltaIO.read(spark(), lake, MartTables.MRR_LEDGER)).collectAsList().forEach(r -> {
      List<Long> units = new ArrayList<>();
      for (String m : MONEY) {
        units.add(((BigDecimal) r.getAs(m)).movePointRight(4).longValueExact());
      }
      spark.put(r.getDate(0).toString(), units);
    });
    Map<String, List<Long>> duck = new TreeMap<>();
    try (DuckDbReader db = new DuckDbReader()) {
      db.deltaView("versions", lake.path(StagedTables.SUBSCRIPTION_VERSIONS));
      db.deltaView("fx", lake.path(StagedTables.FX_RATES));
      for (List<Object> row : db.query(io.churnscope.generator.BaselineSql.mrrMonthTotals(RUN_DATE, 3))) {
        List<Long> units = new ArrayList<>();
        for (int i = 1; i < row.size(); i++) {
          units.add(((Number) row.get(i)).longValue());
        }
        duck.put(String.valueOf(row.get(0)), units);
      }
    }
    assertTrue(duck.size() > 12, "months recomputed: " + duck.keySet());
    assertEquals(duck, spark, "month totals in 1/10000 of " + "USD: start new reactivation expansion cross_sell "
        + "contraction churn fx end");
  }

  @Test
  void theStageReportsWhatItReadAndWrote() {
    long rows = DeltaIO.read(spark(), lake, MartTables.MRR_LEDGER).count()
        + DeltaIO.read(spark(), lake, MartTables.MRR_LEDGER_ACCOUNT).count();
    assertEquals(rows, result.rowsOut());
    assertEquals(DeltaIO.read(spark(), lake, StagedTables.SUBSCRIPTION_VERSIONS).count(), result.rowsIn());
  }
}
