package io.fleetlearn.scoring;

import io.fleetlearn.training.XgbTrainer;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Loads a model's UBJ bytes into the fastest evaluator that scores it exactly: the pure-Java {@link
 * TreeEnsemble}, read from the UBJ bytes without xgboost4j, when the model is a supported tree
 * ensemble; otherwise {@link XgbEvaluator}.
 */
public final class ModelEvaluators {
  private ModelEvaluators() {}

  public static ModelEvaluator load(byte[] ubj) throws XGBoostError {
    try {
      return TreeEnsemble.fromUbj(ubj);
    } catch (UnsupportedModelException e) {
      // Not a tree ensemble this evaluator supports (or not a model: xgboost4j says why).
      return XgbEvaluator.wrap(XgbTrainer.load(ubj));
    }
  }
}
