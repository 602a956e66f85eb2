package io.churnscope.common.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.storage.StorageLevel;

/**
 * Frames a stage computes once and then reads several times while it writes Delta tables.
 *
 * <p>Why not {@code cache()}: a DataFrame save re-caches by plan, so Spark drops every cached frame
 * whose plan reads the table just written, and the next reader computes it again. A stage whose
 * batch was read partly from the table it writes (ingestion de-duplicates against the ids already in
 * {@code staged.usage_events}; the cube keeps the attributes of closed months from
 * {@code cube.dim_account}) then computes that batch once per write: at scale 10 the day's
 * clickstream was computed four times, a quarter of the nightly. A held frame is a local checkpoint:
 * its plan is the computed partitions, not the tables, so no write can drop it.
 *
 * <p>The partitions live on the executors that computed them (memory, spilling to disk). Losing such
 * an executor fails the stage, which then publishes nothing and can be re-run.
 */
public final class HeldFrames {
  private HeldFrames() {}

  /** Computes {@code rows} now and returns a frame that reads the computed partitions. */
  public static Dataset<Row> hold(Dataset<Row> rows) {
    return rows.localCheckpoint(true, StorageLevel.MEMORY_AND_DISK());
  }

  /** Frees the partitions of a frame {@link #hold} returned; a frame it did not return is left alone. */
  public static void release(Dataset<Row> held) {
    if (held instanceof org.apache.spark.sql.classic.Dataset<Row> classic
        && classic.queryExecution().logical() instanceof LogicalRDD computed) {
      computed.rdd().unpersist(false);
    }
  }
}
