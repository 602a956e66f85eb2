package io.churnscope.common.lake;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The tables {@link DeltaIO} read and wrote while a recording was open: how the stage runner
 * checks that a stage touches only the tables its data flow declares, so the DAG, the manifest's inputs and the dictionary's "written by" cannot drift
 * from the code.
 *
 * <p>Stages run one at a time, so one recording at a time is open; a stage's own threads
 * (run in parallel) record into it too.
 */
public final class TableAccess implements AutoCloseable {
  private static volatile TableAccess open;

  private final Set<TableSpec> reads = new LinkedHashSet<>();
  private final Set<TableSpec> writes = new LinkedHashSet<>();

  private TableAccess() {}

  /** Starts recording; {@link #close()} stops. */
  public static synchronized TableAccess record() {
    TableAccess recording = new TableAccess();
    open = recording;
    return recording;
  }

  static void read(TableSpec table) {
    TableAccess recording = open;
    if (recording != null) {
      synchronized (recording) {
        recording.reads.add(table);
      }
    }
  }

  static void wrote(TableSpec table) {
    TableAccess recording = open;
    if (recording != null) {
      synchronized (recording) {
        recording.writes.add(table);
      }
    }
  }

  public synchronized List<TableSpec> reads() {
    return new ArrayList<>(reads);
  }

  public synchronized List<TableSpec> writes() {
    return new ArrayList<>(writes);
  }

  @Override
  public void close() {
    synchronized (TableAccess.class) {
      if (open == this) {
        open = null;
      }
    }
  }
}
