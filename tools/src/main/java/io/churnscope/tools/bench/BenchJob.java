package io.churnscope.tools.bench;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.Parameter;
import io.churnscope.common.cli.JobRunner;
import io.churnscope.common.UserError;
import io.churnscope.common.lake.Lake;
import io.churnscope.generator.SampleLakeGenerator;
import io.churnscope.jobs.nightly.NightlyJob;
import io.churnscope.common.run.RunManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Command {@code bench} (run by {@code bench/run}): measures the whole nightly pipeline on generated
 * lakes and writes {@code bench/results/<timestamp>.json} and {@code .md} (docs/benchmarks.md).
 *
 * <p>For each scale it generates a lake with {@code --history-days} of usage, runs the first
 * nightly (the backfill of that history, reported apart), then {@code --days} nightly runs of one
 * new day each — the figures that matter. A second lake at the smallest scale with
 * {@code --history-multiplier} times the history (usage days and billing months) shows whether the
 * nightly's cost follows the new day or the lake's history. After the last run of each lake the
 * headline metrics are recomputed by DuckDB from the same staged files, timed and compared.
 */
public final class BenchJob {
  private static final Logger LOG = LoggerFactory.getLogger(BenchJob.class);

  public static class Args extends LakeBenchArgs {
    @Parameter(names = "--scales", description = "Lake scales to measure (1 = about 1,000 accounts, 100,000+ events a day).")
    public List<Double> scales = new ArrayList<>(List.of(1.0, 10.0));

    // One by default: three lakes' backfills and nights must fit the half hour a full bench may take on
    // two cores; a night's figures vary little from one night to the next (give --days 2+ for a mean).
    @Parameter(names = "--days", description = "Measured nightly runs per lake, one new day of data each, after the backfill.")
    public int days = 1;

    @Parameter(names = "--history-multiplier",
        description = "Also measure a lake at the smallest scale with this many times the history (1 = skip).")
    public int historyMultiplier = 4;

    @Parameter(names = "--stages",
        description = "Measure only these nightly stages (comma-separated, as nightly --stages); default all. "
            + "The DuckDB comparison needs account-engagement, mrr-ledger and publish-catalog; its hot-spot rates, "
            + "churn-hotspots.")
    public List<String> stages = new ArrayList<>();

    @Parameter(names = "--profile",
        description = "Write Spark's event log to <out>/<timestamp>-eventlog, to open in the Spark history server.")
    public boolean profile;

    @Override
    public void validate() {
      super.validate();
      if (scales.isEmpty() || scales.stream().anyMatch(s -> !(s > 0))) {
        throw new UserError("--scales: give positive scales, e.g. --scales 1,10");
      }
      if (days < 1) {
        throw new UserError("--days: at least 1 measured night");
      }
      List<String> known = NightlyJob.dag().stream().map(io.churnscope.common.run.Stage::name).toList();
      for (String stage : stages) {
        if (!known.contains(stage)) {
          throw new UserError("--stages: unknown stage '" + stage + "'; the stages are " + known);
        }
      }
      if (historyMultiplier < 1) {
        throw new UserError("--history-multiplier: at least 1");
      }
    }

    Path eventLogDir() {
      return result("", "-eventlog").toAbsolutePath();
    }
  }

  /** A lake to measure. */
  record LakeCase(String label, double scale, int usageDays, int historyMonths) {}

  private BenchJob() {}

  public static void main(String[] argv) throws Exception {
    Args args = new Args();
    if (!JobRunner.parse("bench", argv, args)) {
      return;
    }
    if (args.profile) {
      // Read by SparkConf when the session is built.
      Files.createDirectories(args.eventLogDir());
      System.setProperty("spark.eventLog.enabled", "true");
      System.setProperty("spark.eventLog.dir", args.eventLogDir().toUri().toString());
    }
    JobRunner.main("bench", argv, args, BenchJob::run);
  }

  /** The lakes, cheapest first (the smallest scale, its longer-history twin, then the larger scales), so a run cut short has both ratios' bases. */
  static List<LakeCase> cases(Args args) {
    List<Double> scales = args.scales.stream().distinct().sorted().toList();
    List<LakeCase> cases = new ArrayList<>();
    for (double scale : scales) {
      cases.add(new LakeCase("scale " + fmt(scale), scale, args.historyDays + args.days, args.historyMonths));
      if (cases.size() == 1 && args.historyMultiplier > 1) {
        cases.add(new LakeCase("scale " + fmt(scale) + ", history ×" + args.historyMultiplier, scale,
            args.historyDays * args.historyMultiplier + args.days, args.historyMonths * args.historyMultiplier));
      }
    }
    return cases;
  }

  public static void run(SparkSession spark, Args args) throws Exception {
    SparkStageLog sparkStages = SparkStageLog.attach(spark.sparkContext());
    BenchReport report = new BenchReport(args, spark.version());
    for (LakeCase lakeCase : cases(args)) {
      report.add(measure(spark, args, lakeCase, sparkStages));
      report.write();
    }
    Path md = report.write();
    System.out.println(Files.readString(md));
    System.out.println("bench: results in " + md + " and " + md.resolveSibling(args.stamp + ".json"));
  }

  private static BenchReport.LakeFigures measure(SparkSession spark, Args args, LakeCase lakeCase, SparkStageLog sparkStages)
      throws Exception {
    Path lakeDir = Path.of(args.work, lakeCase.label().replaceAll("[^A-Za-z0-9.]+", "-")).toAbsolutePath();
    deleteTree(lakeDir);
    Lake lake = new Lake(lakeDir.toString());
    LOG.info("bench {}: generating {} days of usage and {} months of billing at scale {}", lakeCase.label(),
        lakeCase.usageDays(), lakeCase.historyMonths(), lakeCase.scale());
    long started = System.nanoTime();
    SampleLakeGenerator.Args generate = new SampleLakeGenerator.Args();
    JCommander.newBuilder().addObject(generate).build().parse("--lake", lake.root(), "--scale", String.valueOf(lakeCase.scale()),
        "--usage-days", String.valueOf(lakeCase.usageDays()), "--history-months", String.valueOf(lakeCase.historyMonths()),
        "--end-date", args.endDate.toString());
    SampleLakeGenerator.run(spark, generate);
    long generateMs = (System.nanoTime() - started) / 1_000_000;

    List<BenchReport.RunFigures> runs = new ArrayList<>();
    LocalDate backfillDate = args.endDate.minusDays(args.days);
    runs.add(nightly(spark, args, lake, backfillDate, "backfill", sparkStages));
    for (int night = args.days - 1; night >= 0; night--) {
      runs.add(nightly(spark, args, lake, args.endDate.minusDays(night), "nightly", sparkStages));
    }
    Map<String, Long> lastNight = new LinkedHashMap<>();
    runs.get(runs.size() - 1).stages().forEach(s -> lastNight.put(s.stage(), s.wallMs()));
    Path catalog = Path.of(lakeDir.toString(), "_catalog", "churnscope.duckdb");
    List<Baselines.Comparison> baselines = new ArrayList<>();
    if (Files.exists(catalog) && lastNight.containsKey("account-engagement") && lastNight.containsKey("mrr-ledger")) {
      baselines.addAll(Baselines.run(catalog, args.config(), args.endDate, lastNight));
    }
    if (lastNight.containsKey("churn-hotspots")) {
      baselines.add(Baselines.hotspotRates(spark, lake, args.config(), args.endDate,
          lakeDir.resolve("_bench").resolve("hotspot_population")));
    }
    baselines.forEach(b -> LOG.info("bench {}: {}: Spark {} ms, DuckDB {} ms, {} rows, {} differ", lakeCase.label(),
        b.metric(), b.sparkMs(), b.duckDbMs(), b.rows(), b.mismatches()));
    if (!args.keepLakes) {
      deleteTree(lakeDir);
    }
    return new BenchReport.LakeFigures(lakeCase, generateMs, runs, baselines);
  }

  private static BenchReport.RunFigures nightly(SparkSession spark, Args args, Lake lake, LocalDate date, String kind,
      SparkStageLog sparkStages) throws Exception {
    sparkStages.clear();
    NightlyJob.Args nightly = new NightlyJob.Args();
    nightly.lake = lake.root();
    nightly.runDate = date;
    nightly.conf = args.conf;
    nightly.overrides = args.overrides;
    nightly.stages = args.stages;
    long started = System.nanoTime();
    List<RunManifest.Entry> entries = NightlyJob.run(spark, nightly);
    long wallMs = (System.nanoTime() - started) / 1_000_000;
    spark.sparkContext().listenerBus().waitUntilEmpty();
    List<BenchReport.StageFigures> stages = entries.stream().map(e -> BenchReport.StageFigures.of(e,
        spark.sparkContext().defaultParallelism(), sparkStages.slowest(e.stage(), 3))).toList();
    return new BenchReport.RunFigures(kind, date, wallMs, stages, TableLayout.of(spark, lake));
  }

  static String fmt(double scale) {
    return scale == Math.rint(scale) ? String.valueOf((long) scale) : String.valueOf(scale);
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
