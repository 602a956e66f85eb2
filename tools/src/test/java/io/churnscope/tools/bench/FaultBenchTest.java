package io.churnscope.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.beust.jcommander.JCommander;
import io.churnscope.common.UserError;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which faults bench/faults injects, from the write points an uninterrupted nightly traced. */
class FaultBenchTest {
  /** A trace as WriteFaults writes it: a stage writing three sources in turn, a one-table stage, the catalog. */
  static final List<String> TRACE = List.of(
      "ingest-billing staged.fx_rates", "ingest-billing quarantine.records", "ingest-billing _runs.ingest_watermarks",
      "ingest-billing _runs.run_manifest",
      "ingest-billing staged.invoices", "ingest-billing quarantine.records", "ingest-billing _runs.ingest_watermarks",
      "mrr-ledger marts.mrr_ledger", "mrr-ledger _runs.run_manifest",
      "publish-catalog duckdb-catalog-file", "publish-catalog published-versions-file",
      " _runs.run_manifest");

  static FaultBench.Args args(String... argv) {
    FaultBench.Args args = new FaultBench.Args();
    JCommander.newBuilder().addObject(args).build().parse(argv);
    args.validate();
    return args;
  }

  @Test
  void eachStageIsKilledAfterItsFirstWriteAndBeforeItsLastNumberedWithinTheStage() {
    List<FaultBench.Point> points = FaultBench.points(TRACE);
    assertEquals(new FaultBench.Point("ingest-billing", "quarantine.records", 2), points.get(5));
    assertEquals(List.of(
            "after:staged.fx_rates@ingest-billing#1",
            // The last write is the second source's watermark: the second write of that table in the stage.
            "before:_runs.ingest_watermarks@ingest-billing#2",
            "after:marts.mrr_ledger@mrr-ledger#1",
            "after:duckdb-catalog-file@publish-catalog#1"),
        List.copyOf(FaultBench.faults(points, args()).keySet()),
        "one write: no point between; a file's last write has only an after, and the one before it is the first");
  }

  @Test
  void theManifestRowAndAStageSubsetOnRequest() {
    List<FaultBench.Point> points = FaultBench.points(TRACE);
    assertEquals(List.of("after:marts.mrr_ledger@mrr-ledger#1", "after:_runs.run_manifest@mrr-ledger#1"),
        List.copyOf(FaultBench.faults(points, args("--points", "first,row", "--only", "mrr-ledger")).keySet()));
    assertThrows(UserError.class, () -> args("--points", "middle"));
  }
}
