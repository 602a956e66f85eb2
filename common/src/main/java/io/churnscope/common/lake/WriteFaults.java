package io.churnscope.common.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Fault injection for the failure tests and {@code bench/faults}: with the system property
 * {@code churnscope.fault.halt} set to {@code before:<zone.table>} or {@code after:<zone.table>} (e.g.
 * {@code after:marts.mrr_ledger}), the JVM halts right before that table's next write starts, or right
 * after it commits — {@link Runtime#halt}, as SIGKILL would stop it: no shutdown hook, no {@code finally},
 * the run lock left behind. A suffix {@code @<stage>} limits it to that stage's writes (its manifest row
 * included): {@code after:_runs.run_manifest@mrr-ledger} halts once mrr-ledger's row is recorded, and
 * {@code #n} to its n-th write of the table ({@code before:_runs.ingest_watermarks@ingest-billing#3}). Besides
 * the Delta tables, {@link #after(String)} names writes of other files ({@code duckdb-catalog-file}). It
 * prints one line to stderr first, so a test can tell the fault from another death.
 *
 * <p>With {@code churnscope.fault.trace} set to a file, every write point is appended to it as
 * {@code <stage> <zone.table>}, in order: the points a fault can name, as {@code bench/faults} reads them.
 * Never set outside tests and benches: unset, it costs two property reads per write.
 */
public final class WriteFaults {
  /** The property naming the fault. */
  public static final String PROPERTY = "churnscope.fault.halt";
  /** The property naming the file that lists every write point. */
  public static final String TRACE = "churnscope.fault.trace";
  /** The exit status of a halted JVM: that of a process killed with SIGKILL. */
  public static final int HALT_STATUS = 137;

  private static volatile String stage = "";
  /** Writes of each point in each stage so far in this JVM, as {@code stage point} → count. */
  private static final java.util.Map<String, Integer> WRITES = new java.util.concurrent.ConcurrentHashMap<>();

  private WriteFaults() {}

  /** The stage whose writes follow (the run's driver runs one stage at a time); set by the stage runner. */
  public static void inStage(String name) {
    stage = name == null ? "" : name;
  }

  static void before(TableSpec table) {
    int n = WRITES.merge(stage + " " + table.qualifiedName(), 1, Integer::sum);
    trace(table.qualifiedName());
    haltIf("before", table.qualifiedName(), n);
  }

  static void after(TableSpec table) {
    haltIf("after", table.qualifiedName(), WRITES.getOrDefault(stage + " " + table.qualifiedName(), 0));
  }

  /** After a write that is not a Delta table's, named {@code point} (e.g. {@code duckdb-catalog-file}). */
  public static void after(String point) {
    int n = WRITES.merge(stage + " " + point, 1, Integer::sum);
    trace(point);
    haltIf("after", point, n);
  }

  /**
   * Halts when the property names this point: {@code when:point}, {@code when:point@stage}, or
   * {@code when:point@stage#n} for the stage's n-th write of it (a table several sources write in turn).
   */
  private static void haltIf(String when, String point, int nth) {
    String fault = System.getProperty(PROPERTY);
    String here = when + ":" + point;
    if (fault != null && (fault.equals(here) || fault.equals(here + "@" + stage)
        || fault.equals(here + "@" + stage + "#" + nth))) {
      System.err.println("churnscope: fault injected (" + PROPERTY + "=" + fault + "): halting");
      System.err.flush();
      Runtime.getRuntime().halt(HALT_STATUS);
    }
  }

  private static void trace(String point) {
    String file = System.getProperty(TRACE);
    if (file == null) {
      return;
    }
    try {
      Files.writeString(Path.of(file), stage + " " + point + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot trace the write to " + file, e);
    }
  }
}
