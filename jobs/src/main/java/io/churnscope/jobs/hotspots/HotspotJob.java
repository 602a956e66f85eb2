package io.churnscope.jobs.hotspots;

import com.beust.jcommander.Parameter;
import io.churnscope.common.cli.JobArgs;
import io.churnscope.common.cli.JobRunner;
import io.churnscope.common.UserError;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.spark.JobDescription;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.schema.HotspotTables;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Command {@code hotspots}: churn hot-spots on any table or file (docs/hotspots.md).
 *
 * <pre>
 * bin/churnscope hotspots --input DATASETS/ibm-telco/Telco-Customer-Churn.csv \
 *   --dimensions Contract,InternetService,PaymentMethod,tenure,SeniorCitizen,TechSupport \
 *   --outcome Churn --id customerID --output /tmp/telco-hotspots --run-date 2026-11-01
 * </pre>
 *
 * Writes {@code OUTPUT/hotspots/churn_hotspots} and, with {@code --id}, {@code OUTPUT/hotspots/churn_hotspot_members}
 * (each run replaces only its own {@code run_date}), compares with the previous run found there, and
 * prints the top hot-spots as sentences.
 */
public final class HotspotJob {
  public static class Args extends JobArgs {
    @Parameter(names = "--input", required = true,
        description = "The population: a Delta table folder, a Parquet file or folder, or a CSV file with a header.")
    public String input;

    @Parameter(names = "--format", description = "auto (by _delta_log or extension), delta, parquet or csv.")
    public String format = "auto";

    @Parameter(names = "--dimensions", required = true,
        description = "Comma-separated dimension columns. Numeric columns with more distinct values than --bins are cut into quantile bands.")
    public List<String> dimensions;

    @Parameter(names = "--outcome", required = true, description = "The churn column: boolean, 0/1 or yes/no.")
    public String outcome;

    @Parameter(names = "--weight", description = "Optional numeric weight (e.g. MRR at risk): impact becomes excess churned weight.")
    public String weight;

    @Parameter(names = "--id", description = "Optional row id column: writes churn_hotspot_members (segment key -> id).")
    public String id;

    @Parameter(names = "--output", required = true,
        description = "Root the tables are written under (OUTPUT/hotspots/churn_hotspots); the previous run is read from there.")
    public String output;

    @Parameter(names = "--max-order", description = "Most dimension values in one segment (default hotspots.max-order = 3).")
    public Integer maxOrder;

    @Parameter(names = "--min-support", description = "Fewest accounts a segment needs to be tested (default hotspots.min-support = 30).")
    public Long minSupport;

    @Parameter(names = "--min-support-share", description = "Smallest population share a segment needs (default hotspots.min-support-share = 0: none).")
    public Double minSupportShare;

    @Parameter(names = "--floor-lift", description = "Test only segments large enough for this lift over the baseline to be "
        + "significant at the number of tests (default hotspots.floor-lift = 3; 0 = off).")
    public Double floorLift;

    @Parameter(names = "--fdr", description = "Benjamini-Hochberg false-discovery rate, in (0, 1) (default hotspots.fdr = 0.05).")
    public Double fdr;

    @Parameter(names = "--min-lift", description = "Smallest churn rate / baseline worth reporting (default hotspots.min-lift = 1.2).")
    public Double minLift;

    @Parameter(names = "--parent-test", description = "How a segment's test against its parents is corrected: selective "
        + "(Benjamini-Bogomolov: held to fdr x selected / tested, and Benjamini-Hochberg among the selected) or combined (one Benjamini-Hochberg with the test against "
        + "the complement) (default hotspots.parent-test).")
    public String parentTest;

    @Parameter(names = "--bins", description = "Quantile bands for numeric dimensions (default hotspots.bins = 4).")
    public Integer bins;

    @Parameter(names = "--top", description = "How many sentences to print.")
    public int top = 10;

    private HotspotSpec spec;

    /** Flags over configuration ({@code hotspots.*}) over the packaged defaults. */
    public HotspotSpec spec() {
      if (spec == null) {
        HotspotSettings base = HotspotSettings.from(config());
        HotspotSettings settings = new HotspotSettings(
            maxOrder != null ? maxOrder : base.maxOrder(),
            minSupport != null ? minSupport : base.minSupport(),
            minSupportShare != null ? minSupportShare : base.minSupportShare(),
            floorLift != null ? floorLift : base.floorLift(),
            fdr != null ? fdr : base.fdr(),
            minLift != null ? minLift : base.minLift(),
            bins != null ? bins : base.bins(), base.maxValuesPerDimension(), base.maxCandidates(),
            parentTest != null ? HotspotSettings.ParentTest.named(parentTest) : base.parentTest());
        spec = new HotspotSpec(dimensions.stream().map(String::trim).filter(d -> !d.isEmpty()).toList(), outcome,
            weight, id, settings);
      }
      return spec;
    }

    /** No lake needed: the input and output are paths of their own. */
    @Override
    public void validate() {
      config();
      spec();
      if (top < 0) {
        throw new UserError("--top = " + top + ": must be 0 or more");
      }
    }
  }

  private HotspotJob() {}

  public static void main(String[] argv) throws Exception {
    JobRunner.main("hotspots", argv, new Args(), HotspotJob::run);
  }

  public static void run(SparkSession spark, Args args) {
    Lake output = new Lake(args.output);
    Dataset<Row> input = InputTable.read(spark, args.input, args.format);
    String runDate = args.runDate().toString();
    try (HotspotEngine.Search search = HotspotEngine.search(input, args.spec())) {
      search.log().forEach(line -> System.out.println("hotspots: " + line));
      Map<String, Row> previous = HotspotRows.previousReported(
          DeltaIO.readOrEmpty(spark, output, HotspotTables.CHURN_HOTSPOTS), args.runDate());
      Dataset<Row> rows = HotspotRows.of(spark, args.runDate(), search, previous);
      try (JobDescription label = JobDescription.set(spark, "hotspots: write churn_hotspots for " + runDate)) {
        DeltaIO.replaceWhere(spark, output, HotspotTables.CHURN_HOTSPOTS, rows, "run_date = '" + runDate + "'");
        if (args.id != null) {
          label.then("hotspots: write churn_hotspot_members for " + runDate);
          DeltaIO.replaceWhere(spark, output, HotspotTables.CHURN_HOTSPOT_MEMBERS,
              HotspotMembers.of(search, args.id, args.runDate()), "run_date = '" + runDate + "'");
        }
      }
      System.out.println(summary(search, previous, args.top, output.path(HotspotTables.CHURN_HOTSPOTS)));
    }
  }

  static String summary(HotspotEngine.Search search, Map<String, Row> previous, int top, String where) {
    StringBuilder out = new StringBuilder(String.format("%d hot-spots in %,d rows (baseline churn %s); written to %s%n",
        search.hotspots().size(), search.all().accounts(), Sentences.percent(search.all().rate()), where));
    search.hotspots().stream().limit(top).forEach(h -> out.append(String.format("%3d. [%s] %s%n", h.rank(),
        previous.containsKey(h.segment().key()) ? "persisting" : "new", h.sentence())));
    long resolved = previous.keySet().stream()
        .filter(k -> search.hotspots().stream().noneMatch(h -> h.segment().key().equals(k))).count();
    if (resolved > 0) {
      out.append(resolved).append(" hot-spots of the previous run resolved (status = resolved in the table)").append('\n');
    }
    return out.toString();
  }

}
