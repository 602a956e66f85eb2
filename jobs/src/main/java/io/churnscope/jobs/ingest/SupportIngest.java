package io.churnscope.jobs.ingest;

import io.churnscope.common.schema.RawFeed;
import io.churnscope.common.run.DataFlow;
import io.churnscope.common.schema.RawFeed;
import static org.apache.spark.sql.functions.col;
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
 * Stage {@code ingest-support}: support tickets and NPS responses to {@code staged.support_tickets}
 * and {@code staged.nps_responses}. User ids become pseudonymous keys; NPS comments (free text
 * that may hold PII) are not kept.
 */
public final class SupportIngest implements Stage {
  static final RawSource TICKETS = RawSource.csv(RawFeed.SUPPORT_TICKETS,
      List.of(Field.required("ticket_id", StringType), Field.required("account_id", StringType),
          Field.optional("user_id", StringType), Field.required("created_at", TimestampType),
          Field.optional("closed_at", TimestampType), Field.optional("priority", StringType),
          Field.optional("category", StringType), Field.optional("csat", IntegerType)),
      List.of("ticket_id"));

  static final RawSource NPS = RawSource.csv(RawFeed.NPS_RESPONSES,
      List.of(Field.required("response_id", StringType), Field.required("account_id", StringType),
          Field.optional("user_id", StringType), Field.required("responded_at", TimestampType),
          Field.required("score", IntegerType)),
      List.of("response_id"));

  @Override
  public String name() {
    return "ingest-support";
  }

  @Override
  public String description() {
    return "support tickets and NPS responses → staged";
  }

  @Override
  public DataFlow dataFlow() {
    return IngestFlows.of(List.of(RawFeed.SUPPORT_TICKETS, RawFeed.NPS_RESPONSES),
        StagedTables.SUPPORT_TICKETS, StagedTables.NPS_RESPONSES);
  }

  @Override
  public void validate(io.churnscope.common.config.ChurnscopeConfig config) {
    IngestSettings.validate(config);
  }

  @Override
  public StageResult run(SparkSession spark, RunContext run) {
    StageResult tickets = new TableIngestion(TICKETS, StagedTables.SUPPORT_TICKETS,
        List.of(new Check("invalid_value", "csat", col("csat").lt(1).or(col("csat").gt(5))),
            EventTime.future("created_at", run.config())),
        true, rows -> rows.withColumn("user_key", Pseudonyms.key(col("user_id"), run.config())))
        .run(spark, run);
    StageResult nps = new TableIngestion(NPS, StagedTables.NPS_RESPONSES,
        List.of(new Check("invalid_value", "score", col("score").lt(0).or(col("score").gt(10))),
            EventTime.future("responded_at", run.config())),
        true, rows -> rows.withColumn("user_key", Pseudonyms.key(col("user_id"), run.config())))
        .run(spark, run);
    return tickets.plus(nps);
  }
}
