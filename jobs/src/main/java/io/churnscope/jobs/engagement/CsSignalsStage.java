package io.churnscope.jobs.engagement;

import io.churnscope.common.run.DataFlow;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.churnscope.common.config.ChurnscopeConfig;
import io.churnscope.common.lake.DeltaIO;
import io.churnscope.common.quality.QualityGate;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.Stage;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.schema.EngagementTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.jobs.subscriptions.LicensedSeats;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Stage {@code cs-signals} (after {@code trial-engagement}): {@code marts.user_day} (window and seat
 * look-back), the window's {@code staged.usage_events} partitions, {@code staged.subscription_versions}
 * and {@code staged.user_accounts} (the look-back) → {@code marts.cs_signals} for the run date,
 * published with {@code replaceWhere signal_date = R}, so a re-run replaces exactly its own date.
 * Nothing here reads more than the configured windows: the cost does not grow with the history.
 *
 * <p>Configuration: {@code engagement.cs-signals.*}, {@code engagement.passive-events},
 * {@code subscriptions.seat-products}. Definitions: {@code docs/engagement.md}.
 */
public final class CsSignalsStage implements Stage {
  @Override
  public String name() {
    return "cs-signals";
  }

  @Override
  public String description() {
    return "marts.user_day, usage events of the window, seats, memberships → marts.cs_signals (run date)";
  }

  @Override
  public DataFlow dataFlow() {
    return DataFlow.reading(EngagementTables.USER_DAY, StagedTables.USAGE_EVENTS, StagedTables.USER_ACCOUNTS,
        StagedTables.SUBSCRIPTION_VERSIONS)
        .writing(EngagementTables.CS_SIGNALS);
  }

  @Override
  public void validate(ChurnscopeConfig config) {
    CsSignalSettings.from(config);
  }

  @Override
  public StageResult run(SparkSession spark, RunContext run) {
    CsSignalSettings settings = CsSignalSettings.from(run.config());
    EngagementSettings engagement = EngagementSettings.from(run.config());
    LocalDate date = run.runDate();
    Dataset<Row> userDays = DeltaIO.read(spark, run.lake(), EngagementTables.USER_DAY)
        .where(col("activity_date").between(lit(Date.valueOf(CsSignals.userDaysFrom(date, settings))), lit(Date.valueOf(date))));
    // Partition pruning on event_date: only the window's days are listed and read.
    Dataset<Row> events = DeltaIO.readOrEmpty(spark, run.lake(), StagedTables.USAGE_EVENTS)
        .where(col("event_date").between(lit(Date.valueOf(CsSignals.eventsFrom(date, settings))), lit(Date.valueOf(date))));
    Dataset<Row> seats = LicensedSeats.inLake(spark, run.lake(), date, engagement.seatProducts());
    Dataset<Row> memberships = DeltaIO.readOrEmpty(spark, run.lake(), StagedTables.USER_ACCOUNTS)
        .where(col("valid_from").geq(lit(SeatSignals.midnightUtc(CsSignals.userDaysFrom(date, settings)))));
    Dataset<Row> signals = CsSignals.on(userDays, events, seats, memberships, date, settings, engagement).cache();
    try {
      gate().enforce(signals);
      DeltaIO.replaceWhere(spark, run.lake(), EngagementTables.CS_SIGNALS, signals, "signal_date = '" + date + "'");
      // One small aggregation gives both the breakdown and the total (a handful of signal types).
      List<Row> byType = signals.groupBy("signal_type").count().orderBy("signal_type").collectAsList();
      List<String> counts = byType.stream().map(r -> r.getString(0) + " " + r.getLong(1)).toList();
      long rows = byType.stream().mapToLong(r -> r.getLong(1)).sum();
      return new StageResult(0, rows, 0,
          rows + " signals on " + date + (counts.isEmpty() ? "" : ": " + String.join(", ", counts)));
    } finally {
      signals.unpersist();
    }
  }

  /** Every signal names its account, has a positive value and says what to do. */
  static QualityGate gate() {
    return QualityGate.on(EngagementTables.CS_SIGNALS.qualifiedName())
        .error("evidence_value_not_positive", col("evidence_value").isNull().or(col("evidence_value").leq(0)))
        .error("user_signal_without_user", col("user_key").isNull().and(col("signal_type").notEqual("unused_seats")))
        .error("no_call_to_action", col("call_to_action").isNull().or(col("call_to_action").equalTo("")));
  }
}
