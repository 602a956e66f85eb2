package io.churnscope.jobs.catalog;

import com.beust.jcommander.Parameter;
import io.churnscope.common.config.CatalogSettings;
import io.churnscope.common.cli.JobArgs;
import io.churnscope.common.cli.JobRunner;
import io.churnscope.common.UserError;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SparkSession;

/**
 * Command {@code sql}: runs Spark SQL against a local lake's tables by name, through the embedded
 * metastore the nightly's {@code publish-catalog} stage filled.
 *
 * <pre>bin/churnscope sql --lake demo-lake "SELECT month, logo_churn_rate FROM marts.churn_metrics ORDER BY month"</pre>
 */
public final class SqlJob {
  public static class Args extends JobArgs {
    @Parameter(description = "QUERY", required = true)
    public List<String> query = new ArrayList<>();

    @Parameter(names = "--max-rows", description = "Rows to print.")
    public int maxRows = 100;

    public Args() {
      overrides.put(CatalogSettings.METASTORE.path(), "embedded");
    }

    @Override
    public void validate() {
      super.validate();
      if (maxRows < 1) {
        throw new UserError("--max-rows must be at least 1");
      }
    }
  }

  private SqlJob() {}

  public static void main(String[] argv) throws Exception {
    JobRunner.main("sql", argv, new Args(), SqlJob::run);
  }

  public static void run(SparkSession spark, Args args) {
    try {
      spark.sql(String.join(" ", args.query)).show(args.maxRows, false);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      // Scala throws AnalysisException undeclared: a wrong table or column name is the user's to
      // fix, so one line, not a stack trace.
      if (e instanceof AnalysisException) {
        throw new UserError(e.getMessage().lines().findFirst().orElse("invalid query"));
      }
      throw new IllegalStateException(e);
    }
  }
}
