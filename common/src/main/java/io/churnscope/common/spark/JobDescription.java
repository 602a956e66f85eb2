package io.churnscope.common.spark;

import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * What the Spark UI, the event log and the run manifest's job counts say is running, for the
 * length of a {@code try} block: the label is set on entry and the previous one restored on exit,
 * whatever happens in between, so no code pairs a set with a clear.
 *
 * <pre>
 * try (var label = JobDescription.set(spark, "cube: dimensions")) {
 *   ...
 * }
 * </pre>
 *
 * A block of several phases relabels itself with {@link #then}. Threads started inside the block ({@link InParallel}) inherit the label.
 */
public final class JobDescription implements AutoCloseable {
  private static final String DESCRIPTION = "spark.job.description";
  private static final String GROUP = "spark.jobGroup.id";

  private final SparkContext context;
  private final String previousDescription;
  private final String previousGroup;
  private final boolean grouped;

  private JobDescription(SparkContext context, boolean grouped) {
    this.context = context;
    this.previousDescription = context.getLocalProperty(DESCRIPTION);
    this.previousGroup = context.getLocalProperty(GROUP);
    this.grouped = grouped;
  }

  /** Describes the jobs started in the block, e.g. {@code "cube: dimensions"}. */
  public static JobDescription set(SparkSession spark, String description) {
    JobDescription label = new JobDescription(spark.sparkContext(), false);
    label.context.setJobDescription(description);
    return label;
  }

  /**
   * Puts the jobs started in the block in one job group (a stage: the manifest counts its jobs by
   * group) with a description.
   */
  public static JobDescription group(SparkSession spark, String groupId, String description) {
    JobDescription label = new JobDescription(spark.sparkContext(), true);
    label.context.setJobGroup(groupId, description, false);
    return label;
  }

  /** The next phase of the same block: describes the jobs started from here on. */
  public void then(String description) {
    context.setJobDescription(description);
  }

  @Override
  public void close() {
    if (grouped) {
      context.setLocalProperty(GROUP, previousGroup);
    }
    context.setLocalProperty(DESCRIPTION, previousDescription);
  }
}
