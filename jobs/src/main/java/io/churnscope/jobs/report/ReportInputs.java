package io.churnscope.jobs.report;

import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.lake.Lake;
import io.churnscope.common.lake.TableSpec;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What every section of the report reads from: the lake, the run it describes, and the base
 * currency of its money. A table no stage has written yet reads as empty, so its section says so.
 *
 * @param runId the run whose manifest rows and quarantine the report shows
 */
record ReportInputs(SparkSession spark, Lake lake, LocalDate runDate, String runId, String currency) {
  Dataset<Row> table(TableSpec table) {
    return DeltaIO.readOrEmpty(spark, lake, table);
  }

  java.sql.Date runDateSql() {
    return java.sql.Date.valueOf(runDate);
  }

  /** First day of the run's month: the month the ledger and churn metrics call the run month. */
  LocalDate runMonth() {
    return runDate.withDayOfMonth(1);
  }
}
