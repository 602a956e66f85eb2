package io.churnscope.jobs.model;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.testing.SparkTestBase;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.feature.VectorIndexer;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.regression.DecisionTreeRegressionModel;
import org.apache.spark.ml.tree.CategoricalSplit;
import org.apache.spark.ml.tree.InternalNode;
import org.apache.spark.ml.tree.Node;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * {@link GbtScorer} against Spark's own GBT: the margin it computes from its copied trees is the
 * log-odds of Spark's probability, and every row's path attributions add up to it.
 */
class GbtScorerTest extends SparkTestBase {
  static final StructType XY = new StructType().add("x0", DataTypes.DoubleType).add("x1", DataTypes.DoubleType)
      .add("x2", DataTypes.DoubleType).add("plan", DataTypes.DoubleType).add("label", DataTypes.DoubleType);
  /** What each row of a fitted model says: scored on an executor by a serialised scorer. */
  static final StructType SCORED = new StructType().add("label", DataTypes.DoubleType)
      .add("spark_probability", DataTypes.DoubleType).add("margin", DataTypes.DoubleType)
      .add("attributions", DataTypes.createArrayType(DataTypes.DoubleType));

  @Test
  void oneStumpByHand() {
    // x = 0, 0, 1, 1 with churn 0, 0, 0, 1. Spark's first tree fits the labels as ±1 (-1, -1, -1, +1), weight 1:
    // root mean -0.5; x ≤ 0.5 → leaf -1, else leaf (−1 + 1) / 2 = 0. The log-odds margin is twice the tree's output:
    // base 2 × −0.5 = −1; the row x = 1 ends at 0 (margin 0, probability 0.5), x's attribution 2 × (0 − (−0.5)) = +1;
    // the row x = 0 ends at −1 (margin −2), x's attribution 2 × (−1 − (−0.5)) = −1.
    Dataset<Row> data = vectors(new double[][] {{0}, {0}, {1}, {1}}, new double[] {0, 0, 0, 1});
    GbtScorer stump = GbtScorer.fit(data, "features", "label", 1, 1, 7);
    assertEquals(1, stump.numTrees());
    assertEquals(-1.0, stump.baseMargin(), 1e-12);
    assertEquals(0.0, stump.margin(Vectors.dense(1)), 1e-12);
    assertEquals(0.5, stump.probability(Vectors.dense(1)), 1e-12);
    assertEquals(1.0, stump.attributions(Vectors.dense(1))[0], 1e-12);
    assertEquals(-2.0, stump.margin(Vectors.dense(0)), 1e-12);
    assertEquals(-1.0, stump.attributions(Vectors.dense(0))[0], 1e-12);
  }

  @Test
  void onAPlantedSignalTheMarginIsSparksLogOddsAndTheAttributionsAddUpToIt() {
    // Churn odds: e^(2.5·x0 + plan effect − 0.5); x1 and x2 are noise. plan (0..4) becomes a categorical feature.
    Random random = new Random(11);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      double x0 = random.nextGaussian();
      double plan = random.nextInt(5);
      double logit = 2.5 * x0 + (plan == 4 ? 1.0 : plan == 0 ? -0.7 : 0) - 0.5;
      double label = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
      rows.add(RowFactory.create(x0, random.nextGaussian(), random.nextGaussian(), plan, label));
    }
    Dataset<Row> assembled = new VectorAssembler().setInputCols(new String[] {"x0", "x1", "x2", "plan"})
        .setOutputCol("raw").transform(spark().createDataFrame(rows, XY));
    Dataset<Row> data = new VectorIndexer().setInputCol("raw").setOutputCol("features").setMaxCategories(5)
        .fit(assembled).transform(assembled).select("features", "label").cache();
    GbtScorer scorer = GbtScorer.fit(data, "features", "label", 30, 3, 5);

    int[] splits = categoricalSplits(scorer.model());
    assertTrue(splits[0] > 0 && splits[1] > 0, "both of Spark's categorical split forms are exercised: " + Arrays.toString(splits));
    // A plan outside 0..4 matches neither side of a categorical split: Spark sends it the way its kept side says.
    for (double plan : new double[] {-1, 5, 7.5}) {
      Vector x = Vectors.dense(0.3, 0, 0, plan);
      assertEquals(2 * scorer.model().predictRaw(x).apply(1), scorer.margin(x), 1e-12, "plan " + plan);
    }
    List<Row> scored = scored(scorer, data);
    assertEquals(3000, scored.size());
    double[] meanAbs = checkEveryRow(scorer, scored);
    System.out.printf(Locale.ROOT, "GBT planted signal: base margin %.4f, mean |attribution| x0 %.4f x1 %.4f x2 %.4f plan %.4f,"
        + " categorical splits (tests left, tests right) %s%n", scorer.baseMargin(), meanAbs[0], meanAbs[1], meanAbs[2],
        meanAbs[3], Arrays.toString(splits));
    for (int slot = 1; slot < meanAbs.length; slot++) {
      assertTrue(meanAbs[0] > 2 * meanAbs[slot], "x0 carries the signal: " + Arrays.toString(meanAbs));
    }
    assertTrue(meanAbs[3] > meanAbs[1] && meanAbs[3] > meanAbs[2], "plan's weaker signal beats noise: "
        + Arrays.toString(meanAbs));
    double[] importances = scorer.featureImportances();
    assertEquals(1.0, Arrays.stream(importances).sum(), 1e-9);
    assertTrue(importances[0] > importances[1] && importances[0] > importances[2] && importances[0] > importances[3]);
  }

  @Test
  void onTelcoTheGbtRanksTheHoldoutAndItsAttributionsAddUp() {
    File csv = new File(sharedDir(), "datasets/ibm-telco/Telco-Customer-Churn.csv");
    List<String> text = List.of("gender", "Partner", "Dependents", "PhoneService", "MultipleLines", "InternetService",
        "OnlineSecurity", "OnlineBackup", "DeviceProtection", "TechSupport", "StreamingTV", "StreamingMovies", "Contract",
        "PaperlessBilling", "PaymentMethod");
    List<String> numeric = List.of("SeniorCitizen", "tenure", "MonthlyCharges", "TotalCharges");
    Dataset<Row> input = spark().read().option("header", "true").option("inferSchema", "true").csv(csv.getPath())
        // TotalCharges is blank for the 11 customers of tenure 0: they have paid nothing yet.
        .withColumn("TotalCharges", col("TotalCharges").cast("string").try_cast("double"))
        .na().fill(0.0, new String[] {"TotalCharges"})
        .withColumn(ChurnModel.LABEL, col("Churn").equalTo("Yes").cast("double"));
    // The same holdout as TelcoChurnModelTest's logistic regression: a quarter of each class, seed 42.
    Dataset<Row> rows = ChurnModel.split(input, "customerID", 0.25, 42);
    String[] indexed = text.stream().map(c -> c + "__index").toArray(String[]::new);
    // Indexed text columns carry nominal metadata: the trees split them as categories.
    Dataset<Row> encoded = new StringIndexer().setInputCols(text.toArray(String[]::new)).setOutputCols(indexed)
        .fit(rows.where("split = 'train'")).transform(rows);
    List<String> columns = new ArrayList<>(numeric);
    columns.addAll(Arrays.asList(indexed));
    encoded = new VectorAssembler().setInputCols(columns.toArray(String[]::new)).setOutputCol("features")
        .transform(encoded).select("features", "label", "split").cache();
    GbtScorer scorer = GbtScorer.fit(encoded.where("split = 'train'"), "features", "label", 60, 4, 42);

    List<Row> test = scored(scorer, encoded.where("split = 'test'"));
    double[] meanAbs = checkEveryRow(scorer, test);
    double auc = new BinaryClassificationEvaluator().setRawPredictionCol("spark_probability").setLabelCol("label")
        .evaluate(spark().createDataFrame(test, SCORED));
    List<Row> asProbabilities = test.stream().map(r -> RowFactory.create(r.getDouble(0), r.getDouble(1))).toList();
    assertEquals(auc, TelcoChurnModelTest.mannWhitney(spark().createDataFrame(asProbabilities, new StructType()
        .add("label", DataTypes.DoubleType).add("probability", DataTypes.DoubleType)).collectAsList()), 1e-6);
    List<String> ranked = new ArrayList<>(columns);
    ranked.sort((a, b) -> Double.compare(meanAbs[columns.indexOf(b)], meanAbs[columns.indexOf(a)]));
    System.out.printf(Locale.ROOT, "GBT Telco: %d test rows, holdout AUC-ROC %.4f, base margin %.4f, strongest %s%n",
        test.size(), auc, scorer.baseMargin(), ranked.subList(0, 5).stream()
            .map(c -> String.format(Locale.ROOT, "%s %.3f", c, meanAbs[columns.indexOf(c)])).toList());
    assertEquals(1761, test.size(), 3, "a quarter of the 7,043 customers");
    // Measured 0.860 (the logistic regression on the same holdout: 0.861).
    assertTrue(auc > 0.83, "holdout AUC " + auc);
    assertTrue(List.of("Contract__index", "tenure").contains(ranked.get(0)), "the classic churn driver leads: " + ranked);
    assertEquals(AttributeGroup.fromStructField(encoded.schema().apply("features")).size(), scorer.numFeatures());
  }

  /** Scores each row on an executor with the serialised scorer, beside Spark's own probability. */
  static List<Row> scored(GbtScorer scorer, Dataset<Row> data) {
    GBTClassificationModel model = scorer.model();
    return model.transform(data).map((MapFunction<Row, Row>) row -> {
      Vector x = row.getAs("features");
      double[] attributions = scorer.attributions(x);
      return RowFactory.create(row.<Double>getAs("label"), ((Vector) row.getAs("probability")).apply(1),
          scorer.margin(x), scala.jdk.javaapi.CollectionConverters.asScala(
              Arrays.stream(attributions).boxed().toList()).toSeq());
    }, Encoders.row(SCORED)).collectAsList();
  }

  /** Asserts both invariants on every row; returns each slot's mean |attribution|. */
  static double[] checkEveryRow(GbtScorer scorer, List<Row> scored) {
    double[] meanAbs = new double[scorer.numFeatures()];
    double worstProbability = 0;
    double worstSum = 0;
    for (Row row : scored) {
      double margin = row.getDouble(2);
      double probability = 1 / (1 + Math.exp(-margin));
      worstProbability = Math.max(worstProbability, Math.abs(probability - row.getDouble(1)));
      assertEquals(row.getDouble(1), probability, 1e-9, "logistic(margin) is Spark's probability[1]");
      List<Double> attributions = row.getList(3);
      double sum = scorer.baseMargin();
      for (int slot = 0; slot < attributions.size(); slot++) {
        sum += attributions.get(slot);
        meanAbs[slot] += Math.abs(attributions.get(slot)) / scored.size();
      }
      worstSum = Math.max(worstSum, Math.abs(sum - margin));
      assertEquals(margin, sum, 1e-9, "base margin + attributions = margin");
    }
    System.out.printf(Locale.ROOT, "GBT %d rows: worst |logistic(margin) - probability| %.2e, worst |base + sum - margin| %.2e%n",
        scored.size(), worstProbability, worstSum);
    return meanAbs;
  }

  /** Spark's categorical splits by the side it keeps: [tests the left categories, tests the right ones]. */
  static int[] categoricalSplits(GBTClassificationModel model) {
    int[] counts = new int[2];
    for (DecisionTreeRegressionModel tree : model.trees()) {
      List<Node> todo = new ArrayList<>(List.of(tree.rootNode()));
      while (!todo.isEmpty()) {
        if (todo.remove(todo.size() - 1) instanceof InternalNode node) {
          if (node.split() instanceof CategoricalSplit split) {
            counts[split.leftCategories().length <= split.numCategories() / 2 ? 0 : 1]++;
          }
          todo.add(node.leftChild());
          todo.add(node.rightChild());
        }
      }
    }
    return counts;
  }

  static Dataset<Row> vectors(double[][] features, double[] labels) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < labels.length; i++) {
      rows.add(RowFactory.create(Vectors.dense(features[i]), labels[i]));
    }
    return spark().createDataFrame(rows, new StructType().add("features", new VectorUDT()).add("label", DataTypes.DoubleType));
  }
}
