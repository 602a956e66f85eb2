package io.churnscope.jobs.cube;

import io.churnscope.jobs.dimensions.AccountAttributes;
import io.churnscope.common.run.DataFlow;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.CubeTables;
import io.churnscope.common.schema.EngagementTables;
import io.churnscope.common.schema.MartTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.common.spark.HeldFrames;
import io.churnscope.common.spark.JobDescription;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage {@code cube} (after the subscription and engagement marts, before {@code publish-catalog}):
 * the customer cube's dimensions and facts. See {@code docs/cube.md}.
 *
 * <p>Incremental by month: tonight's facts are computed in memory (they are small: accounts x
 * months) and compared month by month with the published ones ({@link ChangedMonths}). The account
 * attributes are evaluated ({@code AccountAttributes.asOf}) only for the open months — the run's month
 * and the {@code cube.reopened-months} before it — and for account-months the published cube does not
 * hold; a closed month keeps the attributes of its published {@code dim_account} version. Only the
 * months that differ are written ({@code replaceWhere month IN (...)}), so a closed month is never
 * rewritten. The dimensions are overwritten when their rows changed; their keys are hashes of
 * natural keys ({@link SurrogateKeys}), the same in every run. A re-run of a date commits nothing.
 *
 * <p>Configuration: {@code cube.*} (incl. {@code cube.reopened-months}), {@code subscriptions.seat-products}.
 */
public final class CubeStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(CubeStage.class);

  @Override
  public String name() {
    return "cube";
  }

  @Override
  public String description() {
    return "marts, CRM, account attributes of the open months → cube.dim_*, fact_account_month, fact_account_day, cube_rollup (changed months only)";
  }

  @Override
  public DataFlow dataFlow() {
    return DataFlow.reading(MartTables.MRR_LEDGER_ACCOUNT, MartTables.CHURN_EVENTS, StagedTables.SUBSCRIPTION_VERSIONS)
        .andReading(AccountAttributes.TABLES).andReading(CubeTables.ALL).writing(CubeTables.ALL);
  }

  @Override
  public void validate(ChurnscopeConfig config) {
    CubeSettings.from(config);
    io.churnscope.jobs.dimensions.DimensionSettings.from(config);
    io.churnscope.jobs.subscriptions.LicensedSeats.products(config);
  }

  /** {@code cube.reopened-months}: closed months before the run's month whose attributes are evaluated again. */
  static int reopenedMonths(ChurnscopeConfig config) {
    return CubeSettings.REOPENED_MONTHS.from(config);
  }

  static LocalDate firstOpenMonth(LocalDate runDate, int reopenedMonths) {
    return runDate.withDayOfMonth(1).minusMonths(reopenedMonths);
  }

  /**
   * Where tonight's account attributes came from, for the log and the stage message, e.g.
   * {@code "attributes evaluated for 6 account-months (2026-03 .. 2026-04), 5 taken from cube.dim_account"}.
   */
  static String attributeSources(Dataset<Row> monthly) {
    Column evaluated = col(AccountMonthDimensions.EVALUATED);
    Row counts = monthly.agg(count_if(evaluated), count_if(not(evaluated)), min(when(evaluated, col("month"))),
        max(when(evaluated, col("month")))).first();
    String range = counts.isNullAt(2) ? ""
        : " (" + counts.getDate(2).toString().substring(0, 7) + " .. " + counts.getDate(3).toString().substring(0, 7) + ")";
    return "attributes evaluated for " + counts.getLong(0) + " account-months" + range + ", " + counts.getLong(1)
        + " taken from cube.dim_account";
  }

  static int fiscalYearStartMonth(ChurnscopeConfig config) {
    return CubeSettings.FISCAL_YEAR_START_MONTH.from(config);
  }


  @Override
  public StageResult run(SparkSession spark, RunContext run) {
    validate(run.config());
    try (JobDescription label = JobDescription.set(spark, "cube: account-months and their attributes")) {
      return build(spark, run, label);
    }
  }

  /** The stage's work; {@code label} names each phase's Spark jobs. */
  private StageResult build(SparkSession spark, RunContext run, JobDescription label) {
    Lake lake = run.lake();
    Dataset<Row> ledger = DeltaIO.read(spark, lake, MartTables.MRR_LEDGER_ACCOUNT);
    Dataset<Row> churnEvents = DeltaIO.read(spark, lake, MartTables.CHURN_EVENTS);
    Dataset<Row> versions = DeltaIO.read(spark, lake, StagedTables.SUBSCRIPTION_VERSIONS);
    Dataset<Row> userDay = DeltaIO.readOrEmpty(spark, lake, EngagementTables.USER_DAY);
    Dataset<Row> accountDay = DeltaIO.readOrEmpty(spark, lake, EngagementTables.ACCOUNT_DAY);
    RollupSets sets = RollupSets.from(run.config());
    Dataset<Row> measures = AccountMonthFacts.apply(ledger, churnEvents, userDay, accountDay, versions, run.runDate(),
        io.churnscope.jobs.subscriptions.LicensedSeats.products(run.config())).cache();
    LocalDate firstOpenMonth = firstOpenMonth(run.runDate(), reopenedMonths(run.config()));
    Dataset<Row> published = AccountMonthDimensions.publishedAttributes(
        DeltaIO.readOrEmpty(spark, lake, CubeTables.FACT_ACCOUNT_MONTH), DeltaIO.readOrEmpty(spark, lake, CubeTables.DIM_ACCOUNT),
        firstOpenMonth).cache(); // small; asOf's keys are read from it once per attribute family
    // Held, not cached: it reads cube.dim_account and fact_account_month, which are written below, and a
    // write drops every cached frame that reads the table written (HeldFrames).
    Dataset<Row> monthly = HeldFrames.hold(AccountMonthDimensions.attributesByMonth(spark, run, measures, published));
    published.unpersist(); // read only by the attributes, which are held now
    // Counted before any write: the published tables read above are rewritten below.
    String attributeSources = attributeSources(monthly);
    Dataset<Row> history = AccountHistory.versions(monthly).cache();
    // The fact rows with their version's attributes: the rollup's input, and the source of every key.
    Dataset<Row> described = AccountMonthDimensions.describe(measures, history).cache();
    Dataset<Row> monthFacts = DeltaIO.conform(described, CubeTables.FACT_ACCOUNT_MONTH);
    Dataset<Row> dayFacts = DeltaIO.conform(AccountDayFacts.apply(accountDay.where(col("activity_date").leq(java.sql.Date.valueOf(run.runDate()))), history), CubeTables.FACT_ACCOUNT_DAY);
    try {
      label.then("cube: dimensions");
      writeDimensions(spark, run, history, measures, churnEvents);
      label.then("cube: which months changed");
      // The rollup of the changed months is written before the facts it is built from: the facts are
      // what tells a later run which months changed, so a driver killed between the two commits leaves
      // the facts unchanged and the re-run writes both (bench/faults found the other order leaving the
      // rollup empty for good: the re-run saw the facts already written and rolled up no month).
      List<LocalDate> changedMonths = changedMonths(spark, lake, CubeTables.FACT_ACCOUNT_MONTH, monthFacts);
      label.then("cube: rollup of the changed months");
      long rollupRows = writeRollup(spark, lake, described, sets, changedMonths);
      label.then("cube: facts, changed months");
      writeMonths(spark, lake, CubeTables.FACT_ACCOUNT_MONTH, monthFacts, changedMonths);
      List<LocalDate> changedDays = writeChangedMonths(spark, lake, CubeTables.FACT_ACCOUNT_DAY, dayFacts);
      long rows = measures.count();
      String message = rows + " account-months, " + history.count() + " account versions; " + attributeSources
          + "; months rewritten: fact_account_month "
          + describe(changedMonths) + ", fact_account_day " + describe(changedDays) + ", cube_rollup " + rollupRows + " rows";
      LOG.info(message);
      return new StageResult(rows, rows + rollupRows, 0, message);
    } finally {
      described.unpersist();
      history.unpersist();
      HeldFrames.release(monthly);
      measures.unpersist();
    }
  }

  /** The rollup of the months whose facts changed, replacing exactly those months; returns its rows written. */
  private static long writeRollup(SparkSession spark, Lake lake, Dataset<Row> described, RollupSets sets, List<LocalDate> months) {
    if (months.isEmpty()) {
      DeltaIO.createIfAbsent(spark, lake, CubeTables.CUBE_ROLLUP);
      return 0;
    }
    Dataset<Row> rollup = DeltaIO.conform(CubeRollup.apply(described.where(col("month").isin(dates(months))), sets),
        CubeTables.CUBE_ROLLUP)
        // Rows of one grouping set together, so a filter on grouping_set reads few row groups.
        .repartition(col("month")).sortWithinPartitions("grouping_id", "acquisition_channel", "region").cache();
    try {
      DeltaIO.replaceWhere(spark, lake, CubeTables.CUBE_ROLLUP, rollup, monthIn(months));
      return rollup.count();
    } finally {
      rollup.unpersist();
    }
  }

  private static void writeDimensions(SparkSession spark, RunContext run, Dataset<Row> history, Dataset<Row> measures,
      Dataset<Row> churnEvents) {
    Row range = measures.agg(min("month"), max("month")).first();
    LocalDate first = range.isNullAt(0) ? run.runDate().withDayOfMonth(1) : range.getDate(0).toLocalDate();
    LocalDate last = run.runDate().withDayOfYear(run.runDate().lengthOfYear());
    Map<TableSpec, Dataset<Row>> dimensions = new LinkedHashMap<>();
    dimensions.put(CubeTables.DIM_DATE, DimDate.between(spark, first, last, fiscalYearStartMonth(run.config())));
    dimensions.put(CubeTables.DIM_CHURN_REASON, ChurnReasons.dimension(churnEvents));
    dimensions.put(CubeTables.DIM_ACCOUNT, history);
    for (TableSpec dimension : CubeTables.ATTRIBUTE_DIMENSIONS) {
      dimensions.put(dimension, AccountMonthDimensions.members(history, dimension));
    }
    overwriteChanged(spark, run.lake(), dimensions);
  }

  /**
   * Overwrites each small dimension unless it already holds exactly these rows, so a re-run commits
   * nothing. Tonight's rows and the published ones of every dimension are fingerprinted in one query:
   * for tables of a few thousand rows the cost is the number of Spark jobs, not the rows.
   */
  private static void overwriteChanged(SparkSession spark, Lake lake, Map<TableSpec, Dataset<Row>> dimensions) {
    List<TableSpec> published = dimensions.keySet().stream().filter(t -> DeltaIO.exists(spark, lake.path(t))).toList();
    List<Dataset<Row>> frames = new ArrayList<>();
    for (TableSpec table : published) {
      frames.add(DeltaIO.conform(dimensions.get(table), table));
      frames.add(DeltaIO.conform(DeltaIO.read(spark, lake, table), table));
    }
    List<Row> fingerprints = RowFingerprints.ofEach(frames);
    Set<TableSpec> unchanged = new HashSet<>();
    for (int i = 0; i < published.size(); i++) {
      if (fingerprints.get(2 * i).equals(fingerprints.get(2 * i + 1))) {
        unchanged.add(published.get(i));
      }
    }
    dimensions.forEach((table, rows) -> {
      if (!unchanged.contains(table)) {
        DeltaIO.overwrite(spark, lake, table, rows);
      }
    });
  }

  /**
   * Writes the months of {@code fresh} that differ from the published table, in one commit; a month
   * published but no longer produced is emptied. Returns the months written.
   */
  static List<LocalDate> writeChangedMonths(SparkSession spark, Lake lake, TableSpec table, Dataset<Row> fresh) {
    List<LocalDate> changed = changedMonths(spark, lake, table, fresh);
    writeMonths(spark, lake, table, fresh, changed);
    return changed;
  }

  /** The months of {@code fresh} that differ from the published table (new, gone or changed). */
  static List<LocalDate> changedMonths(SparkSession spark, Lake lake, TableSpec table, Dataset<Row> fresh) {
    return ChangedMonths.between(fresh, DeltaIO.conform(DeltaIO.readOrEmpty(spark, lake, table), table));
  }

  /** Replaces {@code months} of the table with those of {@code fresh}, in one commit (none: the table is only created). */
  static void writeMonths(SparkSession spark, Lake lake, TableSpec table, Dataset<Row> fresh, List<LocalDate> months) {
    if (months.isEmpty()) {
      DeltaIO.createIfAbsent(spark, lake, table);
      return;
    }
    DeltaIO.replaceWhere(spark, lake, table, fresh.where(col("month").isin(dates(months))), monthIn(months));
  }

  static String monthIn(List<LocalDate> months) {
    return "month IN (" + months.stream().map(m -> "DATE'" + m + "'").collect(Collectors.joining(", ")) + ")";
  }

  static Object[] dates(List<LocalDate> months) {
    return months.stream().map(java.sql.Date::valueOf).toArray();
  }

  private static String describe(List<LocalDate> months) {
    if (months.isEmpty()) {
      return "none";
    }
    return months.size() == 1 ? months.get(0).toString().substring(0, 7)
        : months.size() + " (" + months.get(0).toString().substring(0, 7) + " .. "
            + months.get(months.size() - 1).toString().substring(0, 7) + ")";
  }
}
