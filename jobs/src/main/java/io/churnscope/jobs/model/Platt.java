package io.churnscope.jobs.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import java.io.Serializable;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * Platt scaling: a logistic regression of the label on the model's margin, fitted on the training
 * rows, so a probability of 0.3 means about 3 in 10 such accounts churn: p = 1 / (1 + e^-(a·margin + b)).
 *
 * @param a the margin's coefficient
 * @param b the intercept
 */
record Platt(double a, double b) implements Serializable {
  /** Fitted on the encoded training rows ({@code features}, {@code label}) by the scorer's margins. */
  static Platt fit(Dataset<Row> encoded, ChurnModel.Scorer scorer) {
    UDF1<Vector, Double> marginOf = scorer::margin;
    Dataset<Row> margins = encoded.select(col(ChurnModel.LABEL),
        udf(marginOf, DataTypes.DoubleType).apply(col("features")).as("margin"));
    Dataset<Row> assembled = new VectorAssembler().setInputCols(new String[] {"margin"}).setOutputCol("margin_vector")
        .transform(margins);
    LogisticRegressionModel fitted = new LogisticRegression().setFeaturesCol("margin_vector")
        .setLabelCol(ChurnModel.LABEL).setRegParam(0).setMaxIter(100).fit(assembled);
    return new Platt(fitted.coefficients().apply(0), fitted.intercept());
  }

  double probability(double margin) {
    return 1 / (1 + Math.exp(-(a * margin + b)));
  }
}
