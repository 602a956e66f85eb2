package io.churnscope.jobs.ingest;

import io.churnscope.common.schema.RawFeed;
import io.churnscope.common.run.DataFlow;
import io.churnscope.common.schema.RawFeed;
import static io.churnscope.common.schema.StagedTables.MONEY;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.StagedTables;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Stage {@code ingest-crm}: the CRM's account change export ({@code raw/crm/accounts}) to
 * {@code staged.crm_accounts}, one row per account change. Account names and owner e-mails are
 * dropped; the owner becomes a pseudonymous key. Runs first: the other sources check their
 * accounts against it.
 */
public final class CrmIngest implements Stage {
  static final RawSource ACCOUNTS = RawSource.csv(RawFeed.CRM_ACCOUNTS,
      List.of(
          Field.required("account_id", StringType),
          Field.optional("parent_account_id", StringType),
          Field.required("created_date", DateType),
          Field.required("acquisition_channel", StringType),
          Field.optional("campaign", StringType),
          Field.required("country", StringType),
          Field.optional("state", StringType),
          Field.optional("industry", StringType),
          Field.optional("employee_count", IntegerType),
          Field.optional("annual_revenue", MONEY),
          Field.optional("owner_email", StringType),
          Field.optional("tier", StringType),
          Field.required("last_modified_at", TimestampType)),
      List.of("account_id", "last_modified_at"));

  @Override
  public String name() {
    return "ingest-crm";
  }

  @Override
  public String description() {
    return "CRM account changes → staged.crm_accounts";
  }

  @Override
  public DataFlow dataFlow() {
    return IngestFlows.of(List.of(RawFeed.CRM_ACCOUNTS), StagedTables.CRM_ACCOUNTS);
  }

  @Override
  public void validate(io.churnscope.common.config.ChurnscopeConfig config) {
    IngestSettings.validate(config);
  }

  @Override
  public StageResult run(SparkSession spark, RunContext run) {
    return new TableIngestion(ACCOUNTS, StagedTables.CRM_ACCOUNTS,
        List.of(new Check("invalid_value", "employee_count", col("employee_count").lt(0)),
            new Check("negative_amount", "annual_revenue", col("annual_revenue").lt(0)),
            EventTime.future("last_modified_at", run.config())),
        false,
        rows -> rows.withColumn("owner_key", Pseudonyms.key(col("owner_email"), run.config())))
        .run(spark, run);
  }
}
