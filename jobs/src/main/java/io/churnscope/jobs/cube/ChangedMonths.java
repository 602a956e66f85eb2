package io.churnscope.jobs.cube;


import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The months whose rows changed: tonight's rows of a month-partitioned table against the published
 * ones, by a {@link RowFingerprints fingerprint} per month. A month is changed when it is new, gone,
 * or its fingerprint differs; only those are rewritten, so a closed month stays byte for byte as it was.
 */
public final class ChangedMonths {
  private ChangedMonths() {}

  /** Both frames must have the table's columns and types (conformed to its spec). */
  public static List<LocalDate> between(Dataset<Row> fresh, Dataset<Row> published) {
    List<Map<LocalDate, Row>> fingerprints = RowFingerprints.byMonthOfEach(List.of(published, fresh));
    Map<LocalDate, Row> before = fingerprints.get(0);
    Map<LocalDate, Row> after = fingerprints.get(1);
    TreeSet<LocalDate> months = new TreeSet<>(before.keySet());
    months.addAll(after.keySet());
    List<LocalDate> changed = new ArrayList<>();
    for (LocalDate month : months) {
      if (!Objects.equals(before.get(month), after.get(month))) {
        changed.add(month);
      }
    }
    return changed;
  }
}
