package io.churnscope.jobs.ingest;

import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.run.DataFlow;
import io.churnscope.common.schema.RawFeed;
import io.churnscope.common.schema.RunTables;
import io.churnscope.common.schema.StagedTables;
import java.util.List;

/** The data flow every ingestion stage shares. */
final class IngestFlows {
  private IngestFlows() {}

  /**
   * Feeds in, staged tables out, rejected records to quarantine, the new deliveries' watermark
   * advanced. Reads its own tables (the keys earlier deliveries staged), the watermarks, and the
   * CRM's accounts (records of an unknown account are quarantined).
   */
  static DataFlow of(List<RawFeed> feeds, TableSpec... staged) {
    return DataFlow.from(feeds.toArray(RawFeed[]::new))
        .andReading(StagedTables.CRM_ACCOUNTS, RunTables.INGEST_WATERMARKS).andReading(staged)
        .writing(staged).writing(RunTables.QUARANTINE, RunTables.INGEST_WATERMARKS);
  }
}
