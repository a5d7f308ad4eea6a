package io.fleetlearn.scoring;

import io.fleetlearn.training.XgbTrainer;
import java.util.Arrays;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Scores with xgboost4j itself ({@code Booster.inplace_predict}, no DMatrix, where the booster
 * supports it): the fallback for models that {@link TreeEnsemble} does not support, and the
 * reference it is tested against. Holds a native booster until {@link #close()}; calls are
 * serialised so that closing never races a prediction.
 */
public final class XgbEvaluator implements ModelEvaluator {
  private final int numFeatures;
  private Booster booster;
  private boolean inplace = true;

  private XgbEvaluator(Booster booster, int numFeatures) {
    this.booster = booster;
    this.numFeatures = numFeatures;
  }

  /** Loads a model from its UBJ bytes. */
  public static XgbEvaluator load(byte[] ubj) throws XGBoostError {
    Booster b = XgbTrainer.load(ubj);
    try {
      return new XgbEvaluator(b, (int) b.getNumFeature());
    } catch (XGBoostError | RuntimeException e) {
      b.dispose();
      throw e;
    }
  }

  /** Takes ownership of {@code booster}: closing the evaluator disposes it. */
  public static XgbEvaluator wrap(Booster booster) throws XGBoostError {
    return new XgbEvaluator(booster, (int) booster.getNumFeature());
  }

  @Override
  public float predict(float[] row) {
    float[] out = new float[1];
    predict(row, 1, row.length, out);
    return out[0];
  }

  @Override
  public synchronized void predict(float[] data, int rows, int cols, float[] out) {
    if (booster == null) {
      throw new IllegalStateException("evaluator closed");
    }
    if (rows == 0) {
      return;
    }
    try {
      float[][] p;
      if (inplace) {
        try {
          p = booster.inplace_predict(data, rows, cols, Float.NaN);
        } catch (XGBoostError e) {
          // Some boosters (gblinear) have no in-place prediction: use a DMatrix from now on.
          inplace = false;
          p = predictWithMatrix(data, rows, cols);
        }
      } else {
        p = predictWithMatrix(data, rows, cols);
      }
      for (int i = 0; i < rows; i++) {
        out[i] = p[i][0];
      }
    } catch (XGBoostError e) {
      throw new IllegalStateException("xgboost4j could not score: " + e.getMessage(), e);
    }
  }

  private float[][] predictWithMatrix(float[] data, int rows, int cols) throws XGBoostError {
    float[] exact = data.length == rows * cols ? data : Arrays.copyOf(data, rows * cols);
    DMatrix m = new DMatrix(exact, rows, cols, Float.NaN);
    try {
      return booster.predict(m);
    } finally {
      m.dispose();
    }
  }

  @Override
  public int features() {
    return numFeatures;
  }

  @Override
  public String kind() {
    return "xgboost4j";
  }

  @Override
  public synchronized void close() {
    if (booster != null) {
      booster.dispose();
      booster = null;
    }
  }
}
