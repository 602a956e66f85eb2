package io.churnscope.jobs.hotspots;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Populations with known structure. Every draw is a hash of (row id, seed, draw name), so a
 * population is the same whatever the partitioning.
 */
final class SyntheticPopulations {
  private SyntheticPopulations() {}

  /** A uniform draw in [0, 1) for the row. */
  static Column uniform(long seed, String draw) {
    return pmod(xxhash64(col("id"), lit(seed), lit(draw)), lit(1_000_000L)).divide(1_000_000.0);
  }

  /** One of the values, uniformly. */
  static Column pick(long seed, String draw, String... values) {
    return element(floor(uniform(seed, draw).multiply(values.length)), values);
  }

  /** The value at a 0-based index column. */
  static Column element(Column index, String... values) {
    return element_at(org.apache.spark.sql.functions.array(java.util.Arrays.stream(values).map(v -> lit(v))
        .toArray(Column[]::new)), index.cast("int").plus(1));
  }

  /**
   * The planted population: churn 10 %, except channel=reseller × country=US at {@code hotRate}.
   * {@code region} is a function of country (NA for US and CA), so region=NA × channel=reseller looks
   * high only through its US half; {@code onboarding} = partner_portal for 80 % of resellers and 5 % of
   * the others, so it looks high only because it is full of reseller × US accounts; {@code plan} and
   * {@code noise} are independent of churn.
   */
  static Dataset<Row> planted(SparkSession spark, long rows, long seed, double hotRate) {
    Dataset<Row> base = spark.range(0, rows, 1, 2)
        .withColumn("channel", pick(seed, "channel", "reseller", "retail", "organic", "partner"))
        .withColumn("country", pick(seed, "country", "US", "CA", "DE", "FR"))
        .withColumn("plan", pick(seed, "plan", "basic", "pro", "enterprise"))
        .withColumn("noise", pick(seed, "noise", "a", "b", "c", "d", "e"));
    Column hot = col("channel").equalTo("reseller").and(col("country").equalTo("US"));
    return base
        .withColumn("region", when(col("country").isin("US", "CA"), "NA").otherwise("EU"))
        .withColumn("onboarding", when(uniform(seed, "onboarding")
            .lt(when(col("channel").equalTo("reseller"), 0.8).otherwise(0.05)), "partner_portal").otherwise("self_serve"))
        .withColumn("churned", uniform(seed, "churn").lt(when(hot, hotRate).otherwise(0.10)))
        .withColumn("mrr", lit(100).plus(floor(uniform(seed, "mrr").multiply(900))))
        .withColumn("account_id", col("id").cast("string"));
  }

  /** Three dimensions independent of a 20 % churn: any hot-spot found is a false discovery. */
  static Dataset<Row> nullPopulation(SparkSession spark, long rows, long seed) {
    return spark.range(0, rows, 1, 2)
        .withColumn("a", pick(seed, "a", "a1", "a2", "a3", "a4"))
        .withColumn("b", pick(seed, "b", "b1", "b2", "b3", "b4", "b5"))
        .withColumn("c", pick(seed, "c", "c1", "c2", "c3"))
        .withColumn("churned", when(uniform(seed, "churn").lt(0.2), 1).otherwise(0));
  }
}
