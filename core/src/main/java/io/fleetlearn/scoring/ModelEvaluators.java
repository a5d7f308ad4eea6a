package io.fleetlearn.scoring;

import io.fleetlearn.training.XgbTrainer;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Loads a model's UBJ bytes into the fastest evaluator that scores it exactly: the pure-Java {@link
 * TreeEnsemble} when the model is a supported tree ensemble, otherwise {@link XgbEvaluator}.
 * xgboost4j is used once per load (to read UBJ and write the JSON form), never per event.
 */
public final class ModelEvaluators {
  private ModelEvaluators() {}

  public static ModelEvaluator load(byte[] ubj) throws XGBoostError {
    Booster b = XgbTrainer.load(ubj);
    boolean keep = false;
    try {
      try {
        TreeEnsemble t = TreeEnsemble.fromJson(b.toByteArray("json"));
        if (t.features() > b.getNumFeature()) {
          throw new UnsupportedModelException("feature count disagrees with the booster");
        }
        return t;
      } catch (UnsupportedModelException e) {
        XgbEvaluator fallback = XgbEvaluator.wrap(b);
        keep = true;
        return fallback;
      }
    } finally {
      if (!keep) {
        b.dispose();
      }
    }
  }

  /** The pure-Java evaluator of {@code ubj}, or why there is none. */
  public static TreeEnsemble trees(byte[] ubj) throws XGBoostError, UnsupportedModelException {
    Booster b = XgbTrainer.load(ubj);
    try {
      return TreeEnsemble.fromJson(b.toByteArray("json"));
    } finally {
      b.dispose();
    }
  }
}
