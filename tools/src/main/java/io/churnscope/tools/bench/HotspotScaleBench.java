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

    @Override
    public void validate() {
      config();
      if (accounts < 1000 || dimensions < 12 || maxOrder < 1) {
        throw new UserError("--accounts must be at least 1000, --dimensions at least 12, --max-order at least 1");
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
    List<String> dimensions = new ArrayList<>();
    for (int d = 1; d <= args.dimensions; d++) {
      dimensions.add(String.format("d%02d", d));
    }
    long started = System.nanoTime();
    population(spark, args.accounts, dimensions).write().mode(SaveMode.Overwrite).parquet(input.toString());
    double generateSeconds = (System.nanoTime() - started) / 1e9;

    HotspotSpec spec = HotspotSpec.of(dimensions, "churned", HotspotSettings.from(args.config()).withMaxOrder(args.maxOrder));
    started = System.nanoTime();
    StringBuilder md = new StringBuilder();
    try (HotspotEngine.Search search = HotspotEngine.search(spark.read().parquet(input.toString()), spec)) {
      double searchSeconds = (System.nanoTime() - started) / 1e9;
      int cores = Runtime.getRuntime().availableProcessors();
      md.append("# Hot-spot search at scale (").append(stamp).append(")\n\n")
          .append(String.format("%,d accounts × %d dimensions, max order %d, on %d cores (%s), driver heap %d MB.%n%n",
              args.accounts, args.dimensions, args.maxOrder, cores, spark.sparkContext().master(),
              Runtime.getRuntime().maxMemory() >> 20))
          .append(String.format("- population written to Parquet: %.1f s%n", generateSeconds))
          .append(String.format("- **search: %.1f s** (read, lattice, tests, selection, explain-away)%n", searchSeconds));
      search.log().forEach(line -> md.append("- ").append(line).append('\n'));
      md.append("\nTop hot-spots (planted: d01=v1 × d02=v1 at ×1.8, d06=v3 × d07=v1 × d12=v2 at ×2.5):\n\n");
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

  /** The synthetic population (see the class comment). */
  static Dataset<Row> population(SparkSession spark, long accounts, List<String> dimensions) {
    Dataset<Row> rows = spark.range(0, accounts).withColumnRenamed("id", "account_id");
    for (int d = 1; d <= dimensions.size(); d++) {
      int values = 3 + d % 6;
      Column index = floor(uniform("dim" + d).multiply(values)).cast("int").plus(1);
      Column[] names = new Column[values];
      for (int v = 0; v < values; v++) {
        names[v] = lit("v" + (v + 1));
      }
      rows = rows.withColumn(dimensions.get(d - 1), element_at(org.apache.spark.sql.functions.array(names), index));
    }
    Column pair = col("d01").equalTo("v1").and(col("d02").equalTo("v1"));
    Column triple = col("d06").equalTo("v3").and(col("d07").equalTo("v1")).and(col("d12").equalTo("v2"));
    Column rate = when(triple, 0.25).when(pair, 0.18).otherwise(0.10);
    return rows.withColumn("churned", uniform("churn").lt(rate));
  }

  private static Column uniform(String draw) {
    return pmod(xxhash64(col("account_id"), lit(draw)), lit(1_000_000L)).divide(1_000_000.0);
  }
}
