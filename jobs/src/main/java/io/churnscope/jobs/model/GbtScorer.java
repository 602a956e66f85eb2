package io.churnscope.jobs.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.regression.DecisionTreeRegressionModel;
import org.apache.spark.ml.tree.CategoricalSplit;
import org.apache.spark.ml.tree.ContinuousSplit;
import org.apache.spark.ml.tree.InternalNode;
import org.apache.spark.ml.tree.Node;
import org.apache.spark.ml.tree.Split;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Gradient-boosted trees (Spark MLlib, logistic loss) copied once into plain arrays, so that a
 * {@code MapFunction} can score a row and say exactly why: per feature slot, the Saabas path attribution.
 *
 * <p>Spark's convention: the ensemble's output is F(x) = Σ weight_t · leaf_t(x), rawPrediction is
 * [−F, F] and probability[1] = 1 / (1 + e^(−2F)), so the log-odds {@link #margin} is 2F. Each tree's
 * internal nodes hold the mean of their training targets; walking from the root to the leaf, the change
 * of that value at each split is credited to the split's feature. The changes telescope to leaf − root,
 * so {@link #baseMargin()} (the roots) plus the attributions is the margin, on every row.
 */
public final class GbtScorer implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Spark's log loss models half the log-odds: probability = 1 / (1 + e^(−2F)). */
  private static final double LOG_ODDS_PER_UNIT = 2.0;
  private static final int LEAF = -1;

  private final int numFeatures;
  /** Per tree: its root node's index and its weight in the ensemble (Spark's treeWeights). */
  private final int[] roots;
  private final double[] treeWeights;
  /** Per node (all trees): the split feature (LEAF for a leaf), its children, and the node's value. */
  private final int[] feature;
  private final int[] left;
  private final int[] right;
  private final double[] value;
  /** Continuous splits go left when x ≤ threshold. */
  private final double[] threshold;
  /** Categorical splits (null for continuous): the categories Spark tests, and whether a match goes left. */
  private final double[][] categories;
  private final boolean[] categoriesGoLeft;
  private final double baseMargin;
  private final double[] importances;
  /** The fitted Spark model, on the driver only (not serialised to executors). */
  private final transient GBTClassificationModel model;

  private GbtScorer(GBTClassificationModel model, Nodes nodes, int[] roots) {
    this.model = model;
    this.numFeatures = model.numFeatures();
    this.roots = roots;
    this.treeWeights = model.treeWeights().clone();
    this.feature = nodes.feature.stream().mapToInt(Integer::intValue).toArray();
    this.left = nodes.left.stream().mapToInt(Integer::intValue).toArray();
    this.right = nodes.right.stream().mapToInt(Integer::intValue).toArray();
    this.value = nodes.value.stream().mapToDouble(Double::doubleValue).toArray();
    this.threshold = nodes.threshold.stream().mapToDouble(Double::doubleValue).toArray();
    this.categories = nodes.categories.toArray(double[][]::new);
    this.categoriesGoLeft = new boolean[nodes.categoriesGoLeft.size()];
    for (int i = 0; i < categoriesGoLeft.length; i++) {
      categoriesGoLeft[i] = nodes.categoriesGoLeft.get(i);
    }
    double base = 0;
    for (int t = 0; t < roots.length; t++) {
      base += treeWeights[t] * value[roots[t]];
    }
    this.baseMargin = LOG_ODDS_PER_UNIT * base;
    this.importances = model.featureImportances().toArray();
  }

  /**
   * Fits binary gradient-boosted trees with logistic loss (Spark's defaults otherwise: step size 0.1,
   * no subsampling, 32 bins; features with nominal or binary metadata are split as categories).
   *
   * @param labelCol 0.0 or 1.0
   * @param maxIter the number of trees
   * @param maxDepth each tree's depth (0 is a single leaf)
   */
  public static GbtScorer fit(Dataset<Row> train, String featuresCol, String labelCol, int maxIter, int maxDepth,
      long seed) {
    GBTClassificationModel fitted = new GBTClassifier().setFeaturesCol(featuresCol).setLabelCol(labelCol)
        .setLossType("logistic").setMaxIter(maxIter).setMaxDepth(maxDepth).setSeed(seed).fit(train);
    return of(fitted);
  }

  /** Copies a fitted model's trees; the model must use logistic loss (Spark's only classification loss). */
  public static GbtScorer of(GBTClassificationModel model) {
    if (!"logistic".equals(model.getLossType())) {
      throw new IllegalArgumentException("GBT loss " + model.getLossType() + ": only logistic loss has a log-odds margin");
    }
    Nodes nodes = new Nodes();
    DecisionTreeRegressionModel[] trees = model.trees();
    int[] roots = new int[trees.length];
    for (int t = 0; t < trees.length; t++) {
      roots[t] = nodes.copy(trees[t].rootNode());
    }
    return new GbtScorer(model, nodes, roots);
  }

  /** The fitted Spark model (on the driver; null where this scorer was deserialised). */
  public GBTClassificationModel model() {
    return model;
  }

  public int numFeatures() {
    return numFeatures;
  }

  public int numTrees() {
    return roots.length;
  }

  /** The log-odds of churn: probability = 1 / (1 + e^−margin), as Spark's probability[1]. */
  public double margin(Vector x) {
    double f = 0;
    for (int t = 0; t < roots.length; t++) {
      f += treeWeights[t] * value[leaf(roots[t], x)];
    }
    return LOG_ODDS_PER_UNIT * f;
  }

  /** The margin's probability, 1 / (1 + e^−margin). */
  public double probability(Vector x) {
    return 1 / (1 + Math.exp(-margin(x)));
  }

  /** The margin of the trees' root values (the training targets' means): where every row's attributions start. */
  public double baseMargin() {
    return baseMargin;
  }

  /**
   * Per feature slot, its pull on the margin: for every tree (times its weight, on the log-odds scale),
   * the change of the node value at each split on the row's path, credited to the split's feature.
   * {@code baseMargin() + Σ attributions = margin(x)}.
   */
  public double[] attributions(Vector x) {
    if (x.size() != numFeatures) {
      throw new IllegalArgumentException("a vector of " + x.size() + " features; the model has " + numFeatures);
    }
    double[] out = new double[numFeatures];
    for (int t = 0; t < roots.length; t++) {
      double scale = LOG_ODDS_PER_UNIT * treeWeights[t];
      int node = roots[t];
      while (feature[node] != LEAF) {
        int child = goesLeft(node, x) ? left[node] : right[node];
        out[feature[node]] += scale * (value[child] - value[node]);
        node = child;
      }
    }
    return out;
  }

  /** Spark's feature importances (each split's gain, summed per slot, normalised to sum to 1). */
  public double[] featureImportances() {
    return importances.clone();
  }

  private int leaf(int node, Vector x) {
    while (feature[node] != LEAF) {
      node = goesLeft(node, x) ? left[node] : right[node];
    }
    return node;
  }

  /** As Spark's {@code Split.shouldGoLeft}. */
  private boolean goesLeft(int node, Vector x) {
    double v = x.apply(feature[node]);
    double[] tested = categories[node];
    if (tested == null) {
      return v <= threshold[node];
    }
    boolean match = false;
    for (double c : tested) {
      match |= c == v;
    }
    return match == categoriesGoLeft[node];
  }

  /** The nodes of all trees, appended depth first. */
  private static final class Nodes {
    final List<Integer> feature = new ArrayList<>();
    final List<Integer> left = new ArrayList<>();
    final List<Integer> right = new ArrayList<>();
    final List<Double> value = new ArrayList<>();
    final List<Double> threshold = new ArrayList<>();
    final List<double[]> categories = new ArrayList<>();
    final List<Boolean> categoriesGoLeft = new ArrayList<>();

    /** Appends the subtree at {@code node} and returns its index. */
    int copy(Node node) {
      int index = value.size();
      value.add(node.prediction());
      feature.add(LEAF);
      left.add(LEAF);
      right.add(LEAF);
      threshold.add(Double.NaN);
      categories.add(null);
      categoriesGoLeft.add(false);
      if (node instanceof InternalNode internal) {
        Split split = internal.split();
        feature.set(index, split.featureIndex());
        if (split instanceof ContinuousSplit continuous) {
          threshold.set(index, continuous.threshold());
        } else if (split instanceof CategoricalSplit categorical) {
          // Spark keeps the smaller side: the left categories when they are at most half of them
          // (a match goes left), else the right ones (a match goes right); a value in neither set
          // follows the same rule.
          boolean keepsLeft = categorical.leftCategories().length <= categorical.numCategories() / 2;
          categories.set(index, (keepsLeft ? categorical.leftCategories() : categorical.rightCategories()).clone());
          categoriesGoLeft.set(index, keepsLeft);
        } else {
          throw new IllegalStateException("unknown split " + split.getClass().getName());
        }
        left.set(index, copy(internal.leftChild()));
        right.set(index, copy(internal.rightChild()));
      }
      return index;
    }
  }
}
