package io.churnscope.jobs.nightly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.run.Dag;
import io.churnscope.common.run.Stage;
import io.churnscope.common.schema.RunTables;
import io.churnscope.common.schema.StagedTables;
import io.churnscope.jobs.catalog.PublishedTables;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The nightly's order agrees with what its stages declare they read and write. */
class DagTest {
  /** Written outside the stages: the manifest by the runner, the mapped-only tables by {@code ingest-mapped}. */
  private static final List<TableSpec> WRITTEN_BY_THE_RUNNER = List.of(RunTables.RUN_MANIFEST,
      StagedTables.FEATURE_USAGE_DAILY, StagedTables.CHURN_EVENTS);

  @Test
  void everyStageReadsOnlyRawFeedsAndTablesAnEarlierStageWrites() {
    assertEquals(List.of(), Dag.unmetReads(NightlyJob.dag(), WRITTEN_BY_THE_RUNNER));
  }

  @Test
  void aStageOrderedBeforeItsUpstreamIsCaught() {
    List<Stage> reversed = new ArrayList<>(NightlyJob.dag());
    Collections.reverse(reversed);
    List<String> unmet = Dag.unmetReads(reversed, WRITTEN_BY_THE_RUNNER);
    assertTrue(unmet.contains("mrr-ledger reads staged.subscription_versions"), unmet.toString());
  }

  @Test
  void stageNamesAreUnique() {
    List<String> names = NightlyJob.dag().stream().map(Stage::name).toList();
    assertEquals(names.size(), new HashSet<>(names).size(), names.toString());
  }

  @Test
  void everyPublishedTableHasAWriterAndEveryWrittenTableIsPublished() {
    List<TableSpec> written = new ArrayList<>(Dag.writers(NightlyJob.dag()).keySet());
    written.addAll(WRITTEN_BY_THE_RUNNER);
    assertEquals(names(PublishedTables.all()), names(written));
  }

  private static java.util.Set<String> names(List<TableSpec> tables) {
    return new java.util.TreeSet<>(tables.stream().map(TableSpec::qualifiedName).toList());
  }

  /**
   * The run report comes last, so its manifest section holds the whole night; it writes files under
   * {@code _reports}, no table, and what it reads has a writer upstream (the manifest: the runner).
   */
  @Test
  void theRunReportIsTheLastStageAndWritesNoTable() {
    List<Stage> dag = NightlyJob.dag();
    Stage report = dag.get(dag.size() - 1);
    assertEquals("run-report", report.name());
    assertEquals(List.of(), report.dataFlow().writes());
    assertTrue(report.dataFlow().reads().contains(RunTables.RUN_MANIFEST), report.dataFlow().reads().toString());
    assertEquals("publish-catalog", dag.get(dag.size() - 2).name());
  }

  @Test
  void withUpstreamRunsWhatAStageNeedsAndNothingElse() {
    List<String> cube = Dag.withUpstream(NightlyJob.dag(), List.of("cube")).stream().map(Stage::name).toList();
    assertEquals(List.of("ingest-crm", "ingest-billing", "ingest-usage", "engagement-rollups", "mrr-ledger",
        "churn-metrics", "cube"), cube);

    List<String> ledger = Dag.withUpstream(NightlyJob.dag(), List.of("mrr-ledger")).stream().map(Stage::name).toList();
    assertEquals(List.of("ingest-crm", "ingest-billing", "mrr-ledger"), ledger);
    assertFalse(ledger.contains("ingest-usage"));
  }

  @Test
  void healthMeasuresRunBeforeHealthScoresFromTheFullHistoryNotFromStoredSnapshots() {
    List<String> scores = Dag.withUpstream(NightlyJob.dag(), List.of("health-scores")).stream().map(Stage::name).toList();
    assertTrue(scores.indexOf("health-measures") >= 0 && scores.indexOf("health-measures") < scores.indexOf("health-scores"),
        scores.toString());
    assertFalse(scores.contains("account-status"), "health-measures computes the status of any date itself: " + scores);
    assertFalse(scores.contains("account-engagement"), "and the engagement: " + scores);
  }
}
