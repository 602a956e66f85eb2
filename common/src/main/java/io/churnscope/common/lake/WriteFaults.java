package io.churnscope.common.lake;

/**
 * Fault injection for the failure tests: with the system property {@code churnscope.fault.halt} set to
 * {@code before:<zone.table>} or {@code after:<zone.table>} (e.g. {@code after:marts.mrr_ledger}), the JVM
 * halts right before that table's next write starts, or right after it commits — {@link Runtime#halt}, as
 * SIGKILL would stop it: no shutdown hook, no {@code finally}, the run lock left behind. It prints one
 * line to stderr first, so a test can tell the fault from another death. Never set outside tests: unset,
 * it costs one property read per table write.
 */
public final class WriteFaults {
  /** The property naming the fault. */
  public static final String PROPERTY = "churnscope.fault.halt";
  /** The exit status of a halted JVM: that of a process killed with SIGKILL. */
  public static final int HALT_STATUS = 137;

  private WriteFaults() {}

  static void before(TableSpec table) {
    haltIf("before", table);
  }

  static void after(TableSpec table) {
    haltIf("after", table);
  }

  private static void haltIf(String when, TableSpec table) {
    String fault = System.getProperty(PROPERTY);
    if (fault != null && fault.equals(when + ":" + table.qualifiedName())) {
      System.err.println("churnscope: fault injected (" + PROPERTY + "=" + fault + "): halting");
      System.err.flush();
      Runtime.getRuntime().halt(HALT_STATUS);
    }
  }
}
