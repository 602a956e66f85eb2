package io.churnscope.common.lake.local;

import java.util.Map;

/** The Spark settings that route {@code file:} paths through the local file systems of this package. */
public final class LocalFileSystems {
  private LocalFileSystems() {}

  public static Map<String, String> sparkConf() {
    return Map.of(
        "spark.hadoop.fs.file.impl", ForklessLocalFileSystem.class.getName(),
        "spark.hadoop.fs.AbstractFileSystem.file.impl", ForklessLocalFs.class.getName());
  }
}
