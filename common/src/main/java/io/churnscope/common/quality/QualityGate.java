package io.churnscope.common.quality;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data-quality checks on a frame before it is published, in the manner of deequ's {@code Check}:
 * each check is a name, a level and a predicate that is true for a violating row. All checks are
 * counted in one pass. {@link #enforce} throws {@link QualityGateFailure} when an Error-level check
 * has violations (so the stage fails and nothing is published) and logs Warning-level ones.
 *
 * <pre>
 * QualityGate.on("marts.mrr_ledger")
 *     .error("identity", col("end_mrr").notEqual(...))
 *     .warning("negative_end_mrr", col("end_mrr").lt(0))
 *     .enforce(ledger);
 * </pre>
 */
public final class QualityGate {
  private static final Logger LOG = LoggerFactory.getLogger(QualityGate.class);

  public enum Level { ERROR, WARNING }

  /** @param violation true for a row that violates the check; a null result counts as a violation */
  public record Check(String name, Level level, Column violation) {}

  /** What one check found. */
  public record Outcome(String name, Level level, long violations) {
    public boolean failed() {
      return level == Level.ERROR && violations > 0;
    }
  }

  /** Thrown by {@link #enforce}: names every failed check and its count of violating rows. */
  public static final class QualityGateFailure extends IllegalStateException {
    private final List<Outcome> outcomes;

    QualityGateFailure(String message, List<Outcome> outcomes) {
      super(message);
      this.outcomes = outcomes;
    }

    public List<Outcome> outcomes() {
      return outcomes;
    }
  }

  private final String subject;
  private final List<Check> checks = new ArrayList<>();

  private QualityGate(String subject) {
    this.subject = subject;
  }

  /** A gate for {@code subject}, the table (or slice of it) the messages name. */
  public static QualityGate on(String subject) {
    return new QualityGate(subject);
  }

  public QualityGate error(String name, Column violation) {
    checks.add(new Check(name, Level.ERROR, violation));
    return this;
  }

  public QualityGate warning(String name, Column violation) {
    checks.add(new Check(name, Level.WARNING, violation));
    return this;
  }

  /** Counts the violating rows of every check, in one aggregation. */
  public List<Outcome> evaluate(Dataset<Row> rows) {
    if (checks.isEmpty()) {
      return List.of();
    }
    Column[] counts = checks.stream()
        .map(c -> count_if(coalesce(c.violation(), lit(true))).as(c.name()))
        .toArray(Column[]::new);
    Row totals = rows.agg(counts[0], java.util.Arrays.copyOfRange(counts, 1, counts.length)).first();
    List<Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < checks.size(); i++) {
      Check check = checks.get(i);
      outcomes.add(new Outcome(check.name(), check.level(), totals.getLong(i)));
    }
    return outcomes;
  }

  /** Evaluates, logs warnings, and throws if any Error-level check has violations. */
  public List<Outcome> enforce(Dataset<Row> rows) {
    List<Outcome> outcomes = evaluate(rows);
    for (Outcome o : outcomes) {
      if (o.level() == Level.WARNING && o.violations() > 0) {
        LOG.warn("quality warning on {}: {} ({} rows)", subject, o.name(), o.violations());
      }
    }
    List<Outcome> failed = outcomes.stream().filter(Outcome::failed).toList();
    if (!failed.isEmpty()) {
      throw new QualityGateFailure("quality gate failed on " + subject + ": " + failed.stream()
          .map(o -> o.name() + " (" + o.violations() + " rows)").collect(Collectors.joining(", "))
          + "; nothing was published", outcomes);
    }
    return outcomes;
  }
}
