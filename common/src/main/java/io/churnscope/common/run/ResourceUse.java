package io.churnscope.common.run;

/**
 * What a stage cost, as Spark's task metrics and the driver JVM report it; recorded in the run
 * manifest beside the wall time so a slow stage can be explained (is it reading, shuffling,
 * spilling, or holding data on the driver?).
 *
 * @param sparkJobs Spark jobs the stage ran
 * @param taskMs summed task run time over all cores (CPU-bound work ≈ taskMs / cores of wall time)
 * @param inputBytes bytes read from files by tasks
 * @param shuffleReadBytes bytes read from shuffles (local and remote)
 * @param shuffleWriteBytes bytes written to shuffles
 * @param spillBytes bytes spilled to memory and disk by sorts and aggregations
 * @param outputBytes bytes written to files by tasks
 * @param peakHeapMb highest driver heap in use seen during the stage, garbage included
 * @param retainedHeapMb highest old-generation heap still in use after a collection: data the
 *     driver JVM holds on to (in local mode the executor shares the JVM)
 */
public record ResourceUse(long sparkJobs, long taskMs, long inputBytes, long shuffleReadBytes, long shuffleWriteBytes,
    long spillBytes, long outputBytes, long peakHeapMb, long retainedHeapMb) {
  public static final ResourceUse NONE = new ResourceUse(0, 0, 0, 0, 0, 0, 0, 0, 0);
}
