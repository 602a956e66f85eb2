package io.churnscope.tools.bench;

import com.beust.jcommander.Parameter;
import io.churnscope.common.UserError;
import io.churnscope.common.cli.JobRunner;
import io.churnscope.generator.PlantedRenewalPool;
import io.churnscope.jobs.hotspots.Hotspot;
import io.churnscope.jobs.hotspots.HotspotEngine;
import io.churnscope.jobs.hotspots.HotspotSettings;
import io.churnscope.jobs.hotspots.HotspotSettings.ParentTest;
import io.churnscope.jobs.hotspots.HotspotSpec;
import io.churnscope.jobs.hotspots.Segment;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Command {@code bench-planted-power} (run by {@code bench/planted-power}): the hot-spot search's power
 * and false discoveries under each {@link ParentTest}, side by side on the same populations. Planted
 * populations at each scale and seed ({@link PlantedRenewalPool}: the generator's accounts and planted
 * hazards, one row per renewal), then null populations (the same accounts, no lift). Both parent tests
 * share one lattice walk per population, so they see the same counts. Writes
 * {@code bench/results/planted-power-<timestamp>.md}.
 */
public final class PlantedPowerBench {
  public static class Args extends BenchArgs {
    @Parameter(names = "--scales", description = "Planted population sizes, in thousands of accounts, comma-separated.")
    public List<Double> scales = List.of(2.0, 3.0, 4.0);

    @Parameter(names = "--seeds", description = "Planted populations per scale (seeds 1..N).")
    public int seeds = 10;

    @Parameter(names = "--nulls", description = "Null populations (no planted lift), seeds 1001..1000+N.")
    public int nulls = 100;

    @Parameter(names = "--null-scale", description = "Size of the null populations, in thousands of accounts.")
    public double nullScale = 3;

    @Parameter(names = "--hazard", description = "Monthly churn hazard outside the planted segments (the generator's default).")
    public double hazard = 0.03;

    @Override
    public void validate() {
      config();
      if (scales.isEmpty() || scales.stream().anyMatch(s -> s <= 0) || seeds < 0 || nulls < 0 || nullScale <= 0
          || !(hazard > 0 && hazard < 1)) {
        throw new UserError("--scales must be positive, --seeds and --nulls at least 0, --null-scale positive, "
            + "--hazard in (0, 1)");
      }
    }
  }

  /** What one search reported: planted segments found as themselves, and reports that are not planted. */
  record Tally(int found, int planted, int reports, int notPlanted, Set<String> foundIds) {}

  private PlantedPowerBench() {}

  public static void main(String[] argv) throws Exception {
    JobRunner.main("bench-planted-power", argv, new Args(), PlantedPowerBench::run);
  }

  public static void run(SparkSession spark, Args args) throws IOException {
    HotspotSettings base = HotspotSettings.from(args.config());
    Map<String, Segment> planted = new TreeMap<>();
    PlantedRenewalPool.planted().forEach((id, values) -> planted.put(id, Segment.of(values)));
    StringBuilder md = new StringBuilder("# Hot-spot power by parent test (").append(args.stamp).append(")\n\n")
        .append(String.format(Locale.ROOT, "Populations: `PlantedRenewalPool` (the generator's accounts, one row per renewal "
            + "in 12 months, %d dimensions, `--id account_id`), monthly hazard %.3f outside the planted segments; "
            + "settings as configured (fdr %.2f, min-lift %.2f, max-order %d, floor-lift %.1f). Both parent tests "
            + "score the same lattice walk of each population.%n%n", PlantedRenewalPool.DIMENSIONS.size(), args.hazard,
            base.fdr(), base.minLift(), base.maxOrder(), base.floorLift()))
        .append("| population | parent test | populations | planted found as themselves | H1 | H2 | H3 | reports | "
            + "reports not planted | share not planted |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    long started = System.nanoTime();
    for (double scale : args.scales) {
      Map<ParentTest, List<Tally>> tallies = new EnumMap<>(ParentTest.class);
      for (long seed = 1; seed <= args.seeds; seed++) {
        Map<ParentTest, Tally> one = search(spark, PlantedRenewalPool.draw(spark, scale, seed, args.hazard, true), base, planted);
        one.forEach((test, tally) -> tallies.computeIfAbsent(test, t -> new ArrayList<>()).add(tally));
        System.out.printf(Locale.ROOT, "scale %s seed %d: %s (%.0f s so far)%n", scale, seed, one,
            (System.nanoTime() - started) / 1e9);
      }
      tallies.forEach((test, list) -> md.append(plantedRow("scale " + scale, test, list, planted.keySet())));
    }
    Map<ParentTest, Integer> nullRunsWithAny = new EnumMap<>(ParentTest.class);
    for (long seed = 1001; seed <= 1000 + args.nulls; seed++) {
      Map<ParentTest, Tally> one = search(spark, PlantedRenewalPool.draw(spark, args.nullScale, seed, args.hazard, false),
          base, planted);
      one.forEach((test, tally) -> nullRunsWithAny.merge(test, tally.reports() > 0 ? 1 : 0, Integer::sum));
      System.out.printf(Locale.ROOT, "null seed %d: %s (%.0f s so far)%n", seed, one, (System.nanoTime() - started) / 1e9);
    }
    if (args.nulls > 0) {
      md.append("\n| null populations (scale ").append(args.nullScale).append(") | parent test | populations | "
          + "reporting anything | share |\n|---|---|---:|---:|---:|\n");
      nullRunsWithAny.forEach((test, any) -> md.append(String.format(Locale.ROOT, "| no planted lift | %s | %d | %d | %.3f |%n",
          test.name().toLowerCase(Locale.ROOT), args.nulls, any, any / (double) args.nulls)));
    }
    md.append(String.format(Locale.ROOT, "%nTook %.0f s on %d cores.%n", (System.nanoTime() - started) / 1e9,
        Runtime.getRuntime().availableProcessors()));
    Files.createDirectories(java.nio.file.Path.of(args.out));
    java.nio.file.Path file = args.result("planted-power-", ".md");
    Files.writeString(file, md);
    System.out.println(md);
    System.out.println("written to " + file);
  }

  /** One lattice walk, scored and selected under each parent test. */
  static Map<ParentTest, Tally> search(SparkSession spark, Dataset<Row> population, HotspotSettings base,
      Map<String, Segment> planted) {
    List<HotspotSpec> specs = new ArrayList<>();
    for (ParentTest test : ParentTest.values()) {
      specs.add(new HotspotSpec(PlantedRenewalPool.DIMENSIONS, PlantedRenewalPool.OUTCOME, null, PlantedRenewalPool.ID,
          base.withParentTest(test)));
    }
    Map<ParentTest, Tally> out = new EnumMap<>(ParentTest.class);
    // The searches share one persisted preparation of the population (HotspotEngine.searches).
    List<HotspotEngine.Search> searches = HotspotEngine.searches(population, specs);
    try {
      for (int i = 0; i < specs.size(); i++) {
        out.put(specs.get(i).settings().parentTest(), tally(searches.get(i).hotspots(), planted));
      }
    } finally {
      searches.get(0).close();
    }
    return out;
  }

  /** A planted segment counts as found when a hot-spot is that segment, or covers exactly its accounts. */
  static Tally tally(List<Hotspot> hotspots, Map<String, Segment> planted) {
    Set<String> found = new java.util.TreeSet<>();
    int notPlanted = 0;
    for (Hotspot h : hotspots) {
      List<String> ids = planted.entrySet().stream().filter(p -> h.reportsAs(p.getValue())).map(Map.Entry::getKey)
          .toList();
      if (ids.isEmpty()) {
        notPlanted++;
      }
      found.addAll(ids);
    }
    return new Tally(found.size(), planted.size(), hotspots.size(), notPlanted, found);
  }

  private static String plantedRow(String population, ParentTest test, List<Tally> tallies, Set<String> ids) {
    int found = tallies.stream().mapToInt(Tally::found).sum();
    int planted = tallies.stream().mapToInt(Tally::planted).sum();
    int reports = tallies.stream().mapToInt(Tally::reports).sum();
    int notPlanted = tallies.stream().mapToInt(Tally::notPlanted).sum();
    String perId = ids.stream().map(id -> String.valueOf(tallies.stream().filter(t -> t.foundIds().contains(id)).count()))
        .collect(Collectors.joining(" | "));
    return String.format(Locale.ROOT, "| %s | %s | %d | %d of %d (%.2f) | %s | %d | %d | %.3f |%n", population,
        test.name().toLowerCase(Locale.ROOT), tallies.size(), found, planted, found / (double) Math.max(1, planted), perId,
        reports, notPlanted, notPlanted / (double) Math.max(1, reports));
  }
}
