package io.churnscope.jobs.hotspots;

import io.churnscope.common.run.DataFlow;
import io.churnscope.common.spark.JobDescription;
import static org.apache.spark.sql.functions.col;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.jobs.subscriptions.SubscriptionSettings;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.HotspotTables;
import io.churnscope.common.schema.MartTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.jobs.dimensions.AccountAttributes;
import io.churnscope.jobs.dimensions.DimensionSettings;
import io.churnscope.jobs.engagement.EngagementSettings;
import io.churnscope.jobs.subscriptions.ArrTiers;
import io.churnscope.jobs.subscriptions.RenewalPool;
import io.churnscope.jobs.subscriptions.SubscriptionMonthEnd;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage {@code churn-hotspots} (after {@code cohort-retention}): churn hot-spots of the renewal pool
 * (docs/hotspots.md, "The nightly stage").
 *
 * <ol>
 *   <li>Population ({@link RenewalPopulation}): every account × month of the renewal pool in the last
 *       {@code hotspots.nightly.pool-months} complete months, churned or renewed, with its MRR at risk.</li>
 *   <li>Dimensions: {@link AccountAttributes#asOf} each row's look-back date
 *       ({@code hotspots.nightly.lookback-days} before the churn or renewal), in one pass for all rows.</li>
 *   <li>One search ({@link HotspotEngine}) per analysis: each of {@code hotspots.nightly.churn-kinds}
 *       (established and early churn apart), and, with {@code revenue-weighted}, the same weighted by
 *       MRR at risk ({@code <kind>_revenue}).</li>
 *   <li>{@code hotspots.churn_hotspots} (compared with the previous run of each analysis: new,
 *       persisting, resolved) and {@code hotspots.churn_hotspot_members} (account ids), both replacing
 *       only the run date ({@code replaceWhere run_date}), so a re-run gives the same tables.</li>
 * </ol>
 */
public final class HotspotStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(HotspotStage.class);

  @Override
  public String name() {
    return "churn-hotspots";
  }

  @Override
  public String description() {
    return "renewal pool, churn events, account attributes at the look-back → hotspots.churn_hotspots, churn_hotspot_members";
  }

  @Override
  public DataFlow dataFlow() {
    return DataFlow.reading(StagedTables.SUBSCRIPTION_VERSIONS, MartTables.MRR_LEDGER_ACCOUNT, MartTables.CHURN_EVENTS)
        .andReading(AccountAttributes.TABLES).andReading(HotspotTables.CHURN_HOTSPOTS)
        .writing(HotspotTables.CHURN_HOTSPOTS, HotspotTables.CHURN_HOTSPOT_MEMBERS);
  }

  @Override
  public void validate(ChurnscopeConfig config) {
    NightlyHotspotSettings.from(config);
    HotspotSettings.from(config);
    DimensionSettings.from(config);
    EngagementSettings.from(config);
    ArrTiers.from(config);
    SubscriptionSettings.from(config);
  }

  @Override
  public StageResult run(SparkSession spark, RunContext run) {
    validate(run.config());
    try (JobDescription label = JobDescription.set(spark,
        "churn-hotspots: renewal pool and look-back attributes for " + run.runDate())) {
      return search(spark, run, label);
    }
  }

  /** The stage's work; {@code label} names each phase's Spark jobs. */
  private StageResult search(SparkSession spark, RunContext run, JobDescription label) {
    NightlyHotspotSettings nightly = NightlyHotspotSettings.from(run.config());
    LocalDate runDate = run.runDate();
    Dataset<Row> population = population(spark, run, nightly).persist(StorageLevel.MEMORY_AND_DISK());
    List<HotspotEngine.Search> searches = new ArrayList<>();
    try {
      Dataset<Row> existing = DeltaIO.readOrEmpty(spark, run.lake(), HotspotTables.CHURN_HOTSPOTS);
      List<Dataset<Row>> rows = new ArrayList<>();
      List<Dataset<Row>> members = new ArrayList<>();
      StringBuilder message = new StringBuilder();
      HotspotSpec spec = HotspotSpec.of(nightly.dimensions(), "churned", HotspotSettings.from(run.config()))
          .withId("account_id");
      for (Map.Entry<String, List<String>> kind : nightly.analysesByKind().entrySet()) {
        Dataset<Row> input = population.where(col("churn_kind").equalTo(kind.getKey()));
        label.then("churn-hotspots: search " + String.join(" and ", kind.getValue()) + " for " + runDate);
        if (input.isEmpty()) {
          LOG.info("churn-hotspots " + kind.getKey() + ": no renewals of this kind in the pool; nothing to search");
          continue;
        }
        // The count and revenue analyses of a kind share one walk of the lattice.
        List<String> analyses = kind.getValue();
        List<HotspotEngine.Search> found = HotspotEngine.searches(input, analyses.stream()
            .map(analysis -> analysis.endsWith("_revenue") ? spec.withWeight("mrr_at_risk") : spec).toList());
        searches.addAll(found);
        for (int i = 0; i < analyses.size(); i++) {
          String analysis = analyses.get(i);
          HotspotEngine.Search search = found.get(i);
          Map<String, Row> previous = HotspotRows.previousReported(existing, runDate, analysis);
          rows.add(HotspotRows.of(spark, runDate, analysis, search, previous));
          members.add(HotspotMembers.of(search, "account_id", runDate, analysis));
          String summary = HotspotJob.summary(search, previous, nightly.top(),
              run.lake().path(HotspotTables.CHURN_HOTSPOTS) + " (analysis " + analysis + ")");
          // The sentences once, on standard output (the console's log shows the stage's counts).
          search.log().forEach(line -> System.out.println("churn-hotspots " + analysis + ": " + line));
          System.out.println("churn-hotspots " + analysis + ": " + summary);
          message.append(message.length() == 0 ? "" : "; ").append(analysis).append(' ')
              .append(search.hotspots().size()).append(" hot-spots in ").append(search.all().accounts()).append(" renewals");
        }
      }
      String when = "run_date = '" + runDate + "'";
      Dataset<Row> hotspots = union(rows, spark, HotspotTables.CHURN_HOTSPOTS.schema());
      label.then("churn-hotspots: write churn_hotspots for " + runDate);
      DeltaIO.replaceWhere(spark, run.lake(), HotspotTables.CHURN_HOTSPOTS, hotspots, when);
      label.then("churn-hotspots: write churn_hotspot_members for " + runDate);
      DeltaIO.replaceWhere(spark, run.lake(), HotspotTables.CHURN_HOTSPOT_MEMBERS,
          union(members, spark, HotspotTables.CHURN_HOTSPOT_MEMBERS.schema()), when);
      long written = DeltaIO.read(spark, run.lake(), HotspotTables.CHURN_HOTSPOTS)
          .where(col("run_date").equalTo(java.sql.Date.valueOf(runDate))).count();
      return new StageResult(population.count(), written, 0,
          message.length() == 0 ? "no renewals in the pool" : message.toString());
    } finally {
      searches.forEach(HotspotEngine.Search::close);
      population.unpersist();
    }
  }

  /** The renewal pool with each row's account attributes at its look-back date (also the bench's hot-spot baseline input). */
  public static Dataset<Row> population(SparkSession spark, RunContext run, NightlyHotspotSettings nightly) {
    ChurnscopeConfig config = run.config();
    Dataset<Row> versions = DeltaIO.read(spark, run.lake(), StagedTables.SUBSCRIPTION_VERSIONS);
    Dataset<Row> ledger = DeltaIO.read(spark, run.lake(), MartTables.MRR_LEDGER_ACCOUNT);
    Dataset<Row> events = DeltaIO.read(spark, run.lake(), MartTables.CHURN_EVENTS);
    Dataset<Row> pool = RenewalPool.apply(SubscriptionMonthEnd.apply(versions, run.runDate()), versions);
    Dataset<Row> renewals = RenewalPopulation.apply(ledger, events, pool, versions, run.runDate(), nightly.poolMonths(),
        nightly.lookbackDays(), SubscriptionSettings.STICK_POINT_DAYS.from(config));
    Dataset<Row> attributes = AccountAttributes.asOf(spark, run.lake(), config,
            renewals.select(col("account_id"), col("lookback_date").as("as_of_date")))
        .withColumnRenamed("account_id", "a_account_id").withColumnRenamed("as_of_date", "a_date");
    return renewals.join(attributes, col("a_account_id").equalTo(col("account_id"))
            .and(col("a_date").equalTo(col("lookback_date"))), "left")
        .drop("a_account_id", "a_date");
  }

  private static Dataset<Row> union(List<Dataset<Row>> parts, SparkSession spark,
      org.apache.spark.sql.types.StructType schema) {
    Dataset<Row> all = spark.createDataFrame(List.of(), schema);
    for (Dataset<Row> part : parts) {
      all = all.unionByName(part);
    }
    return all;
  }
}
