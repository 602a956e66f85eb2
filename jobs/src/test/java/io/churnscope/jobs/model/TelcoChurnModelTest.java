package io.churnscope.jobs.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.churnscope.common.UserError;
import io.churnscope.common.testing.SparkTestBase;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IBM Telco (7,043 customers, 26.5 % churn) through {@code churn-model} with every column as a
 * feature: public analyses report a holdout AUC of about 0.84 for logistic regression on this data.
 */
class TelcoChurnModelTest extends SparkTestBase {
  @TempDir
  static Path dir;
  static ChurnModel.Result result;
  static List<Row> test;

  @BeforeAll
  static void train() {
    ChurnModelJob.Args args = new ChurnModelJob.Args();
    args.input = new File(sharedDir(), "datasets/ibm-telco/Telco-Customer-Churn.csv").getPath();
    args.label = "Churn";
    args.id = "customerID";
    args.features = List.of("gender", "SeniorCitizen", "Partner", "Dependents", "tenure", "PhoneService", "MultipleLines",
        "InternetService", "OnlineSecurity", "OnlineBackup", "DeviceProtection", "TechSupport", "StreamingTV",
        "StreamingMovies", "Contract", "PaperlessBilling", "PaymentMethod", "MonthlyCharges", "TotalCharges");
    args.output = dir.resolve("model").toString();
    result = ChurnModelJob.run(spark(), args);
    test = spark().read().format("delta").load(args.output + "/predictions").where("split = 'test'").collectAsList();
  }

  static ChurnModel.Metrics metrics(String split) {
    return result.metrics().stream().filter(m -> m.split().equals(split)).findFirst().orElseThrow();
  }

  @Test
  void theHoldoutIsAStratifiedQuarterOfEachClass() {
    ChurnModel.Metrics holdout = metrics("test");
    ChurnModel.Metrics train = metrics("train");
    assertEquals(7043, holdout.rows() + train.rows());
    assertEquals(0.25, holdout.rows() / 7043.0, 0.005);
    assertEquals(1869 * 0.25, holdout.churned(), 2.0, "a quarter of the 1,869 churners");
  }

  @Test
  void theHoldoutAucIsWhatLogisticRegressionReachesOnThisData() {
    double auc = metrics("test").aucRoc();
    assertTrue(auc > 0.82 && auc < 0.90, "holdout AUC " + auc);
    // Recomputed without Spark: the share of churner / stayer pairs the model orders correctly.
    assertEquals(auc, mannWhitney(test), 1e-6);
    assertTrue(metrics("test").aucPr() > 2 * metrics("test").baseRate(), "AUC-PR well above the base rate");
  }

  @Test
  void probabilitiesAreCalibrated() {
    double mean = test.stream().mapToDouble(r -> r.<Double>getAs("probability")).average().orElseThrow();
    assertEquals(metrics("test").baseRate(), mean, 0.03, "mean predicted churn vs the holdout's churn rate");
    assertTrue(metrics("test").brier() < metrics("test").baseRate() * (1 - metrics("test").baseRate()),
        "Brier score better than predicting the base rate");
  }

  @Test
  void everyPredictionsAttributionsSumToItsMarginAndItsReasonsAreTheLargest() {
    for (Row row : test) {
      Map<String, Double> attributions = row.getJavaMap(row.fieldIndex("attributions"));
      double sum = attributions.values().stream().mapToDouble(Double::doubleValue).sum();
      assertEquals(row.<Double>getAs("margin"), row.<Double>getAs("intercept") + sum, 1e-9);
      List<Row> reasons = row.getList(row.fieldIndex("reasons"));
      assertEquals(3, reasons.size());
      double largest = attributions.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
      assertEquals(largest, reasons.get(0).<Double>getAs("attribution"), 1e-12);
    }
  }

  @Test
  void aMissingColumnIsOneClearError() {
    UserError e = assertThrows(UserError.class, () -> ChurnModel.train(
        spark().range(3).toDF().withColumnRenamed("id", "account").selectExpr("account", "true AS churned"),
        "churned", List.of("tenure"), "account", 0.25, 1));
    assertTrue(e.getMessage().startsWith("no such column: [tenure]"), e.getMessage());
  }

  /** AUC as the probability that a random churner scores above a random stayer (ties count half). */
  static double mannWhitney(List<Row> rows) {
    List<Double> churners = new ArrayList<>();
    List<Double> stayers = new ArrayList<>();
    for (Row r : rows) {
      (r.<Double>getAs("label") == 1.0 ? churners : stayers).add(r.getAs("probability"));
    }
    double wins = 0;
    for (double c : churners) {
      for (double s : stayers) {
        wins += c > s ? 1 : c == s ? 0.5 : 0;
      }
    }
    return wins / ((double) churners.size() * stayers.size());
  }
}
