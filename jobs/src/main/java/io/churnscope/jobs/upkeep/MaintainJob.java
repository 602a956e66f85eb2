package io.churnscope.jobs.upkeep;

import com.beust.jcommander.Parameter;
import io.churnscope.common.UserError;
import io.churnscope.common.cli.JobArgs;
import io.churnscope.common.cli.LakeLocked;
import io.churnscope.common.config.MaintainSettings;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.jobs.catalog.PublishedTables;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Command {@code maintain}: lake upkeep (docs/runbook.md, "Lake upkeep"). For every Delta table of
 * the lake, {@code OPTIMIZE} of the partitions where small files have piled up ({@code maintain.optimize.*}), then
 * {@code VACUUM} with {@code maintain.vacuum.retention-hours}, lengthened where the published DuckDB
 * catalog or a symlink manifest still names files older than that. Prints one line per table
 * (files removed, size before and after) and a total. Run it between nightlies, not during one.
 *
 * <pre>
 * bin/churnscope maintain --lake demo-lake
 * spark-submit --class io.churnscope.jobs.upkeep.MaintainJob churnscope-jobs.jar --lake s3a://bucket/lake --conf prod.conf
 * </pre>
 */
public final class MaintainJob {
  public static class Args extends JobArgs {
    @Parameter(names = "--tables",
        description = "Maintain only these tables (comma-separated zone.table names, e.g. marts.churn_metrics); default every table. "
            + "OPTIMIZE of the partitions holding maintain.optimize.min-files small files; VACUUM keeps maintain.vacuum.retention-hours "
            + "(default 168, Delta's minimum) and every file the published DuckDB catalog and symlink manifests read.")
    public List<String> tables = new ArrayList<>();

    @Override
    public void validate() {
      super.validate();
      MaintainSettings.from(config());
      List<String> known = PublishedTables.all().stream().map(TableSpec::qualifiedName).toList();
      for (String table : tables) {
        if (!known.contains(table)) {
          throw new UserError("--tables: unknown table '" + table + "'; the tables are " + known);
        }
      }
    }

    List<TableSpec> selected() {
      return PublishedTables.all().stream().filter(t -> tables.isEmpty() || tables.contains(t.qualifiedName())).toList();
    }
  }

  private static final LakeLocked<Args> LOCK = new LakeLocked<>(args -> "maintain", args -> args.runDate().toString());

  private MaintainJob() {}

  /** The command: the lake's run lock is taken before Spark starts, so a refused run ends at once. */
  public static void main(String[] argv) throws Exception {
    LOCK.main("maintain", argv, new Args(), MaintainJob::runLocked);
  }

  /** Holds the lake's run lock: upkeep during a nightly could delete files a stage is about to commit. */
  public static void run(SparkSession spark, Args args) {
    LOCK.run(spark, args, (session, a) -> {
      runLocked(session, a);
      return null;
    });
  }

  private static void runLocked(SparkSession spark, Args args) {
    LakeUpkeep.Report report = LakeUpkeep.run(spark, args.lake(), args.selected(), MaintainSettings.from(args.config()));
    report.lines().forEach(System.out::println);
  }
}
