package io.churnscope.jobs.nightly;

import com.beust.jcommander.Parameter;
import io.churnscope.common.cli.JobArgs;
import io.churnscope.common.cli.LakeLocked;
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
import java.time.LocalDate;
import io.churnscope.jobs.upkeep.MaintainStage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The nightly driver: runs the whole DAG for {@code --run-date}, writes the run manifest, and
 * ends with a summary. The first nightly on a lake ingests its whole raw history; later ones read
 * only the new deliveries. {@code --from D1 --to D2} runs the nightly for each date of the range,
 * oldest first, skipping the dates the run manifest shows complete (a re-run resumes where a failed
 * back-fill stopped). The run holds the lake's {@link RunLock} throughout: a second run on the same
 * lake is refused.
 *
 * <pre>
 * spark-submit --class io.churnscope.jobs.nightly.NightlyJob churnscope-jobs.jar \
 *   --lake s3a://bucket/lake --run-date 2026-10-31 --conf prod.conf
 * spark-submit --class io.churnscope.jobs.nightly.NightlyJob churnscope-jobs.jar \
 *   --lake s3a://bucket/lake --from 2026-10-01 --to 2026-10-31 --conf prod.conf
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

    @Parameter(names = "--from", converter = DateConverter.class,
        description = "Back-fill from this date (YYYY-MM-DD) to --to: a full nightly for each date, oldest first; "
            + "a date whose stages all succeeded before (run manifest) is skipped. Not with --run-date.")
    public LocalDate from;

    @Parameter(names = "--to", converter = DateConverter.class, description = "The last date of a --from back-fill.")
    public LocalDate to;

    @Parameter(names = "--force", description = "Run every selected stage again, also one whose inputs, outputs, code "
        + "and configuration are unchanged since it last succeeded on the date (run.skip-unchanged = false); with "
        + "--from/--to, also every date already complete.")
    public boolean force;

    @Override
    public void validate() {
      super.validate();
      if ((from == null) != (to == null)) {
        throw new UserError("--from and --to go together: name the first and the last date of the back-fill");
      }
      if (from != null && runDate != null) {
        throw new UserError("--run-date and --from/--to exclude each other: one date with --run-date, or a range "
            + "with --from and --to");
      }
      if (from != null && from.isAfter(to)) {
        throw new UserError("--from " + from + " is after --to " + to + ": a back-fill runs oldest first, from "
            + "--from to --to; swap them");
      }
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
      if (selected().stream().anyMatch(s -> s.name().startsWith("ingest-"))) {
        io.churnscope.jobs.ingest.PrivacySettings.requireOwnSalt(config(), lake());
      }
    }

    /** The stages this run executes, in DAG order. */
    List<Stage> selected() {
      if (stages.isEmpty()) {
        return dag();
      }
      return withUpstream ? Dag.withUpstream(dag(), stages) : dag().stream().filter(s -> stages.contains(s.name())).toList();
    }

    /** The run dates, in order: {@code --run-date}, or every date from {@code --from} to {@code --to}. */
    List<LocalDate> dates() {
      return from == null ? List.of(runDate()) : from.datesUntil(to.plusDays(1)).toList();
    }

    /** What the run lock says this run is: {@code nightly}, or {@code nightly --stages cube}. */
    String command() {
      return "nightly" + (stages.isEmpty() ? "" : " --stages " + String.join(",", stages));
    }
  }

  private static final LakeLocked<Args> LOCK = new LakeLocked<>(Args::command, NightlyJob::dateLabel);

  private NightlyJob() {}

  public static void main(String[] argv) throws Exception {
    main("nightly", argv);
  }

  /**
   * The command {@code nightly}, or a stage's own (its argv selects it with {@code --stages}): the
   * lake's run lock is taken before Spark starts, so a refused run ends at once.
   */
  public static void main(String command, String[] argv) throws Exception {
    LOCK.main(command, argv, new Args(), NightlyJob::runLocked);
  }

  /** Runs each date under the lake's run lock, released at the end whether the run failed or not. */
  public static List<RunManifest.Entry> run(SparkSession spark, Args args) throws Exception {
    return LOCK.run(spark, args, NightlyJob::runLocked);
  }

  private static String dateLabel(Args args) {
    List<LocalDate> dates = args.dates();
    return dates.size() == 1 ? dates.get(0).toString() : dates.get(0) + ".." + dates.get(dates.size() - 1);
  }

  /** Runs each date; the caller holds the lake's run lock. */
  private static List<RunManifest.Entry> runLocked(SparkSession spark, Args args) throws Exception {
    return args.from == null ? runDate(spark, args, args.runDate()) : backfill(spark, args, args.dates());
  }

  private static List<RunManifest.Entry> runDate(SparkSession spark, Args args, LocalDate date) throws Exception {
    io.churnscope.common.config.ChurnscopeConfig config = args.force
        ? args.config().with(java.util.Map.of(io.churnscope.common.config.RunSettings.SKIP_UNCHANGED.path(), "false"))
        : args.config();
    return StageRunner.runAll(spark, RunContext.start(date, args.lake(), config), args.selected());
  }

  /**
   * The dates in order, one line each; a date whose selected stages all succeeded (their latest
   * manifest rows) is skipped unless {@code --force}. The first failure stops the back-fill.
   */
  private static List<RunManifest.Entry> backfill(SparkSession spark, Args args, List<LocalDate> dates) throws Exception {
    Map<LocalDate, Map<String, String>> before = RunManifest.latestStatus(spark, args.lake(), args.from, args.to);
    List<String> selected = args.selected().stream().map(Stage::name).toList();
    List<RunManifest.Entry> entries = new ArrayList<>();
    for (int i = 0; i < dates.size(); i++) {
      LocalDate date = dates.get(i);
      String progress = "nightly: date " + (i + 1) + "/" + dates.size() + " " + date;
      Map<String, String> latest = before.getOrDefault(date, Map.of());
      String stages = selected.size() == 1 ? "its stage " + selected.get(0) : "its " + selected.size() + " stages";
      if (!args.force && selected.stream().allMatch(stage -> RunManifest.isComplete(latest.get(stage)))) {
        System.out.println(progress + ": skipped, already complete (" + stages + " succeeded, _runs/run_manifest); "
            + "--force runs it again");
        continue;
      }
      System.out.println(progress + ": running " + stages);
      try {
        entries.addAll(runDate(spark, args, date));
      } catch (Exception e) {
        System.out.println(progress + ": failed, later dates not run; run the same command again once fixed: "
            + "complete dates are skipped");
        throw e;
      }
    }
    return entries;
  }
}
