package io.churnscope.common.run;

import org.apache.spark.sql.SparkSession;

/** One step of the nightly DAG. A stage reads upstream tables, writes its own, and reports. */
public interface Stage {
  /** The stage's command name, e.g. {@code ingest-usage}. */
  String name();

  /** One line for {@code --help} listings. */
  String description();

  StageResult run(SparkSession spark, RunContext run) throws Exception;
}
