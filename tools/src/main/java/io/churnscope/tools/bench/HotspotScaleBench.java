package io.churnscope.tools.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import com.beust.jcommander.Parameter;
import io.churnscope.common.cli.JobRunner;
import io.churnscope.common.UserError;
import io.churnscope.jobs.hotspots.HotspotEngine;
import io.churnscope.jobs.hotspots.HotspotSettings;
import io.churnscope.jobs.hotspots.HotspotSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Command {@code bench-hotspots} (run by {@code bench/hotspots}): the hot-spot search at a size no
 * nightly lake reaches — by default 1,000,000 accounts × 12 dimensions at order 3. Writes a synthetic
 * population to Parquet (so the search reads a file, as {@code bin/churnscope hotspots} would), times
 * the search, and writes {@code bench/results/hotspots-<timestamp>.md} with the lattice's levels and the
 * top hot-spots beside the planted ones (a reader compares them; the tests judge the engine).
 *
 * <p>The population: dimension {@code dN} has 3 + (N mod 6) values; churn is 10 % except
 * {@code d01=v1 × d02=v1} (×1.8) and {@code d06=v3 × d07=v1 × d12=v2} (×2.5, 1/36 of the
 * accounts: above the default 1 % support floor; its single-value parents sit near the baseline).
 * Every draw is a hash of (account id, draw name), so the population is the same on every machine
 * and partitioning.
 */
public final class HotspotScaleBench {
  public static class Args extends BenchArgs {
    @Parameter(names = "--accounts", description = "Rows of the population.")
    public long accounts = 1_000_000;

    @Parameter(names = "--dimensions", description = "Dimension columns (at least 12: the planted segments use d01, d02, d06, d07, d12).")
    public int dimensions = 12;

    @Parameter(names = "--max-order", description = "Most dimension values in one segment.")
    public int maxOrder = 3;

    @Parameter(names = "--shape", description = "uniform: dimension dN has 3 + (N mod 6) equally likely values; census: "
        + "the 68 attributes of the UCI US Census 1990 data at their numbers of values (2-18), skewed as its codes are "
        + "(value k about 1 / k^1.5 as likely as the first), with --dimensions ignored. Use --accounts 2458285 "
        + "--set hotspots.min-support-share=0.01 for the census data's size and SliceLine's 1 % floor.")
    public String shape = "uniform";

    @Override
    public void validate() {
      config();
      if (accounts < 1000 || dimensions < 12 || maxOrder < 1) {
        throw new UserError("--accounts must be at least 1000, --dimensions at least 12, --max-order at least 1");
      }
      if (!List.of("uniform", "census").contains(shape)) {
        throw new UserError("--shape " + shape + ": must be uniform or census");
      }
    }
  }

  private HotspotScaleBench() {}

  public static void main(String[] argv) throws Exception {
    JobRunner.main("bench-hotspots", argv, new Args(), HotspotScaleBench::run);
  }

  public static void run(SparkSession spark, Args args) throws IOException {
    String stamp = args.stamp;
    Path input = Path.of(args.work, "hotspot-population-" + stamp);
    boolean census = args.shape.equals("census");
    int[] cardinalities = census ? CENSUS_VALUES : null;
    int dimensionCount = census ? CENSUS_VALUES.length : args.dimensions;
    List<String> dimensions = new ArrayList<>();
    for (int d = 1; d <= dimensionCount; d++) {
      dimensions.add(String.format("d%02d", d));
    }
    long started = System.nanoTime();
    population(spark, args.accounts, dimensions, cardinalities).write().mode(SaveMode.Overwrite).parquet(input.toString());
    double generateSeconds = (System.nanoTime() - started) / 1e9;

    HotspotSpec spec = HotspotSpec.of(dimensions, "churned", HotspotSettings.from(args.config()).withMaxOrder(args.maxOrder));
    started = System.nanoTime();
    StringBuilder md = new StringBuilder();
    try (HotspotEngine.Search search = HotspotEngine.search(spark.read().parquet(input.toString()), spec)) {
      double searchSeconds = (System.nanoTime() - started) / 1e9;
      int cores = Runtime.getRuntime().availableProcessors();
      md.append("# Hot-spot search at scale (").append(stamp).append(")\n\n")
          .append(String.format("%,d accounts × %d dimensions (%s), max order %d, support floor share %s, on %d cores "
                  + "(%s), driver heap %d MB.%n%n", args.accounts, dimensionCount, census
                  ? "census-shaped: the US Census 1990 attributes' numbers of values, skewed" : "uniform", args.maxOrder,
              spec.settings().minSupportShare(), cores, spark.sparkContext().master(), Runtime.getRuntime().maxMemory() >> 20))
          .append(String.format("- population written to Parquet: %.1f s%n", generateSeconds))
          .append(String.format("- **search: %.1f s** (read, lattice, tests, selection, explain-away)%n", searchSeconds));
      search.log().forEach(line -> md.append("- ").append(line).append('\n'));
      md.append(census ? "\nTop hot-spots (planted: d01=v1 × d02=v1 at ×1.8, d06=v1 × d07=v2 × d12=v1 at ×2.5):\n\n"
          : "\nTop hot-spots (planted: d01=v1 × d02=v1 at ×1.8, d06=v3 × d07=v1 × d12=v2 at ×2.5):\n\n");
      search.hotspots().stream().limit(5).forEach(h -> md.append(h.rank()).append(". ").append(h.sentence()).append('\n'));
    } finally {
      BenchJob.deleteTree(input);
    }
    Files.createDirectories(Path.of(args.out));
    Path file = args.result("hotspots-", ".md");
    Files.writeString(file, md);
    System.out.println(md);
    System.out.println("written to " + file);
  }

  /**
   * The number of values of each of the 68 attributes of the UCI "US Census Data (1990)" set (caseid left
   * out), in its column order (dAge, dAncstry1, dAncstry2, iAvail, ..., dYrsserv), as SliceLine's
   * evaluation used them.
   */
  static final int[] CENSUS_VALUES = {8, 12, 12, 5, 5, 10, 6, 3, 3, 5, 2, 14, 10, 6, 6, 11, 5, 2, 2, 2, 2, 2, 2, 2, 13,
      2, 3, 3, 5, 3, 13, 5, 3, 3, 9, 3, 3, 8, 3, 4, 5, 6, 14, 4, 12, 9, 7, 2, 5, 10, 2, 7, 12, 4, 2, 2, 4, 4, 4, 7, 2, 3,
      3, 3, 2, 18, 8, 3};

  /**
   * The synthetic population (see the class comment); with {@code cardinalities}, dimension dN has that
   * many values, value k drawn about 1 / k^1.5 as often as the first, and the planted triple uses common values.
   */
  static Dataset<Row> population(SparkSession spark, long accounts, List<String> dimensions, int[] cardinalities) {
    Dataset<Row> rows = spark.range(0, accounts).withColumnRenamed("id", "account_id");
    for (int d = 1; d <= dimensions.size(); d++) {
      Column value;
      if (cardinalities == null) {
        int values = 3 + d % 6;
        Column index = floor(uniform("dim" + d).multiply(values)).cast("int").plus(1);
        Column[] names = new Column[values];
        for (int v = 0; v < values; v++) {
          names[v] = lit("v" + (v + 1));
        }
        value = element_at(org.apache.spark.sql.functions.array(names), index);
      } else {
        value = skewed(uniform("dim" + d), cardinalities[d - 1]);
      }
      rows = rows.withColumn(dimensions.get(d - 1), value);
    }
    Column pair = col("d01").equalTo("v1").and(col("d02").equalTo("v1"));
    Column triple = cardinalities == null
        ? col("d06").equalTo("v3").and(col("d07").equalTo("v1")).and(col("d12").equalTo("v2"))
        : col("d06").equalTo("v1").and(col("d07").equalTo("v2")).and(col("d12").equalTo("v1"));
    Column rate = when(triple, 0.25).when(pair, 0.18).otherwise(0.10);
    return rows.withColumn("churned", uniform("churn").lt(rate));
  }

  /**
   * v1 .. v{values}, value k with weight 1 / k^1.5, by the inverse of the cumulative weights: the value
   * after the last cumulative share at or under u. (A chain of 68 × 18 CASE branches made generated code
   * over the JVM's 64 KB limit.)
   */
  private static Column skewed(Column u, int values) {
    double total = 0;
    for (int k = 1; k <= values; k++) {
      total += Math.pow(k, -1.5);
    }
    Column[] shares = new Column[values - 1];
    Column[] names = new Column[values];
    double cumulative = 0;
    for (int k = 1; k <= values; k++) {
      cumulative += Math.pow(k, -1.5);
      if (k < values) {
        shares[k - 1] = lit(cumulative / total);
      }
      names[k - 1] = lit("v" + k);
    }
    Column passed = org.apache.spark.sql.functions.filter(org.apache.spark.sql.functions.array(shares), t -> t.leq(u));
    return element_at(org.apache.spark.sql.functions.array(names), org.apache.spark.sql.functions.size(passed).plus(1));
  }

  private static Column uniform(String draw) {
    return pmod(xxhash64(col("account_id"), lit(draw)), lit(1_000_000L)).divide(1_000_000.0);
  }
}
