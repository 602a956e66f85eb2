package io.churnscope.common.run;

import io.churnscope.common.config.ChurnscopeConfig;
import org.apache.spark.sql.SparkSession;

/** One step of the nightly DAG. A stage reads upstream tables, writes its own, and reports. */
public interface Stage {
  /** The stage's command name, e.g. {@code ingest-usage}. */
  String name();

  /** One line for {@code --help} listings. */
  String description();

  /**
   * The raw feeds and tables the stage reads and the tables it writes. The runner fails a stage
   * that touches a table not declared here.
   */
  DataFlow dataFlow();

  StageResult run(SparkSession spark, RunContext run) throws Exception;

  /**
   * Reads every configuration key the stage uses, so a bad value fails the run before Spark
   * starts, with one line naming the key (a {@link io.churnscope.common.UserError}).
   */
  default void validate(ChurnscopeConfig config) {}
}
