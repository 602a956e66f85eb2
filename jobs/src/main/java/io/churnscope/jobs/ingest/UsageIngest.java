package io.churnscope.jobs.ingest;

import io.churnscope.common.schema.RawFeed;
import io.churnscope.common.run.DataFlow;
import io.churnscope.common.schema.RawFeed;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.StagedTables;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Stage {@code ingest-usage}: the three usage sources to the staged zone.
 * <ul>
 *   <li>clickstream (Segment) and server logs → {@code staged.usage_events} (plus group calls →
 *       {@code staged.user_accounts}, identify calls → {@code staged.user_identities});</li>
 *   <li>database extracts → {@code staged.account_volumetrics} and {@code staged.account_config}.</li>
 * </ul>
 */
public final class UsageIngest implements Stage {
  static final RawSource RECORD_COUNTS = RawSource.csv(RawFeed.RECORD_COUNTS,
      List.of(Field.required("extract_date", DateType), Field.required("account_id", StringType),
          Field.required("object_type", StringType), Field.required("records_created", LongType)),
      List.of("account_id", "extract_date", "object_type"));

  static final RawSource CONFIG_SNAPSHOTS = RawSource.csv(RawFeed.CONFIG_SNAPSHOTS,
      List.of(Field.required("snapshot_date", DateType), Field.required("account_id", StringType),
          Field.required("setting", StringType), Field.required("enabled", BooleanType)),
      List.of("account_id", "snapshot_date", "setting"));

  @Override
  public String name() {
    return "ingest-usage";
  }

  @Override
  public String description() {
    return "clickstream, server logs and database extracts → staged usage tables";
  }

  @Override
  public DataFlow dataFlow() {
    return IngestFlows.of(List.of(RawFeed.CLICKSTREAM, RawFeed.SERVER_LOGS, RawFeed.RECORD_COUNTS, RawFeed.CONFIG_SNAPSHOTS),
        StagedTables.USAGE_EVENTS, StagedTables.USER_ACCOUNTS, StagedTables.USER_IDENTITIES,
        StagedTables.ACCOUNT_VOLUMETRICS, StagedTables.ACCOUNT_CONFIG);
  }

  @Override
  public void validate(io.churnscope.common.config.ChurnscopeConfig config) {
    IngestSettings.validate(config);
  }

  @Override
  public StageResult run(SparkSession spark, RunContext run) {
    StageResult clickstream = new ClickstreamIngestion().run(spark, run);
    StageResult serverLogs = new ServerLogIngestion().run(spark, run);
    StageResult counts = new TableIngestion(RECORD_COUNTS, StagedTables.ACCOUNT_VOLUMETRICS,
        List.of(new Check("invalid_value", "records_created", col("records_created").lt(0))),
        true, rows -> rows).run(spark, run);
    StageResult config = new TableIngestion(CONFIG_SNAPSHOTS, StagedTables.ACCOUNT_CONFIG,
        List.of(), true, rows -> rows).run(spark, run);
    return clickstream.plus(serverLogs).plus(counts).plus(config);
  }
}
