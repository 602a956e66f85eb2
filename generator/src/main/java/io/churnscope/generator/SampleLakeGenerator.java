package io.churnscope.generator;

import com.beust.jcommander.Parameter;
import io.churnscope.common.cli.JobArgs;
import io.churnscope.common.cli.JobRunner;
import io.churnscope.common.UserError;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.spark.InParallel;
import java.io.IOException;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code generate}: writes a sample lake's raw zone (usage, billing, CRM, support, survey) exactly as
 * {@code docs/lake-layout.md} specifies, with planted churn hot-spots, distress episodes that drive churn
 * with leading signals (usage, NPS, tickets, past due), a usage decline before churn, deliberately bad
 * records and late events, and the ground truth in {@code _generator/} (docs/generator.md).
 *
 * <p>Deterministic: the same seed, scale and dates give the same raw file contents. Cost is linear in
 * {@code --scale}: scale 1 is about 1,000 accounts, 10,000 users and 100,000+ usage events a day.
 * Usage is generated in Spark, one task per day (and shard of users at larger scales); billing, CRM,
 * support and survey data are O(accounts × months) and built on the driver.
 *
 * <pre>
 * spark-submit --class io.churnscope.generator.SampleLakeGenerator --jars churnscope-jobs.jar \
 *   churnscope-generator.jar --lake /data/demo-lake --scale 1 --seed 42 --end-date 2026-10-31
 * </pre>
 */
public final class SampleLakeGenerator {
  private static final Logger LOG = LoggerFactory.getLogger(SampleLakeGenerator.class);

  /** Flags; those without a value fall back to the {@code generator.*} configuration keys. */
  public static class Args extends JobArgs {
    @Parameter(names = "--scale", description = "Size of the lake: 1 = about 1,000 accounts and 100,000+ usage "
        + "events a day; cost is linear in it. Must be > 0 and at most 100.")
    public double scale = 1.0;

    @Parameter(names = "--seed", description = "Random seed; the same seed, scale and dates give the same files. "
        + "Default: generator.seed.")
    public Long seed;

    @Parameter(names = "--end-date", converter = DateConverter.class,
        description = "Last day of generated data (YYYY-MM-DD). Default: generator.end-date.")
    public LocalDate endDate;

    @Parameter(names = "--history-months", description = "Months of billing and CRM history ending at the "
        + "end date. Default: generator.history-months.")
    public Integer historyMonths;

    @Parameter(names = "--usage-days", description = "Days of usage events ending at the end date (at least 14, "
        + "at most the history). Default: generator.usage-days.")
    public Integer usageDays;

    @Parameter(names = "--bad-record-rate", description = "Share of extra, deliberately bad records per source, "
        + "between 0 and 0.2. Default: generator.bad-record-rate.")
    public Double badRecordRate;

    @Parameter(names = "--churn-hazard", description = "Mean monthly churn probability of a customer outside the "
        + "planted hot-spots, in (0, 0.2]; the planted lifts multiply it, distress episodes concentrate it on the "
        + "distressed without changing the mean. Default 0.0115 (about 13 % logo churn a year).")
    public Double churnHazard;

    @Parameter(names = "--distress-onset", description = "Monthly probability that a paying customer enters a "
        + "distress episode (churn multiplied two to four months later, with leading signals: docs/generator.md), in "
        + "[0, 0.2]; 0 switches the episodes off (churn is then the planted hazard alone). Default 0.04.")
    public double distressOnset = DistressEpisodes.ONSET_PROBABILITY;

    @Parameter(names = "--usage-intensity", description = "Share of a full day's sessions and actions each active "
        + "user-day produces, in (0, 1]. Who is active on which day does not change, so DAU / WAU / MAU, seat "
        + "utilization and the frequency and utilization bands stay as at 1; breadth and event counts shrink. "
        + "Makes long usage histories cheap (tests of usage-band hot-spots). Default 1.")
    public double usageIntensity = 1.0;

    /** The flags resolved against the configuration and checked; throws {@link UserError}. */
    public GeneratorParams params() {
      ChurnscopeConfig config = config();
      long resolvedSeed = seed != null ? seed : GeneratorSettings.SEED.from(config);
      LocalDate end = endDate != null ? endDate : GeneratorSettings.END_DATE.from(config);
      int months = historyMonths != null ? historyMonths : GeneratorSettings.HISTORY_MONTHS.from(config);
      int days = usageDays != null ? usageDays : GeneratorSettings.USAGE_DAYS.from(config);
      double rate = badRecordRate != null ? badRecordRate : GeneratorSettings.BAD_RECORD_RATE.from(config);
      if (!(scale > 0) || scale > 100) {
        throw new UserError("--scale " + scale + ": must be greater than 0 and at most 100 (1 = the demo lake)");
      }
      if (months < 1 || months > 120) {
        throw new UserError("--history-months " + months + ": must be between 1 and 120");
      }
      if (days < 14) {
        throw new UserError("--usage-days " + days + ": must be at least 14 (engagement needs two weeks of usage)");
      }
      long historyDays = java.time.temporal.ChronoUnit.DAYS.between(end.minusMonths(months), end);
      if (days > historyDays) {
        throw new UserError("--usage-days " + days + ": must not exceed the " + historyDays
            + " days of history (--history-months " + months + ")");
      }
      if (!(rate >= 0 && rate <= 0.2)) {
        throw new UserError("--bad-record-rate " + rate + ": must be between 0 and 0.2");
      }
      double hazard = churnHazard != null ? churnHazard : LifecycleSimulator.BASE_MONTHLY_HAZARD;
      if (!(hazard > 0 && hazard <= 0.2)) {
        throw new UserError("--churn-hazard " + hazard + ": must be greater than 0 and at most 0.2");
      }
      if (!(distressOnset >= 0 && distressOnset <= 0.2)) {
        throw new UserError("--distress-onset " + distressOnset + ": must be between 0 and 0.2");
      }
      if (!(usageIntensity > 0 && usageIntensity <= 1)) {
        throw new UserError("--usage-intensity " + usageIntensity + ": must be greater than 0 and at most 1");
      }
      return new GeneratorParams(resolvedSeed, scale, end, months, days, rate, hazard, distressOnset, usageIntensity);
    }

    @Override
    public void validate() {
      super.validate();
      params();
      lake();
    }
  }

  private SampleLakeGenerator() {}

  public static void main(String[] argv) throws Exception {
    JobRunner.main("generate", argv, new Args(), SampleLakeGenerator::run);
  }

  /** Generates the lake and returns (and writes) its ground truth. */
  public static GroundTruth run(SparkSession spark, Args args) throws IOException {
    GeneratorParams params = args.params();
    Lake lake = args.lake();
    long started = System.nanoTime();
    LOG.info("generate: {} into {} (history from {}, usage from {})", params, lake.root(), params.historyStart(),
        params.usageStart());

    List<AccountProfile> profiles = AccountFactory.create(params);
    BillingLedger ledger = new BillingLedger(params.historyStart());
    LifecycleSimulator simulator = new LifecycleSimulator(params, ledger);
    List<AccountHistory> histories = profiles.stream().map(simulator::simulate).toList();
    UsageModel model = UsageModel.build(params, histories);
    log("account and user model", histories.size() + " accounts, " + model.users.length + " users", started);

    BadRecordTally tally = new BadRecordTally();
    Map<String, Long> rawRecords = new TreeMap<>();
    List<CsvRows> driverSources = List.of(ledger.subscriptions, ledger.invoices, FxRates.build(params),
        CrmExport.build(params, histories), SupportAndSurvey.tickets(params, histories, model),
        SupportAndSurvey.nps(params, histories, model));
    for (CsvRows rows : driverSources) {
      BadRowPlanter.plant(rows, params.badRecordRate(), params.seed(), tally);
      rawRecords.put(rows.source.sourceName(), (long) rows.size());
    }
    writeConcurrently(spark, lake, driverSources, tally);

    long t = System.nanoTime();
    UsageSparkJob.writeEvents(spark, lake, params, model, tally, rawRecords);
    log("clickstream + server_logs", rawRecords.get("clickstream") + " + " + rawRecords.get("server_logs")
        + " lines over " + params.usageDays() + " days", t);
    t = System.nanoTime();
    UsageSparkJob.writeExtracts(spark, lake, params, model, tally, rawRecords);
    log("record_counts + config_snapshots", rawRecords.get("record_counts") + " + "
        + rawRecords.get("config_snapshots") + " rows", t);

    GroundTruth truth = GroundTruth.build(params, histories, model, tally, rawRecords);
    truth.write(lake.generatorDir(), spark.sparkContext().hadoopConfiguration(), params);
    log("done", "ground truth in " + lake.generatorDir(), started);
    return truth;
  }

  /**
   * The driver-built sources are small but have one delivery per day of history, so their writes are
   * dominated by per-file overhead: two run at a time (Spark runs jobs from several threads).
   */
  private static void writeConcurrently(SparkSession spark, Lake lake, List<CsvRows> sources, BadRecordTally tally) {
    InParallel.map(sources, 2, rows -> {
      long t = System.nanoTime();
      CsvDeliveryWriter.write(spark, lake, rows);
      log(rows.source.sourceName(), rows.size() + " rows (" + tally.badCount(rows.source.sourceName()) + " bad)", t);
      return rows;
    });
  }

  private static void log(String what, String detail, long startedNanos) {
    LOG.info("generate: {}: {} in {} s", what, detail,
        String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - startedNanos) / 1e9));
  }
}
