package io.churnscope.tools.demo;

import com.beust.jcommander.Parameter;
import io.churnscope.common.config.CatalogSettings;
import io.churnscope.common.cli.JobRunner;
import io.churnscope.common.lake.Lake;
import io.churnscope.generator.GeneratorParams;
import io.churnscope.generator.SampleLakeGenerator;
import io.churnscope.jobs.nightly.NightlyJob;
import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.run.RunContext;
import io.churnscope.jobs.hotspots.NightlyHotspotSettings;
import io.churnscope.jobs.report.RunReportStage;
import io.churnscope.tools.bench.PlantedHotspotCheck;
import java.io.File;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Command {@code demo}: generates a sample lake (scale 1 unless told otherwise) under
 * {@code --lake} — or reuses the one already there — and runs the nightly for its last day,
 * then says where everything is, ending with the address of the night's HTML report.
 *
 * <pre>bin/churnscope demo --lake demo-lake</pre>
 */
public final class DemoJob {
  private static final Logger LOG = LoggerFactory.getLogger(DemoJob.class);

  static final double DEMO_SCALE = 2.0;
  static final int DEMO_USAGE_DAYS = 60;
  static final double DEMO_CHURN_HAZARD = 0.03;

  /** The generator's flags (scale, seed, dates), plus a way to start over. */
  public static class Args extends SampleLakeGenerator.Args {
    @Parameter(names = "--regenerate", description = "Generate the raw zone again even if the lake already has one.")
    public boolean regenerate;

    public Args() {
      // The demo's own lake, unless flags say otherwise: 2,000 accounts (scale 2) churning 3 % a month,
      // as SMB SaaS does, so its renewal pool is large enough for the planted hot-spots to clear the
      // false-discovery bar (at scale 1 and 1.15 % a month they do not: docs/hotspots.md); 60 days of
      // usage (two 28-day MAU windows and the trend between them) keep the run near 14 minutes (measured).
      scale = DEMO_SCALE;
      usageDays = DEMO_USAGE_DAYS;
      churnHazard = DEMO_CHURN_HAZARD;
      // The demo keeps its table names in a metastore under the lake, for bin/churnscope sql
      // (an explicit --set catalog.metastore=... replaces this).
      overrides.put(CatalogSettings.METASTORE.path(), "embedded");
    }

    @Override
    public io.churnscope.common.lake.Lake lake() {
      return lake != null ? super.lake() : new Lake(new File("demo-lake").getAbsolutePath());
    }
  }

  private DemoJob() {}

  /**
   * The demo knows its ground truth: which of the generator's planted hot-spots the night's established
   * search reported with the planted rate inside its interval, and what it reported that was not planted.
   */
  private static void printPlantedHotspots(SparkSession spark, Lake lake, ChurnscopeConfig config,
      GeneratorParams params) throws java.io.IOException {
    PlantedHotspotCheck.Result result = PlantedHotspotCheck.check(spark, RunContext.start(params.endDate(), lake, config));
    long found = result.findings().stream().filter(PlantedHotspotCheck.Finding::found).count();
    System.out.printf("%nThe generator planted %d churn hot-spots; the night's search (established renewals) found %d:%n",
        result.findings().size(), found);
    result.findings().forEach(f -> {
      System.out.println(f.brief());
      if (f.reported() == null && f.searched()) {
        f.reportedParents(result.reported()).forEach(p -> System.out.println("                reported as its parent " + p));
      }
    });
    java.util.Set<String> planted = new java.util.HashSet<>();
    result.findings().stream().filter(f -> f.reported() != null)
        .forEach(f -> planted.add(f.reported().getAs("segment_key")));
    java.util.Set<String> parents = new java.util.HashSet<>();
    result.findings().stream().filter(f -> f.reported() == null)
        .forEach(f -> parents.addAll(f.reportedParents(result.reported())));
    List<Row> others = result.reported().stream()
        .filter(r -> !planted.contains((String) r.getAs("segment_key")))
        .filter(r -> !parents.contains(io.churnscope.jobs.hotspots.Segment.of(scala.jdk.javaapi.CollectionConverters.asJava(
            r.<scala.collection.Map<String, String>>getAs("segment"))).label()))
        .toList();
    System.out.println("  reported and neither planted nor a planted segment's parent: "
        + (others.isEmpty() ? "none" : others.size()));
    others.forEach(r -> System.out.println("    " + r.getAs("sentence")));
  }

  public static void main(String[] argv) throws Exception {
    JobRunner.main("demo", argv, new Args(), DemoJob::run);
  }

  public static void run(SparkSession spark, Args args) throws Exception {
    GeneratorParams params = args.params();
    Lake lake = args.lake();
    Path truth = new Path(lake.generatorDir() + "/ground_truth.json");
    boolean generated = truth.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(truth);
    if (generated && !args.regenerate) {
      LOG.info("demo: reusing the generated lake at {} (--regenerate to start over)", lake.root());
    } else {
      args.lake = lake.root();
      SampleLakeGenerator.run(spark, args);
    }
    NightlyJob.Args nightly = new NightlyJob.Args();
    nightly.lake = lake.root();
    nightly.conf = args.conf;
    nightly.overrides = new java.util.LinkedHashMap<>(args.overrides);
    // The hot-spot pool spans the whole history but its first month (which has no month before it to
    // renew from): 17 months of renewals find the planted reseller × US; 12 (the default) did not.
    nightly.overrides.putIfAbsent(NightlyHotspotSettings.POOL_MONTHS.path(),
        String.valueOf(Math.max(1, params.historyMonths() - 1)));
    nightly.runDate = params.endDate();
    NightlyJob.run(spark, nightly);
    System.out.println("""
        The demo lake is at %1$s
          raw/                 what the generator delivered (planted truth: _generator/ground_truth.json)
          staged/              typed, de-duplicated, pseudonymized tables (Delta)
          quarantine/records   every rejected record with its reason
          _runs/run_manifest   what each stage did
        Query it by name:         bin/churnscope sql --lake %1$s "SELECT * FROM marts.churn_metrics ORDER BY month"
        Without Spark (DuckDB):   jdbc:duckdb:%1$s/_catalog/churnscope.duckdb  (read-only; views per table)
        Run the next night:       bin/churnscope nightly --lake %1$s --run-date %2$s
        The night's report (charts, one self-contained page; open it in a browser):
          %3$s
        """.formatted(lake.root(), params.endDate().plusDays(1), RunReportStage.latestPage(lake)));
    printPlantedHotspots(spark, lake, nightly.config(), params);
  }
}
