package io.churnscope.common.run;

import java.util.List;

/**
 * What a stage reports to the run manifest.
 *
 * @param rowsIn records read
 * @param rowsOut rows published
 * @param rowsQuarantined records sent to quarantine
 * @param inputs raw deliveries read (the runner adds the tables the stage's {@link DataFlow} reads)
 * @param message one sentence for the summary
 */
public record StageResult(long rowsIn, long rowsOut, long rowsQuarantined, List<String> inputs, String message) {
  /** A stage that reads only tables: the manifest lists them from its {@link DataFlow}. */
  public StageResult(long rowsIn, long rowsOut, long rowsQuarantined, String message) {
    this(rowsIn, rowsOut, rowsQuarantined, List.of(), message);
  }

  public static StageResult nothingToDo(String why) {
    return new StageResult(0, 0, 0, List.of(), why);
  }

  public StageResult plus(StageResult other) {
    List<String> all = new java.util.ArrayList<>(inputs);
    all.addAll(other.inputs);
    String joined = message.isEmpty() ? other.message : other.message.isEmpty() ? message : message + "; " + other.message;
    return new StageResult(rowsIn + other.rowsIn, rowsOut + other.rowsOut,
        rowsQuarantined + other.rowsQuarantined, all, joined);
  }
}
