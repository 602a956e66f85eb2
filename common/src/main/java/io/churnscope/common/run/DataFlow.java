package io.churnscope.common.run;

import io.churnscope.common.lake.TableSpec;
import io.churnscope.common.schema.RawFeed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a stage reads and writes. The nightly's order is checked against it, the run manifest lists
 * its reads as the stage's inputs, the data dictionary names each table's writers from it,
 * {@code nightly --with-upstream} finds a stage's upstream with it, and the stage runner fails a
 * stage that touches a table it did not declare — so none of these can drift from the code.
 *
 * <p>A stage may read a table it writes itself (its own earlier output: keys already staged, the
 * published dimensions it compares against, a watermark).
 *
 * <pre>
 * DataFlow.from(RawFeed.CRM_ACCOUNTS).writing(StagedTables.CRM_ACCOUNTS, RunTables.QUARANTINE)
 * DataFlow.reading(StagedTables.SUBSCRIPTION_VERSIONS).writing(MartTables.MRR_LEDGER)
 * </pre>
 *
 * @param rawInputs raw-zone feeds read
 * @param reads tables read
 * @param writes tables written
 */
public record DataFlow(List<RawFeed> rawInputs, List<TableSpec> reads, List<TableSpec> writes) {
  public DataFlow {
    rawInputs = List.copyOf(rawInputs);
    reads = List.copyOf(reads);
    writes = List.copyOf(writes);
  }

  public static DataFlow from(RawFeed... feeds) {
    return new DataFlow(Arrays.asList(feeds), List.of(), List.of());
  }

  public static DataFlow reading(TableSpec... tables) {
    return new DataFlow(List.of(), Arrays.asList(tables), List.of());
  }

  public DataFlow andReading(TableSpec... tables) {
    return new DataFlow(rawInputs, concat(reads, tables), writes);
  }

  public DataFlow andReading(List<TableSpec> tables) {
    return andReading(tables.toArray(TableSpec[]::new));
  }

  public DataFlow writing(List<TableSpec> tables) {
    return writing(tables.toArray(TableSpec[]::new));
  }

  public static DataFlow reading(List<TableSpec> tables) {
    return reading(tables.toArray(TableSpec[]::new));
  }

  public DataFlow writing(TableSpec... tables) {
    return new DataFlow(rawInputs, reads, concat(writes, tables));
  }

  /** Both flows together: a stage made of parts (the usage feeds, say). */
  public DataFlow plus(DataFlow other) {
    return new DataFlow(concat(rawInputs, other.rawInputs.toArray(RawFeed[]::new)),
        concat(reads, other.reads.toArray(TableSpec[]::new)), concat(writes, other.writes.toArray(TableSpec[]::new)));
  }

  /** The tables read that the stage does not write itself: what must exist upstream. */
  public List<TableSpec> upstreamReads() {
    return reads.stream().filter(t -> !writes.contains(t)).toList();
  }

  @SafeVarargs
  private static <T> List<T> concat(List<T> list, T... more) {
    List<T> out = new ArrayList<>(list);
    for (T item : more) {
      if (!out.contains(item)) {
        out.add(item);
      }
    }
    return out;
  }
}
