package io.fleetlearn.training;

import io.fleetlearn.dataset.WindowSample;
import java.util.Collections;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Trains one machine's binary defect model on a window sample with xgboost4j and measures it on a
 * stratified holdout. Pure function of its inputs (deterministic for a given sample and
 * parameters); every native object is released in {@code finally}.
 */
public final class XgbTrainer implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** The format models travel in: XGBoost's own Universal Binary JSON. */
  public static final String MODEL_FORMAT = "ubj";

  private final TrainingParams params;

  public XgbTrainer(TrainingParams params) {
    this.params = params;
  }

  public TrainingParams params() {
    return params;
  }

  /** Trains on the labelled rows of {@code sample}, or explains why it cannot. */
  public TrainingResult train(WindowSample sample) {
    int n = sample.size();
    byte[] labels = sample.labelArray();
    int labelled = 0;
    int positives = 0;
    for (int i = 0; i < n; i++) {
      if (labels[i] >= 0) {
        labelled++;
        positives += labels[i];
      }
    }
    int negatives = labelled - positives;
    if (labelled == 0) {
      return TrainingResult.skipped(
          "no labelled events in the window (" + sample.seen() + " events)");
    }
    if (positives == 0 || negatives == 0) {
      return TrainingResult.skipped(
          "single class: all "
              + labelled
              + " labelled events are "
              + (positives == 0 ? "non-defects" : "defects"));
    }
    if (labelled < params.minLabelledEvents()) {
      return TrainingResult.skipped(
          "too few labelled events: " + labelled + " < " + params.minLabelledEvents());
    }
    if (Math.min(positives, negatives) < params.minPerClass()) {
      return TrainingResult.skipped(
          "too few "
              + (positives < negatives ? "defects" : "non-defects")
              + ": "
              + Math.min(positives, negatives)
              + " < "
              + params.minPerClass()
              + " per class");
    }
    HoldoutSplit split =
        HoldoutSplit.stratified(labels, sample.priorityArray(), n, params.holdoutFraction());
    long start = System.nanoTime();
    FeatureMatrix train =
        FeatureMatrix.gather(sample.featureArray(), labels, sample.dim(), split.trainRows());
    byte[] model;
    float[] sampleScores;
    try {
      Booster booster = trainBooster(train);
      try {
        // Every row in one call: the holdout's scores for the metrics, and all of them for the
        // registry's reference profile, which would otherwise load the model again to get them.
        sampleScores = predict(booster, sample.featureArray(), n, sample.dim());
        model = booster.toByteArray(MODEL_FORMAT);
      } finally {
        booster.dispose();
      }
    } catch (XGBoostError e) {
      return TrainingResult.skipped("XGBoost failed: " + e.getMessage());
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    // The holdout's scores and labels, picked out of the whole sample's.
    int[] holdoutRows = split.holdoutRows();
    float[] scores = new float[holdoutRows.length];
    byte[] holdoutLabels = new byte[holdoutRows.length];
    for (int i = 0; i < holdoutRows.length; i++) {
      scores[i] = sampleScores[holdoutRows[i]];
      holdoutLabels[i] = labels[holdoutRows[i]];
    }
    ClassificationMetrics m =
        BinaryMetrics.compute(scores, holdoutLabels, holdoutRows.length, params.threshold());
    return TrainingResult.trained(model, m, train.rows(), holdoutRows, millis, sampleScores);
  }

  private Booster trainBooster(FeatureMatrix train) throws XGBoostError {
    DMatrix d = new DMatrix(train.data(), train.rows(), train.cols(), Float.NaN);
    try {
      d.setLabel(train.labels());
      return XGBoost.train(
          d, params.boosterParams(), params.rounds(), Collections.emptyMap(), null, null);
    } finally {
      d.dispose();
    }
  }

  /** Scores rows of a row-major matrix with a booster, without building a DMatrix. */
  public static float[] predict(Booster booster, float[] data, int rows, int cols)
      throws XGBoostError {
    if (rows == 0) {
      return new float[0];
    }
    float[][] p = booster.inplace_predict(data, rows, cols, Float.NaN);
    float[] out = new float[rows];
    for (int i = 0; i < rows; i++) {
      out[i] = p[i][0];
    }
    return out;
  }

  /** Loads a model from its UBJ bytes; the caller disposes it. */
  public static Booster load(byte[] model) throws XGBoostError {
    try {
      return XGBoost.loadModel(model);
    } catch (java.io.IOException e) {
      throw new XGBoostError("cannot read model: " + e.getMessage());
    }
  }

  /** Scores a holdout with a stored model, e.g. the champion on a challenger's holdout. */
  public static ClassificationMetrics evaluate(
      byte[] model, FeatureMatrix holdout, double threshold) throws XGBoostError {
    Booster b = load(model);
    try {
      float[] s = predict(b, holdout.data(), holdout.rows(), holdout.cols());
      return BinaryMetrics.compute(s, holdout.labelBytes(), holdout.rows(), threshold);
    } finally {
      b.dispose();
    }
  }
}
