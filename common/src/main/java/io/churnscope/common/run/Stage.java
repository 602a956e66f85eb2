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
   * Whether the runner may skip the stage when its {@link StageFingerprint} is the one its last
   * success on the run date left: true for a stage whose outputs are the Delta tables it declares
   * (and the {@link #otherFiles}); false for one that also writes elsewhere (the catalog, a report).
   */
  default boolean skipsWhenUnchanged() {
    return true;
  }

  /**
   * Folders outside the lake's tables whose files the stage also reads or writes (a model registry),
   * relative to the lake's root: their listing is part of its {@link StageFingerprint}.
   */
  default java.util.List<String> otherFiles() {
    return java.util.List.of();
  }

  /**
   * Reads every configuration key the stage uses, so a bad value fails the run before Spark
   * starts, with one line naming the key (a {@link io.churnscope.common.UserError}).
   */
  default void validate(ChurnscopeConfig config) {}
}
