package io.churnscope.jobs.subscriptions;

import io.churnscope.common.run.DataFlow;
import static org.apache.spark.sql.functions.col;

import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.quality.QualityGate;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.MartTables;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Stage {@code cohort-retention}: {@code marts.mrr_ledger_account} → {@code marts.cohort_retention}
 * ({@link CohortRetention}), recomputed in full and overwritten. Gated: no cohort retains more
 * accounts than it has; in its start month a cohort retains every account and all its MRR.
 * No configuration of its own.
 */
public final class CohortRetentionStage implements Stage {
  @Override
  public String name() {
    return "cohort-retention";
  }

  @Override
  public String description() {
    return "MRR ledger → marts.cohort_retention (logo and revenue retention by start month)";
  }

  @Override
  public DataFlow dataFlow() {
    return DataFlow.reading(MartTables.MRR_LEDGER_ACCOUNT).writing(MartTables.COHORT_RETENTION);
  }

  @Override
  public StageResult run(SparkSession spark, RunContext run) {
    Dataset<Row> ledger = DeltaIO.read(spark, run.lake(), MartTables.MRR_LEDGER_ACCOUNT);
    Dataset<Row> retention = CohortRetention.apply(ledger, run.runDate()).cache();
    try {
      gate().enforce(retention);
      DeltaIO.overwrite(spark, run.lake(), MartTables.COHORT_RETENTION, retention);
      long rows = retention.count();
      long cohorts = retention.select("cohort_month").distinct().count();
      return new StageResult(ledger.count(), rows, 0,
          cohorts + " cohorts, " + rows + " cohort-months");
    } finally {
      retention.unpersist();
    }
  }

  static QualityGate gate() {
    Column start = col("months_since_start").equalTo(0);
    return QualityGate.on(MartTables.COHORT_RETENTION.qualifiedName())
        .error("more_retained_than_cohort", col("accounts_retained").gt(col("cohort_accounts")))
        .error("start_month_not_whole", start.and(col("accounts_retained").notEqual(col("cohort_accounts"))
            .or(col("mrr_retained").notEqual(col("starting_mrr")))));
  }
}
