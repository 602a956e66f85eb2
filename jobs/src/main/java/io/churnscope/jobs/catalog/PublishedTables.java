package io.churnscope.jobs.catalog;

import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.schema.CubeTables;
import io.churnscope.common.schema.EngagementTables;
import io.churnscope.common.schema.HealthTables;
import io.churnscope.common.schema.HotspotTables;
import io.churnscope.common.schema.MartTables;
import io.churnscope.common.schema.RunTables;
import io.churnscope.common.schema.StagedTables;
import java.util.ArrayList;
import java.util.List;

/** Every table Churnscope publishes, zone by zone: what the catalog stage registers. */
public final class PublishedTables {
  private PublishedTables() {}

  public static List<TableSpec> all() {
    List<TableSpec> tables = new ArrayList<>(StagedTables.ALL);
    tables.add(RunTables.QUARANTINE);
    tables.addAll(MartTables.ALL);
    tables.addAll(EngagementTables.ALL);
    tables.addAll(HealthTables.ALL);
    tables.addAll(io.churnscope.common.schema.ModelTables.ALL);
    tables.addAll(CubeTables.ALL);
    tables.add(HotspotTables.CHURN_HOTSPOTS);
    tables.add(HotspotTables.CHURN_HOTSPOT_MEMBERS);
    tables.add(RunTables.RUN_MANIFEST);
    tables.add(RunTables.INGEST_WATERMARKS);
    tables.add(EngagementTables.ROLLUP_WATERMARK);
    return tables;
  }
}
