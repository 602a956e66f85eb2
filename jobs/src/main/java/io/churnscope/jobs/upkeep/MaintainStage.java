package io.churnscope.jobs.upkeep;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.config.MaintainSettings;
import io.churnscope.common.run.DataFlow;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageResult;
import io.churnscope.jobs.catalog.PublishedTables;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage {@code maintain-lake}: the {@code maintain} command inside the nightly, when
 * {@code maintain.nightly = true} (off by default). It runs after every stage that writes a table
 * and before {@code publish-catalog}, so the catalog then publishes the compacted files, and the
 * catalog VACUUM must respect is the one readers have open: last night's.
 *
 * <p>Its data flow reads every table and writes none: OPTIMIZE commits a new version of a table
 * with the same rows, and VACUUM deletes only files no recent snapshot reads, so the dictionary's
 * "written by" keeps naming the stages that produce each table's rows.
 */
public final class MaintainStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(MaintainStage.class);

  @Override
  public String name() {
    return "maintain-lake";
  }

  @Override
  public String description() {
    return "OPTIMIZE small files and VACUUM old ones in every table, if maintain.nightly = true (or run maintain)";
  }

  /** Never skipped as unchanged: its work is the files of every table, not their rows. */
  @Override
  public boolean skipsWhenUnchanged() {
    return false;
  }

  @Override
  public DataFlow dataFlow() {
    return DataFlow.reading(PublishedTables.all());
  }

  @Override
  public void validate(ChurnscopeConfig config) {
    MaintainSettings.from(config);
  }

  @Override
  public StageResult run(SparkSession spark, RunContext run) {
    MaintainSettings settings = MaintainSettings.from(run.config());
    if (!settings.nightly()) {
      return StageResult.nothingToDo("off (maintain.nightly = false; bin/churnscope maintain runs it on demand)");
    }
    LakeUpkeep.Report report = LakeUpkeep.run(spark, run.lake(), PublishedTables.all(), settings);
    report.lines().forEach(LOG::info);
    return new StageResult(report.tables().size(), report.tables().size(), 0, report.total());
  }
}
