package io.churnscope.jobs.nightly;

import com.beust.jcommander.Parameter;
import io.churnscope.common.cli.JobArgs;
import io.churnscope.common.cli.JobRunner;
import io.churnscope.common.UserError;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Dag;
import io.churnscope.common.run.RunManifest;
import io.churnscope.common.run.StageRunner;
import io.churnscope.common.run.Stage;
import io.churnscope.jobs.catalog.CatalogStage;
import io.churnscope.jobs.cube.CubeStage;
import io.churnscope.jobs.engagement.AccountEngagementStage;
import io.churnscope.jobs.engagement.CsSignalsStage;
import io.churnscope.jobs.engagement.EngagementRollupsStage;
import io.churnscope.jobs.engagement.TrialEngagementStage;
import io.churnscope.jobs.health.CsActionsStage;
import io.churnscope.jobs.health.HealthMeasuresStage;
import io.churnscope.jobs.health.HealthScoresStage;
import io.churnscope.jobs.model.ChurnPredictionsStage;
import io.churnscope.jobs.report.RunReportStage;
import io.churnscope.jobs.hotspots.HotspotStage;
import io.churnscope.jobs.ingest.BillingIngest;
import io.churnscope.jobs.ingest.CrmIngest;
import io.churnscope.jobs.ingest.SupportIngest;
import io.churnscope.jobs.ingest.UsageIngest;
import io.churnscope.jobs.subscriptions.AccountStatusStage;
import io.churnscope.jobs.subscriptions.ChurnMetricsStage;
import io.churnscope.jobs.subscriptions.CohortRetentionStage;
import io.churnscope.jobs.subscriptions.MrrLedgerStage;
import io.churnscope.jobs.subscriptions.TrialConversionStage;
import io.churnscope.jobs.upkeep.MaintainStage;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The nightly driver: runs the whole DAG for {@code --run-date}, writes the run manifest, and
 * ends with a summary. The first nightly on a lake ingests its whole raw history; later ones read
 * only the new deliveries.
 *
 * <pre>
 * spark-submit --class io.churnscope.jobs.nightly.NightlyJob churnscope-jobs.jar \
 *   --lake s3a://bucket/lake --run-date 2026-10-31 --conf prod.conf
 * </pre>
 */
public final class NightlyJob {
  /**
   * The DAG, in dependency order: CRM first (other sources check accounts against it); the run
   * report last, so its manifest section holds every other stage of the night; lake upkeep (off by
   * default) after every stage that writes a table, before the catalog publishes them.
   */
  public static List<Stage> dag() {
    return List.of(new CrmIngest(), new BillingIngest(), new SupportIngest(), new UsageIngest(),
        new EngagementRollupsStage(), new AccountEngagementStage(), new TrialEngagementStage(), new CsSignalsStage(),
        new MrrLedgerStage(), new ChurnMetricsStage(), new AccountStatusStage(), new TrialConversionStage(),
        new CohortRetentionStage(), new HealthMeasuresStage(), new ChurnPredictionsStage(), new HealthScoresStage(),
        new CsActionsStage(),
        new CubeStage(), new HotspotStage(), new MaintainStage(), new CatalogStage(), new RunReportStage());
  }

  public static class Args extends JobArgs {
    @Parameter(names = "--stages",
        description = "Run only these stages (comma-separated names, in DAG order), e.g. ingest-crm,ingest-usage.")
    public List<String> stages = new ArrayList<>();

    @Parameter(names = "--with-upstream",
        description = "With --stages: also run every stage that writes a table they read, and so on upstream, in DAG order.")
    public boolean withUpstream;

    @Override
    public void validate() {
      super.validate();
      List<String> known = dag().stream().map(Stage::name).toList();
      for (String stage : stages) {
        if (!known.contains(stage)) {
          throw new UserError("--stages: unknown stage '" + stage + "'; the stages are " + known);
        }
      }
      if (withUpstream && stages.isEmpty()) {
        throw new UserError("--with-upstream needs --stages: name the stages whose upstream should run too");
      }
      for (Stage stage : dag()) {
        stage.validate(config());
      }
    }

    /** The stages this run executes, in DAG order. */
    List<Stage> selected() {
      if (stages.isEmpty()) {
        return dag();
      }
      return withUpstream ? Dag.withUpstream(dag(), stages) : dag().stream().filter(s -> stages.contains(s.name())).toList();
    }
  }

  private NightlyJob() {}

  public static void main(String[] argv) throws Exception {
    JobRunner.main("nightly", argv, new Args(), NightlyJob::run);
  }

  public static List<RunManifest.Entry> run(SparkSession spark, Args args) throws Exception {
    RunContext run = RunContext.start(args.runDate(), args.lake(), args.config());
    return StageRunner.runAll(spark, run, args.selected());
  }
}
