package io.churnscope.jobs.cube;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.Arrays;
import org.apache.spark.sql.Column;

/**
 * Surrogate keys of the cube's dimensions: xxhash64 of the natural key. A sequence number given
 * out by each run would renumber members whenever a new one sorts before them, and the facts of
 * closed months (never rewritten) would then point at the wrong rows; a hash of the natural key
 * gives the same member the same key in every run, on every engine. 64 bits make a collision
 * among a few thousand members negligible (about 1e-13; not checked at run time).
 */
public final class SurrogateKeys {
  /** Stands for a missing natural value, so null never hashes like an empty string by accident. */
  static final String MISSING = "\u0000";

  private SurrogateKeys() {}

  public static Column of(Column... naturalKey) {
    Column[] parts = Arrays.stream(naturalKey).map(c -> coalesce(c.cast("string"), lit(MISSING))).toArray(Column[]::new);
    return xxhash64(parts);
  }
}
