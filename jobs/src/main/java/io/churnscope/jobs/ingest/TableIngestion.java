package io.churnscope.jobs.ingest;

import io.churnscope.common.spark.JobDescription;
import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.run.RunContext;
import io.churnscope.common.run.StageResult;
import io.churnscope.common.spark.HeldFrames;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests a raw source that maps onto one staged table: the generic pipeline of
 * {@link SourceIngestion} plus the source's own checks and projection.
 *
 * @param checks source-specific validity checks over the typed fields (negative amounts, ...)
 * @param accountChecked whether {@code account_id} must be an account the CRM knows
 * @param project turns the good typed rows into the table's columns (pseudonymizing, deriving)
 * @param slice for a table several sources write, the predicate selecting this source's rows; or null
 * @param earlierKeys the keys earlier deliveries staged, or null for the whole table's
 */
public record TableIngestion(RawSource source, TableSpec table, List<Check> checks, boolean accountChecked,
    UnaryOperator<Dataset<Row>> project, String slice, Function<IngestWindow, Dataset<Row>> earlierKeys) {
  private static final Logger LOG = LoggerFactory.getLogger(TableIngestion.class);

  /** A source that is the only writer of its table. */
  public TableIngestion(RawSource source, TableSpec table, List<Check> checks, boolean accountChecked,
      UnaryOperator<Dataset<Row>> project) {
    this(source, table, checks, accountChecked, project, null, null);
  }

  /** Ingests the source's deliveries that the run's window selects (see {@link IngestWindow}). */
  public StageResult run(SparkSession spark, RunContext run) {
    IngestWindow window = IngestWindow.plan(spark, run, source);
    if (window.isEmpty()) {
      LOG.info("{}: no new deliveries", source.name());
      return StageResult.nothingToDo(source.name() + ": no new deliveries");
    }
    StageResult result;
    try {
      result = ingest(spark, run, window, SourceIngestion.readTyped(spark, run.lake(), source, window));
    } catch (Exception e) {
      throw DeliveryFiles.unreadable(source.name(), e);
    }
    window.advance(spark, run);
    return result;
  }

  /**
   * Checks, de-duplicates and publishes typed records (lineage columns, the source's fields):
   * the good ones to the table, the rest to quarantine, replacing what the window wrote before.
   */
  public StageResult ingest(SparkSession spark, RunContext run, IngestWindow window, Dataset<Row> typedRecords) {
    try (JobDescription label = JobDescription.set(spark,
        "ingest " + source.name() + " " + window.from() + ".." + window.to())) {
      // Every field is a typed column by now: the parsed struct is dropped.
      List<Check> all = new ArrayList<>(checks);
      if (source.isCsv()) {
        all.addAll(EventTime.notBefore(source.fields(), run.config()));
      }
      Dataset<Row> checked = Check.classify(typedRecords.drop("r"), all);
      if (accountChecked) {
        checked = SourceIngestion.markUnknownAccounts(checked, SourceIngestion.knownAccounts(spark, run.lake()));
      }
      Dataset<Row> classified = SourceIngestion.holdClassified(SourceIngestion.markDuplicates(checked, source.keys(),
          earlierKeys != null ? earlierKeys.apply(window)
              : SourceIngestion.earlierKeys(spark, run.lake(), table, window, source.keys())));
      try {
        IngestCounts counts = IngestCounts.of(classified);
        counts.enforceQuarantineShare(source.name(), run.config(), classified);
        SourceIngestion.publish(spark, run.lake(), table, slice, project.apply(classified.where(Check.isGood())), window);
        SourceIngestion.quarantine(spark, run, source, classified.where(Check.isGood().unary_$bang()), window);
        LOG.info(counts.describe(source.name()));
        return new StageResult(counts.in(), counts.out(), counts.quarantined(),
            SourceIngestion.inputs(run.lake(), source, window), counts.describe(source.name()));
      } finally {
        HeldFrames.release(classified);
      }
    }
  }
}
