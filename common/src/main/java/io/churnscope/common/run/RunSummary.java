package io.churnscope.common.run;

import java.util.List;

/** The short human-readable summary a run ends with. */
public final class RunSummary {
  private RunSummary() {}

  public static String render(RunContext run, List<RunManifest.Entry> entries) {
    StringBuilder out = new StringBuilder();
    boolean failed = entries.stream().anyMatch(e -> e.status().equals("failed"));
    long totalMs = entries.stream().mapToLong(RunManifest.Entry::durationMs).sum();
    out.append(String.format("%nChurnscope run %s for %s: %s in %.1f s%n", run.runId(), run.runDate(),
        failed ? "FAILED" : "succeeded", totalMs / 1000.0));
    out.append(String.format("  %-20s %-10s %9s %12s %12s %12s %11s %9s%n", "stage", "status", "seconds", "rows in",
        "rows out", "quarantined", "shuffle MB", "heap MB"));
    for (RunManifest.Entry e : entries) {
      out.append(String.format("  %-20s %-10s %9.1f %12d %12d %12d %11d %9d%n", e.stage(), e.status(), e.durationMs() / 1000.0,
          e.result().rowsIn(), e.result().rowsOut(), e.result().rowsQuarantined(),
          (e.use().shuffleReadBytes() + e.use().shuffleWriteBytes()) >> 20, e.use().peakHeapMb()));
    }
    for (RunManifest.Entry e : entries) {
      if (!e.result().message().isEmpty()) {
        out.append("  ").append(e.stage()).append(": ").append(e.result().message()).append('\n');
      }
    }
    out.append("  lake: ").append(run.lake().root())
        .append("  (staged/, quarantine/records, marts/, _runs/run_manifest)\n");
    return out.toString();
  }
}
