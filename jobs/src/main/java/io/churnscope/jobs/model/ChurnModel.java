package io.churnscope.jobs.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percent_rank;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.churnscope.common.UserError;
import io.churnscope.jobs.hotspots.Population;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A churn model on any table (docs/churn-model.md): logistic regression on standardised features
 * (text columns one-hot encoded, missing numbers imputed with the training median), a stratified
 * holdout with a seed, Platt-calibrated probabilities, and per row the exact reasons: each feature's
 * coefficient × its centred value on the logit, which sum to the margin less the intercept.
 */
public final class ChurnModel {
  static final String LABEL = "label";
  static final String SPLIT = "split";

  private ChurnModel() {}

  /** A trained model and what it says about the holdout. */
  public record Result(Dataset<Row> predictions, List<Metrics> metrics, List<Weight> weights) {}

  /** One split's figures. */
  public record Metrics(String split, long rows, long churned, double baseRate, double aucRoc, double aucPr, double brier) {
    static final StructType SCHEMA = new StructType().add("split", DataTypes.StringType).add("rows", DataTypes.LongType)
        .add("churned", DataTypes.LongType).add("base_rate", DataTypes.DoubleType).add("auc_roc", DataTypes.DoubleType)
        .add("auc_pr", DataTypes.DoubleType).add("brier", DataTypes.DoubleType);

    Row row() {
      return RowFactory.create(split, rows, churned, baseRate, aucRoc, aucPr, brier);
    }
  }

  /** A feature's total pull on the logit per unit of its standardised value (its slots' coefficients, largest). */
  public record Weight(String feature, double coefficient) {}

  /**
   * @param input the table; {@code label} is binary (boolean, 0/1 or yes/no), rows without it are left out
   * @param id the row id column (carried to the predictions, and the holdout's draw)
   * @param holdoutShare share of each class held out, in (0, 1)
   */
  public static Result train(Dataset<Row> input, String label, List<String> features, String id, double holdoutShare,
      long seed) {
    check(input, label, features, id);
    List<String> numeric = numericFeatures(input, features);
    Dataset<Row> rows = split(prepare(input, label, features, numeric), id, holdoutShare, seed).cache();
    Fitted model = fit(rows.where(col(SPLIT).equalTo("train")), features, numeric);
    Dataset<Row> predictions = model.score(rows, id);
    List<Metrics> metrics = new ArrayList<>();
    for (String part : List.of("train", "test")) {
      metrics.add(metrics(predictions.where(col(SPLIT).equalTo(part)), part));
    }
    return new Result(predictions, metrics, model.weights());
  }

  /**
   * {@code input} with {@link #LABEL} = the binary outcome as 0/1 (rows without one left out), numeric
   * features as doubles (a blank is a missing value the imputer fills, not an error), text as text.
   */
  static Dataset<Row> prepare(Dataset<Row> input, String label, List<String> features, List<String> numeric) {
    Dataset<Row> rows = input.withColumn(LABEL, Population.binaryOutcome(input, label).cast("double"))
        .where(col(LABEL).isNotNull());
    for (String f : features) {
      rows = rows.withColumn(f, numeric.contains(f) ? col(f).cast("string").try_cast("double") : col(f).cast("string"));
    }
    return rows;
  }

  /** The model families: logistic regression and gradient-boosted trees (docs/churn-model.md). */
  public enum Kind {
    LOGISTIC_REGRESSION("logistic_regression"), GRADIENT_BOOSTED_TREES("gradient_boosted_trees");

    private final String id;

    Kind(String id) {
      this.id = id;
    }

    public String id() {
      return id;
    }
  }

  /** Trees and depth of the gradient-boosted model: enough for interactions, few enough for a nightly. */
  static final int GBT_TREES = 60;
  static final int GBT_DEPTH = 4;

  /** Fits the encoding, the model and its calibration on prepared training rows. */
  static Fitted fit(Dataset<Row> train, List<String> features, List<String> numeric) {
    return fit(train, features, numeric, Kind.LOGISTIC_REGRESSION, 42);
  }

  static Fitted fit(Dataset<Row> train, List<String> features, List<String> numeric, Kind kind, long seed) {
    try (Encoded encoded = Encoded.of(train, features, numeric)) {
      return encoded.fit(kind, seed);
    }
  }

  /** The numeric features with at least one value in {@code rows}. */
  static List<String> valued(Dataset<Row> rows, List<String> numeric) {
    if (numeric.isEmpty()) {
      return List.of();
    }
    Column[] counts = numeric.stream().map(f -> org.apache.spark.sql.functions.count(col(f)).as(f)).toArray(Column[]::new);
    Row row = rows.agg(counts[0], Arrays.copyOfRange(counts, 1, counts.length)).first();
    return numeric.stream().filter(f -> row.<Long>getAs(f) > 0).toList();
  }

  /**
   * Training rows with their feature encoding fitted and applied once, held in memory for the fits that
   * follow. The encoding (medians, category indices, means and deviations) does not read the label, so
   * every model of a fold — each family and each shuffled-label control — is fitted on the same encoded
   * rows. They are held in as many partitions as the cluster has cores: a fit is hundreds of small passes
   * over them (an iteration or a tree level each), and each pass costs a task per partition.
   *
   * @param features the features the encoding uses: a number with no value in any training row (usage
   *     before the usage history began) cannot be imputed or learnt from, so it is left out
   */
  record Encoded(PipelineModel encoder, Dataset<Row> rows, List<String> features) implements AutoCloseable {
    static Encoded of(Dataset<Row> train, List<String> features, List<String> numeric) {
      List<String> valued = valued(train, numeric);
      List<String> used = features.stream().filter(f -> !numeric.contains(f) || valued.contains(f)).toList();
      PipelineModel encoder = featurePipeline(used, valued).fit(train);
      int cores = train.sparkSession().sparkContext().defaultParallelism();
      return new Encoded(encoder, encoder.transform(train).coalesce(cores).cache(), used);
    }

    /** The model of {@code kind} and its calibration, on these rows. */
    Fitted fit(Kind kind, long seed) {
      return fitOn(rows, kind, seed);
    }

    /**
     * As {@link #fit}, on these rows with other labels (the shuffled-label control): the same encoding,
     * held in as many partitions as cores, as {@link #of} holds its rows (the relabelling's join leaves them in
     * the shuffle's).
     */
    Fitted fitRelabelled(Dataset<Row> relabelled, Kind kind, long seed) {
      Dataset<Row> held = relabelled.coalesce(rows.sparkSession().sparkContext().defaultParallelism()).cache();
      try {
        return fitOn(held, kind, seed);
      } finally {
        held.unpersist();
      }
    }

    private Fitted fitOn(Dataset<Row> encoded, Kind kind, long seed) {
      Scorer scorer;
      Platt platt;
      if (kind == Kind.LOGISTIC_REGRESSION) {
        scorer = Scorer.of(new LogisticRegression().setFeaturesCol("features").setLabelCol(LABEL).setRegParam(0.001)
            .setMaxIter(200).fit(encoded));
        platt = Platt.fit(encoded, scorer);
      } else {
        // Trees fit their training rows closely: their in-sample margins are over-confident, so the
        // calibration is fitted on a fifth of the rows the trees did not see.
        Dataset<Row>[] parts = encoded.randomSplit(new double[] {0.8, 0.2}, seed);
        scorer = Scorer.of(GbtScorer.fit(parts[0], "features", LABEL, GBT_TREES, GBT_DEPTH, seed));
        platt = Platt.fit(parts[1], scorer);
      }
      return new Fitted(kind, encoder, scorer, platt, slotFeatures(encoded.schema().apply("raw_features"), features));
    }

    @Override
    public void close() {
      rows.unpersist();
    }
  }

  /**
   * A model's margin (log-odds) of an encoded row and its exact split into a base and one term per
   * slot of the encoded vector: base + Σ attributions = margin.
   */
  interface Scorer extends Serializable {
    double margin(Vector x);

    double base();

    double[] attributions(Vector x);

    /** Per slot, how strongly the model leans on it (LR: the coefficient; trees: the split importance). */
    double[] weights();

    /** LR: coefficient × centred (standardised) value; the base is the intercept. */
    static Scorer of(LogisticRegressionModel lr) {
      return new Linear(lr.coefficients().toArray(), lr.intercept());
    }

    /** Trees: the per-split path attribution ({@link GbtScorer}). */
    static Scorer of(GbtScorer trees) {
      return new Trees(trees);
    }
  }

  record Linear(double[] coefficients, double intercept) implements Scorer {
    @Override
    public double margin(Vector x) {
      return intercept + Arrays.stream(attributions(x)).sum();
    }

    @Override
    public double base() {
      return intercept;
    }

    @Override
    public double[] attributions(Vector x) {
      double[] out = new double[coefficients.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = coefficients[i] * x.apply(i);
      }
      return out;
    }

    @Override
    public double[] weights() {
      return coefficients.clone();
    }
  }

  record Trees(GbtScorer trees) implements Scorer {
    @Override
    public double margin(Vector x) {
      return trees.margin(x);
    }

    @Override
    public double base() {
      return trees.baseMargin();
    }

    @Override
    public double[] attributions(Vector x) {
      return trees.attributions(x);
    }

    @Override
    public double[] weights() {
      return trees.featureImportances();
    }
  }

  /**
   * A fitted model: its family, the feature encoding, the scorer, its calibration and the source
   * feature of each slot of the encoded vector.
   */
  record Fitted(Kind kind, PipelineModel encoder, Scorer scorer, Platt platt, List<String> slotFeatures) {
    /** Prediction rows ({@link Reasons#SCHEMA}) of prepared rows that have {@link #SPLIT} and {@link #LABEL}. */
    Dataset<Row> score(Dataset<Row> rows, String id) {
      return encoder.transform(rows).map(new Reasons(id, scorer, slotFeatures, platt), Encoders.row(Reasons.SCHEMA));
    }

    List<Weight> weights() {
      return ChurnModel.weights(scorer.weights(), slotFeatures);
    }
  }

  private static void check(Dataset<Row> input, String label, List<String> features, String id) {
    Set<String> columns = Set.of(input.columns());
    List<String> named = new ArrayList<>(features);
    named.add(label);
    named.add(id);
    List<String> missing = named.stream().filter(c -> !columns.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new UserError("no such column: " + missing + "; the table has " + Arrays.toString(input.columns()));
    }
    if (features.isEmpty() || features.contains(label) || features.contains(id)) {
      throw new UserError("--features: name at least one column, and neither the label nor the id");
    }
  }

  /**
   * Numeric columns, and text columns whose every non-blank value is a number (a CSV column with a few
   * blanks is read as text: Telco's TotalCharges); blanks become missing values, imputed.
   */
  static List<String> numericFeatures(Dataset<Row> input, List<String> features) {
    List<String> text = features.stream().filter(f -> !(input.schema().apply(f).dataType() instanceof NumericType)).toList();
    List<String> numeric = new ArrayList<>(features.stream().filter(f -> !text.contains(f)).toList());
    if (!text.isEmpty()) {
      Column[] notNumbers = text.stream().map(f -> org.apache.spark.sql.functions.count_if(
          org.apache.spark.sql.functions.trim(col(f)).notEqual("").and(col(f).try_cast("double").isNull())).as(f))
          .toArray(Column[]::new);
      Column[] values = text.stream().map(f -> org.apache.spark.sql.functions.count_if(
          org.apache.spark.sql.functions.trim(col(f)).notEqual("")).as(f + "__values")).toArray(Column[]::new);
      Column[] all = java.util.stream.Stream.concat(Arrays.stream(notNumbers), Arrays.stream(values)).toArray(Column[]::new);
      Row counts = input.agg(all[0], Arrays.copyOfRange(all, 1, all.length)).first();
      for (String f : text) {
        if (counts.<Long>getAs(f) == 0 && counts.<Long>getAs(f + "__values") > 0) {
          numeric.add(f);
        }
      }
    }
    return List.copyOf(numeric);
  }

  /**
   * {@code split} = test for a share of each class, drawn by a hash of the id and the seed (the same
   * rows on every run), else train.
   */
  static Dataset<Row> split(Dataset<Row> rows, String id, double share, long seed) {
    Column draw = percent_rank().over(Window.partitionBy(LABEL).orderBy(xxhash64(col(id).cast("string"), lit(seed)), col(id)));
    return rows.withColumn(SPLIT, when(draw.lt(share), lit("test")).otherwise(lit("train")));
  }

  private static Pipeline featurePipeline(List<String> features, List<String> numeric) {
    List<PipelineStage> stages = new ArrayList<>();
    List<String> assembled = new ArrayList<>();
    if (!numeric.isEmpty()) {
      String[] imputed = numeric.stream().map(f -> f + "__imputed").toArray(String[]::new);
      stages.add(new Imputer().setStrategy("median").setInputCols(numeric.toArray(String[]::new)).setOutputCols(imputed));
      assembled.addAll(Arrays.asList(imputed));
    }
    for (String f : features) {
      if (!numeric.contains(f)) {
        stages.add(new StringIndexer().setInputCol(f).setOutputCol(f + "__index").setHandleInvalid("keep"));
        stages.add(new OneHotEncoder().setInputCol(f + "__index").setOutputCol(f + "__onehot").setDropLast(false)
            .setHandleInvalid("keep"));
        assembled.add(f + "__onehot");
      }
    }
    stages.add(new VectorAssembler().setInputCols(assembled.toArray(String[]::new)).setOutputCol("raw_features")
        .setHandleInvalid("keep"));
    stages.add(new StandardScaler().setInputCol("raw_features").setOutputCol("features").setWithMean(true).setWithStd(true));
    return new Pipeline().setStages(stages.toArray(PipelineStage[]::new));
  }

  /** The source feature of each slot of the assembled vector, from the assembler's attribute names. */
  static List<String> slotFeatures(org.apache.spark.sql.types.StructField assembled, List<String> features) {
    AttributeGroup group = AttributeGroup.fromStructField(assembled);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < group.size(); i++) {
      String name = group.getAttr(i).name().getOrElse(() -> "");
      String feature = features.stream().filter(f -> name.equals(f + "__imputed") || name.startsWith(f + "__onehot"))
          .max(Comparator.comparingInt(String::length)).orElse(name);
      out.add(feature);
    }
    return out;
  }

  private static List<Weight> weights(double[] coefficients, List<String> slotFeatures) {
    java.util.Map<String, Double> largest = new java.util.LinkedHashMap<>();
    for (int i = 0; i < coefficients.length; i++) {
      largest.merge(slotFeatures.get(i), coefficients[i], (a, b) -> Math.abs(a) >= Math.abs(b) ? a : b);
    }
    return largest.entrySet().stream().map(e -> new Weight(e.getKey(), e.getValue()))
        .sorted(Comparator.comparingDouble((Weight w) -> -Math.abs(w.coefficient()))).toList();
  }

  static Metrics metrics(Dataset<Row> predictions, String split) {
    Row sums = predictions.selectExpr("count(*)", "sum(label)", "avg(pow(probability - label, 2))").first();
    long rows = sums.getLong(0);
    double churned = sums.isNullAt(1) ? 0 : sums.getDouble(1);
    BinaryClassificationEvaluator evaluator = new BinaryClassificationEvaluator().setLabelCol(LABEL)
        .setRawPredictionCol("probability");
    double roc = evaluator.setMetricName("areaUnderROC").evaluate(predictions);
    double pr = evaluator.setMetricName("areaUnderPR").evaluate(predictions);
    return new Metrics(split, rows, (long) churned, rows == 0 ? 0 : churned / rows, roc, pr,
        sums.isNullAt(2) ? Double.NaN : sums.getDouble(2));
  }

  /** Turns a scored row into a prediction row with its calibrated probability and its top reasons. */
  static final class Reasons implements org.apache.spark.api.java.function.MapFunction<Row, Row>, Serializable {
    static final StructType REASON = new StructType().add("feature", DataTypes.StringType)
        .add("attribution", DataTypes.DoubleType).add("value", DataTypes.StringType);
    static final StructType SCHEMA = new StructType()
        .add("id", DataTypes.StringType).add(SPLIT, DataTypes.StringType).add(LABEL, DataTypes.DoubleType)
        .add("margin", DataTypes.DoubleType).add("intercept", DataTypes.DoubleType)
        .add("probability", DataTypes.DoubleType)
        .add("reasons", DataTypes.createArrayType(REASON))
        .add("attributions", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType));
    /** The row's value of a feature, as text ("missing" when it has none). */
    private static String valueOf(Row row, String feature) {
      int index;
      try {
        index = row.fieldIndex(feature);
      } catch (IllegalArgumentException e) {
        return null;
      }
      Object value = row.get(index);
      return value == null ? "missing" : value instanceof Double d ? io.churnscope.jobs.health.HealthScoring.number(d) : value.toString();
    }

    /** Reasons kept per row: the features that push the churn odds up most. */
    static final int TOP = 3;

    private final String id;
    private final Scorer scorer;
    private final List<String> slotFeatures;
    private final Platt platt;

    Reasons(String id, Scorer scorer, List<String> slotFeatures, Platt platt) {
      this.id = id;
      this.scorer = scorer;
      this.slotFeatures = List.copyOf(slotFeatures);
      this.platt = platt;
    }

    @Override
    public Row call(Row row) {
      Vector x = row.getAs("features");
      double[] pulls = scorer.attributions(x);
      java.util.Map<String, Double> byFeature = new java.util.LinkedHashMap<>();
      double margin = scorer.base();
      for (int i = 0; i < pulls.length; i++) {
        margin += pulls[i];
        byFeature.merge(slotFeatures.get(i), pulls[i], Double::sum);
      }
      List<Row> top = byFeature.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
          .limit(TOP).map(e -> RowFactory.create(e.getKey(), e.getValue(), valueOf(row, e.getKey())))
          .collect(Collectors.toList());
      Object key = row.getAs(id);
      return RowFactory.create(key == null ? null : key.toString(), row.getAs(SPLIT), row.getAs(LABEL), margin,
          scorer.base(), platt.probability(margin), CollectionConverters.asScala(top).toSeq(),
          CollectionConverters.asScala(byFeature));
    }
  }
}
