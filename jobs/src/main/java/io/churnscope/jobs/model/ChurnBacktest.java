package io.churnscope.jobs.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.xxhash64;

import io.churnscope.jobs.model.BacktestFigures.Outcome;
import io.churnscope.jobs.model.BacktestFigures.Ranker;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Rolling-origin backtest (docs/churn-model.md): for each cut-off date c, a model is trained on the
 * snapshots dated at least one horizon before c (their outcome was known on c) and tested on the
 * snapshot dated c. Accounts are split once by a hash of their id and the seed: the test accounts'
 * rows never train, so no account is on both sides of a fold. Beside the model, on the same test
 * rows: the rules score (when given), a random ranking and the model trained on shuffled labels
 * (the leakage alarm: it must rank no better than chance).
 */
public final class ChurnBacktest {
  static final String MODEL = ChurnModel.Kind.LOGISTIC_REGRESSION.id();
  static final String RULES = "rules_score";
  static final String RANDOM = "random";
  static final String SHUFFLED = "shuffled_label";

  private ChurnBacktest() {}

  /**
   * What to backtest.
   *
   * @param id the account column; @param time the snapshot date column (a date)
   * @param rulesRisk a column ranking by the rules (higher = riskier), or null
   * @param testShare share of accounts that are only ever tested
   * @param permutations shuffled-label models per fold: a random direction in feature space can rank
   *     well or badly by chance, so the control is the mean over several permutations
   * @param kinds the model families compared (the shuffled-label control is a logistic regression)
   */
  public record Spec(String id, String time, List<String> features, List<String> numeric, int horizonDays,
      double testShare, long seed, String rulesRisk, int permutations, List<ChurnModel.Kind> kinds) {}

  /** One fold's sizes. */
  public record Fold(LocalDate cutoff, long trainRows, long trainChurned, long testRows, long testChurned) {}

  /** The pooled test rows of every fold with each ranker's score, and the folds. */
  public record Result(List<Outcome> outcomes, List<Ranker> rankers, List<Fold> folds) {
    long testChurned() {
      return folds.stream().mapToLong(Fold::testChurned).sum();
    }

    /** Test accounts that churned within the horizon of at least one cut-off. */
    long churnedAccounts() {
      return outcomes.stream().filter(o -> o.label() > 0.5).map(Outcome::account).distinct().count();
    }
  }

  /** The rankers a backtest compares, in the order of {@link Outcome#scores()}. */
  static List<Ranker> rankers(Spec spec) {
    List<Ranker> rankers = new ArrayList<>(spec.kinds().stream().map(k -> new Ranker(k.id(), true)).toList());
    if (spec.rulesRisk() != null) {
      rankers.add(new Ranker(RULES, false));
    }
    rankers.add(new Ranker(RANDOM, false));
    rankers.add(new Ranker(SHUFFLED, true, spec.permutations()));
    return rankers;
  }

  /**
   * @param prepared rows prepared by {@link ChurnModel#prepare} but keeping unlabelled rows: {@code label}
   *     null where the outcome is not known yet
   */
  public static Result run(Dataset<Row> prepared, Spec spec, List<LocalDate> cutoffs) {
    return run(prepared, spec, cutoffs, 1);
  }

  /**
   * @param parallelism folds run at once: a fold is many small Spark jobs (an iteration of a fit each)
   *     that leave the cores idle between them, so folds share the cluster as Spark ML's
   *     {@code CrossValidator.setParallelism} does. The result does not depend on it.
   */
  public static Result run(Dataset<Row> prepared, Spec spec, List<LocalDate> cutoffs, int parallelism) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, cutoffs.size())));
    try {
      List<Future<FoldResult>> futures = new ArrayList<>();
      for (LocalDate cutoff : cutoffs) {
        futures.add(pool.submit(() -> fold(prepared, spec, cutoff)));
      }
      List<Outcome> outcomes = new ArrayList<>();
      List<Fold> folds = new ArrayList<>();
      for (Future<FoldResult> future : futures) {
        FoldResult fold = future.get();
        folds.add(fold.fold());
        outcomes.addAll(fold.outcomes());
      }
      return new Result(outcomes, rankers(spec), folds);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("backtest interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private record FoldResult(Fold fold, List<Outcome> outcomes) {}

  /** One cut-off: its sizes, and its test rows scored by every ranker (none when it cannot train or test). */
  private static FoldResult fold(Dataset<Row> prepared, Spec spec, LocalDate cutoff) {
    List<Outcome> outcomes = new ArrayList<>();
    Column labelled = col(ChurnModel.LABEL).isNotNull();
    Dataset<Row> train = prepared.where(labelled.and(not(testAccount(spec)))
        .and(col(spec.time()).leq(date_sub(lit(Date.valueOf(cutoff)), spec.horizonDays())))).cache();
    Dataset<Row> test = prepared.where(labelled.and(testAccount(spec))
        .and(col(spec.time()).equalTo(lit(Date.valueOf(cutoff)))))
        .withColumn(ChurnModel.SPLIT, lit(cutoff.toString())).cache();
    try {
      Row trainSize = train.selectExpr("count(*)", "coalesce(sum(label), 0)").first();
      Row testSize = test.selectExpr("count(*)", "coalesce(sum(label), 0)").first();
      Fold fold = new Fold(cutoff, trainSize.getLong(0), (long) trainSize.getDouble(1), testSize.getLong(0),
          (long) testSize.getDouble(1));
      if (trainSize.getDouble(1) == 0 || testSize.getLong(0) == 0) {
        return new FoldResult(fold, outcomes);
      }
      List<Map<String, Double>> models = new ArrayList<>();
      List<Map<String, Double>> shuffled = new ArrayList<>();
      try (ChurnModel.Encoded encoded = ChurnModel.Encoded.of(train, spec.features(), spec.numeric())) {
        for (ChurnModel.Kind kind : spec.kinds()) {
          models.add(probabilities(encoded.fit(kind, spec.seed()), test, spec));
        }
        for (int p = 0; p < spec.permutations(); p++) {
          // Only the columns a fit reads go through the shuffle's two sorts and join.
          Dataset<Row> narrow = encoded.rows().select(col(spec.id()), col(spec.time()), col(ChurnModel.LABEL),
              col("features"), col("raw_features"));
          shuffled.add(probabilities(encoded.fitRelabelled(shuffleLabels(narrow, spec, p),
              ChurnModel.Kind.LOGISTIC_REGRESSION, spec.seed()), test, spec));
        }
      }
      Column random = pmod(xxhash64(col(spec.id()), lit(cutoff.toString()), lit(spec.seed())), lit(1_000_003L));
      List<Column> columns = new ArrayList<>(List.of(col(spec.id()).cast("string"), col(ChurnModel.LABEL),
          random.cast("double")));
      if (spec.rulesRisk() != null) {
        columns.add(col(spec.rulesRisk()).cast("double"));
      }
      for (Row r : test.select(columns.toArray(Column[]::new)).collectAsList()) {
        String account = r.getString(0);
        List<Double> scores = new ArrayList<>();
        models.forEach(model -> scores.add(model.get(account)));
        if (spec.rulesRisk() != null) {
          // An account the rules cannot score ranks in the middle of the rules' scale (50 of 100).
          scores.add(r.isNullAt(3) ? 50.0 : r.getDouble(3));
        }
        scores.add(r.getDouble(2));
        shuffled.forEach(run -> scores.add(run.get(account)));
        outcomes.add(new Outcome(account, cutoff.toString(), r.getDouble(1),
            scores.stream().mapToDouble(Double::doubleValue).toArray()));
      }
      return new FoldResult(fold, outcomes);
    } finally {
      train.unpersist();
      test.unpersist();
    }
  }

  /**
   * The latest {@code count} of the given snapshot dates that have at least one snapshot a horizon or
   * more before them (something to train on), oldest first.
   */
  static List<LocalDate> cutoffs(java.util.Collection<LocalDate> snapshots, int count, int horizonDays) {
    List<LocalDate> sorted = snapshots.stream().distinct().sorted(java.util.Comparator.reverseOrder()).toList();
    if (sorted.isEmpty()) {
      return List.of();
    }
    LocalDate first = sorted.get(sorted.size() - 1);
    List<LocalDate> out = new ArrayList<>(sorted.stream()
        .filter(c -> !c.minusDays(Math.max(1, horizonDays)).isBefore(first)).limit(count).toList());
    java.util.Collections.reverse(out);
    return out;
  }

  /** The accounts that are only ever tested: a share of the ids, drawn by a hash of id and seed. */
  static Column testAccount(Spec spec) {
    return pmod(xxhash64(col(spec.id()).cast("string"), lit(spec.seed())), lit(1000L))
        .lt(lit(Math.round(spec.testShare() * 1000)));
  }

  private static Map<String, Double> probabilities(ChurnModel.Fitted model, Dataset<Row> test, Spec spec) {
    Map<String, Double> out = new HashMap<>();
    for (Row r : model.score(test, spec.id()).select("id", "probability").collectAsList()) {
      out.put(r.getString(0), r.getDouble(1));
    }
    return out;
  }

  /** The training rows with their labels permuted by a seeded draw: the same rows, no information. */
  static Dataset<Row> shuffleLabels(Dataset<Row> train, Spec spec, int permutation) {
    Column byRow = xxhash64(col(spec.id()).cast("string"), col(spec.time()).cast("string"));
    Dataset<Row> rows = train.withColumn("shuffle_slot", row_number().over(Window.orderBy(byRow)))
        .drop(ChurnModel.LABEL);
    Dataset<Row> labels = train.select(col(ChurnModel.LABEL),
        row_number().over(Window.orderBy(xxhash64(byRow, lit(spec.seed()), lit(permutation)))).as("shuffle_slot"));
    return rows.join(labels, "shuffle_slot").drop("shuffle_slot");
  }
}
