package io.churnscope.common.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The lake's root as the tables' paths are built from it. */
class LakeTest {
  @Test
  void aLocalRootIsNormalizedSoEachTableHasOnePath() {
    // Delta refused CREATE TABLE on <root>/tools/../jobs/... beside the path Hadoop resolved it to.
    assertEquals("/data/jobs/lake", new Lake("/data/tools/../jobs/./lake/").root());
    assertEquals("/data/jobs/lake/_runs/run_manifest",
        new Lake("/data/tools/../jobs/lake").path(io.churnscope.common.schema.RunTables.RUN_MANIFEST));
    assertEquals("lake", new Lake("./lake").root());
    assertEquals(".", new Lake("lake/..").root());
    assertEquals("/", new Lake("/").root());
  }

  @Test
  void aUriIsLeftAsGiven() {
    assertEquals("s3a://bucket/a/../lake", new Lake("s3a://bucket/a/../lake/").root());
    assertEquals("file:/data/a/../lake", new Lake("file:/data/a/../lake").root());
  }
}
