package io.churnscope.jobs.upkeep;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.config.MaintainSettings;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.run.DataFlow;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.RunTables;
import io.churnscope.jobs.catalog.PublishedTables;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage {@code maintain-lake}: the {@code maintain} command inside the nightly, when
 * {@code maintain.nightly = true} (off by default). It runs after every stage that writes a table
 * and before {@code publish-catalog}, so the catalog then publishes the compacted files, and the
 * catalog VACUUM must respect is the one readers have open: last night's.
 *
 * <p>With {@code maintain.nightly} off it still compacts the run's own bookkeeping tables (the run
 * manifest, the quarantine, the ingest watermarks): every stage or source of a night appends a file
 * or two to them, about 40 a night. Where one has piled up {@code maintain.optimize.min-files}
 * small files, one {@code OPTIMIZE} rewrites them; no {@code VACUUM}. (Delta's own auto compaction,
 * which the shipped settings used to turn on, rewrote a table after almost every small write: 44
 * extra commits in a night of the end-to-end test lake, 22 of them on the manifest.)
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
    return "OPTIMIZE small files and VACUUM old ones in every table if maintain.nightly = true (or run maintain);"
        + " else OPTIMIZE the run manifest, quarantine and watermarks where small files piled up";
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
      return compactBookkeeping(spark, run, settings);
    }
    LakeUpkeep.Report report = LakeUpkeep.run(spark, run.lake(), PublishedTables.all(), settings);
    report.lines().forEach(LOG::info);
    return new StageResult(report.tables().size(), report.tables().size(), 0, report.total());
  }

  private static StageResult compactBookkeeping(SparkSession spark, RunContext run, MaintainSettings settings) {
    List<String> compacted = new ArrayList<>();
    for (TableSpec table : RunTables.BOOKKEEPING) {
      String path = run.lake().path(table);
      if (!DeltaIO.exists(spark, path)) {
        continue;
      }
      TableUpkeep.Compaction done = TableUpkeep.compact(spark, path, settings);
      if (done.removed() > 0) {
        compacted.add(table.qualifiedName() + " " + done.removed() + " → " + done.added() + " files");
      }
    }
    String off = "off (maintain.nightly = false; bin/churnscope maintain runs it on demand)";
    return new StageResult(0, 0, 0, off + (compacted.isEmpty() ? "" : "; compacted " + String.join(", ", compacted)));
  }
}
