package io.churnscope.jobs.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.churnscope.common.lake.Lake;
import io.churnscope.jobs.model.BacktestFigures.Figure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.sql.SparkSession;

/**
 * The churn models the nightly trained, under {@code <lake>/_models/churn/<version>/}: {@code model.json}
 * (what a reader needs to trust or audit the model: features, training window, calibration map,
 * backtest figures, gates) beside the fitted feature encoding and, for trees, the trees (Spark ML's
 * own format). A version is written once and never changed; later runs reuse the newest one while it
 * is younger than {@code churn-model.retrain-every-days} and its specification is unchanged.
 */
final class ModelRegistry {
  static final String MODEL_JSON = "model.json";
  /** The registry's folder under the lake's root. */
  static final String FOLDER = "_models/churn";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * One registered model.
   *
   * @param specification hash of the settings that shape the model: a changed one retrains
   * @param trainedFrom first snapshot date of the final model's training rows
   * @param trainedTo last (the run date less the horizon, or earlier)
   * @param slotFeatures the source feature of each slot of the encoded vector
   * @param coefficients LR only: one per slot; {@code intercept} likewise
   */
  record Entry(String version, String trainedOn, String kind, String specification, List<String> features,
      List<String> numeric, int horizonDays, String trainedFrom, String trainedTo, long trainingRows,
      long trainingChurned, double plattA, double plattB, List<String> slotFeatures, double[] coefficients,
      double intercept, List<String> cutoffs, long testRows, long testChurned, List<Figure> figures,
      String statusReason) {
    LocalDate trainedOnDate() {
      return LocalDate.parse(trainedOn);
    }
  }

  /**
   * A night's decision that the model stays off (a gate failed), kept so the nights after it do not
   * build the training set and run the backtest again to reach the same answer; re-decided like a
   * model is retrained ({@code churn-model.retrain-every-days}), or at once when the settings that
   * shape the model or the gates change.
   *
   * @param specification hash of the model's settings and the gates
   * @param gates every gate's number, as the night measured them
   */
  record OffDecision(String decidedOn, String specification, String reason, List<ChurnModelRun.Gate> gates) {
    LocalDate decidedOnDate() {
      return LocalDate.parse(decidedOn);
    }
  }

  /** Where the off decisions go, one file per night that decided: {@code _models/churn/off/<date>.json}. */
  static final String OFF = "off";

  private final SparkSession spark;
  private final Path root;

  ModelRegistry(SparkSession spark, Lake lake) {
    this.spark = spark;
    this.root = new Path(lake.root(), FOLDER);
  }

  String location(String version) {
    return new Path(root, version).toString();
  }

  /** Writes a version: its encoder, its trees if any, then model.json last (a version without it is incomplete). */
  void save(Entry entry, ChurnModel.Fitted fitted) {
    Path dir = new Path(root, entry.version());
    try {
      fitted.encoder().write().overwrite().save(new Path(dir, "encoder").toString());
      if (fitted.scorer() instanceof ChurnModel.Trees trees) {
        trees.trees().model().write().overwrite().save(new Path(dir, "trees").toString());
      }
      FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(new Path(dir, MODEL_JSON), true)) {
        out.write(JSON.writeValueAsBytes(entry));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the churn model " + dir, e);
    }
  }

  /** Records that the model is off as of its date (the night's file replaced if it decided before). */
  void saveOff(OffDecision decision) {
    Path file = new Path(new Path(root, OFF), decision.decidedOn() + ".json");
    try (OutputStream out = file.getFileSystem(spark.sparkContext().hadoopConfiguration()).create(file, true)) {
      out.write(JSON.writeValueAsBytes(decision));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the churn model's off decision " + file, e);
    }
  }

  /** Removes the off decision of {@code date}, if any: a model registered that day supersedes it. */
  void removeOff(LocalDate date) {
    Path file = new Path(new Path(root, OFF), date + ".json");
    try {
      file.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(file, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the churn model's off decision " + file, e);
    }
  }

  /** The newest off decision taken on or before {@code date}, if any. */
  Optional<OffDecision> latestOff(LocalDate date) {
    Path folder = new Path(root, OFF);
    try {
      FileSystem fs = folder.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(folder)) {
        return Optional.empty();
      }
      List<OffDecision> out = new java.util.ArrayList<>();
      for (FileStatus file : fs.listStatus(folder)) {
        if (file.getPath().getName().endsWith(".json")) {
          try (InputStream in = fs.open(file.getPath())) {
            out.add(JSON.readValue(in, OffDecision.class));
          }
        }
      }
      return out.stream().filter(d -> !d.decidedOnDate().isAfter(date)).max(Comparator.comparing(OffDecision::decidedOnDate));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the churn model's off decisions " + folder, e);
    }
  }

  /** The newest complete version trained on or before {@code date}, if any. */
  Optional<Entry> latest(LocalDate date) {
    return versions().stream().filter(e -> !e.trainedOnDate().isAfter(date))
        .max(Comparator.comparing(Entry::trainedOnDate).thenComparing(Entry::version));
  }

  Optional<Entry> version(String version) {
    return versions().stream().filter(e -> e.version().equals(version)).findFirst();
  }

  private List<Entry> versions() {
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(root)) {
        return List.of();
      }
      List<Entry> out = new java.util.ArrayList<>();
      for (FileStatus dir : fs.listStatus(root)) {
        Path json = new Path(dir.getPath(), MODEL_JSON);
        // The off folder holds decisions, not a version (no model.json).
        if (dir.isDirectory() && fs.exists(json)) {
          try (InputStream in = fs.open(json)) {
            out.add(JSON.readValue(in, Entry.class));
          }
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the churn model registry " + root, e);
    }
  }

  /** The fitted model of a version, as it was saved. */
  ChurnModel.Fitted load(Entry entry) {
    Path dir = new Path(root, entry.version());
    PipelineModel encoder = PipelineModel.load(new Path(dir, "encoder").toString());
    ChurnModel.Scorer scorer = entry.kind().equals(ChurnModel.Kind.GRADIENT_BOOSTED_TREES.id())
        ? ChurnModel.Scorer.of(GbtScorer.of(GBTClassificationModel.load(new Path(dir, "trees").toString())))
        : new ChurnModel.Linear(entry.coefficients(), entry.intercept());
    return new ChurnModel.Fitted(ChurnModel.Kind.valueOf(entry.kind().toUpperCase(java.util.Locale.ROOT)), encoder,
        scorer, new Platt(entry.plattA(), entry.plattB()), entry.slotFeatures());
  }
}
