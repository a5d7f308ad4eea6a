package io.fleetlearn.job.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** Per-machine training, promotion and registry retention. */
public interface TrainingOptions extends ModelParamsOptions {
  @Description("Feature names in model column order (comma-separated).")
  @Default.String("temperature,vibration,pressure,current")
  String getFeatures();

  void setFeatures(String value);

  @Description("Most events kept per machine and window (uniform reservoir sample).")
  @Default.Integer(2000)
  int getReservoirCapacity();

  void setReservoirCapacity(int value);

  @Description("Fewest labelled events a window needs before a model is trained (else SKIPPED).")
  @Default.Integer(50)
  int getMinLabelledEvents();

  void setMinLabelledEvents(int value);

  @Description("Fewest events of each class (defect / no defect) a window needs (else SKIPPED).")
  @Default.Integer(5)
  int getMinPerClass();

  void setMinPerClass(int value);

  @Description("Score threshold at or above which an event is predicted defective.")
  @Default.Double(0.5)
  double getDecisionThreshold();

  void setDecisionThreshold(double value);

  @Description("Metric the promotion policy compares: auc, f1, precision, recall, accuracy.")
  @Default.String("auc")
  String getPromotionMetric();

  void setPromotionMetric(String value);

  @Description(
      "Choose a champion's alert threshold again on its scores of the later windows it never"
          + " trained on, each time the defects among them have doubled (or at once when its"
          + " threshold misses --minAlertPrecision on them), and publish it as a new version of the"
          + " same model. One window's validation split holds too few defects for a threshold at"
          + " 150-300 events a window. See docs/served-models.md#recalibration.")
  @Default.Boolean(true)
  boolean getRecalibrateThresholds();

  void setRecalibrateThresholds(boolean value);

  @Description("A challenger must beat the champion by at least this on the same holdout.")
  @Default.Double(0.01)
  double getMinImprovement();

  void setMinImprovement(double value);

  @Description(
      "A challenger scoring below this on its holdout is never promoted, not even as a machine's"
          + " first model (AUC 0.5: no better than chance). 0 turns the floor off.")
  @Default.Double(0.5)
  double getPromotionFloor();

  void setPromotionFloor(double value);

  @Description(
      "The champion counts as decayed when its score on fresh data falls this far below its"
          + " score at training; a decayed champion is replaced by any challenger at least as good.")
  @Default.Double(0.05)
  double getDecayTolerance();

  void setDecayTolerance(double value);

  @Description(
      "Start the registry from the model-updates topic: a machine without a champion in state (or"
          + " with an older one than the topic's) adopts the model of its latest record there (sha256"
          + " verified; a warm start from `train --publishModels` included), and its versions"
          + " continue after the topic's highest. false: machines start without a champion.")
  @Default.Boolean(true)
  boolean getSeedFromModelUpdates();

  void setSeedFromModelUpdates(boolean value);

  @Description("A machine silent for this long (event time) has its registry state cleared.")
  @Default.String("7d")
  String getStateRetention();

  void setStateRetention(String value);
}
