package io.fleetlearn.job.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The holdout, XGBoost parameters, the choice of served model among the candidates and the choice
 * of its alert threshold: what streaming and batch training share.
 */
public interface ModelParamsOptions extends PipelineOptions {
  @Description("Fraction of each class held out to measure the model (stratified).")
  @Default.Double(0.2)
  double getHoldoutFraction();

  void setHoldoutFraction(double value);

  @Description("XGBoost boosting rounds.")
  @Default.Integer(50)
  int getRounds();

  void setRounds(int value);

  @Description("XGBoost max_depth.")
  @Default.Integer(4)
  int getMaxDepth();

  void setMaxDepth(int value);

  @Description("XGBoost eta (learning rate).")
  @Default.Double(0.3)
  double getEta();

  void setEta(double value);

  @Description("Further XGBoost parameters as key=value,key=value (nthread is fixed at 1).")
  @Default.String("")
  String getXgboostParams();

  void setXgboostParams(String value);

  @Description(
      "Candidates a machine's (entity's) served model is chosen from, comma-separated: own (its"
          + " own rows only), fleet_tuned (the fleet model continued on its rows), fleet (the"
          + " fleet model as it is). The fleet model is the @fleet champion in the stream, the"
          + " global model in train.")
  @Default.String("own,fleet_tuned,fleet")
  String getModelCandidates();

  void setModelCandidates(String value);

  @Description(
      "Fraction of each class of the training rows held back to choose the served model and its"
          + " threshold (the holdout stays untouched for promotion and reporting).")
  @Default.Double(0.25)
  double getValidationFraction();

  void setValidationFraction(double value);

  @Description("Boosting rounds added to the fleet model on a machine's rows (fleet_tuned).")
  @Default.Integer(10)
  int getFleetTuneRounds();

  void setFleetTuneRounds(int value);

  @Description("XGBoost eta of the rounds added to the fleet model (fleet_tuned).")
  @Default.Double(0.1)
  double getFleetTuneEta();

  void setFleetTuneEta(double value);

  @Description(
      "Validation AUC by which a candidate must beat the fleet model (or fleet_tuned) to serve"
          + " instead of it.")
  @Default.Double(0.01)
  double getSelectionMargin();

  void setSelectionMargin(double value);

  @Description(
      "Share of paired bootstrap resamples of the validation rows in which that candidate must"
          + " also have the higher AUC.")
  @Default.Double(0.9)
  double getSelectionConfidence();

  void setSelectionConfidence(double value);

  @Description("Train the chosen candidate again on all training rows, validation rows included.")
  @Default.Boolean(true)
  boolean getRefitChosenModel();

  void setRefitChosenModel(boolean value);

  @Description(
      "How each model's alert threshold is chosen on the validation rows: f1 (highest F1),"
          + " precision (highest recall at --targetPrecision), cost (lowest cost with a missed"
          + " defect costing --missedDefectCost false alarms), fixed (--decisionThreshold). With"
          + " fewer than 8 validation rows of a class: the fleet model's threshold, else"
          + " --decisionThreshold.")
  @Default.String("f1")
  String getThresholdObjective();

  void setThresholdObjective(String value);

  @Description(
      "Every objective but fixed alerts only at thresholds whose precision on the validation rows"
          + " reaches this at the lower end of its 80% confidence interval; a model without such a"
          + " threshold alerts on nothing. 0 turns the floor off.")
  @Default.Double(0.7)
  double getMinAlertPrecision();

  void setMinAlertPrecision(double value);

  @Description(
      "Precision the threshold must reach with --thresholdObjective=precision, at the lower end of"
          + " its 80% confidence interval on the validation rows.")
  @Default.Double(0.8)
  double getTargetPrecision();

  void setTargetPrecision(double value);

  @Description(
      "Cost of a missed defect in false alarms, with --thresholdObjective=cost (5: one missed"
          + " defect costs as much as five false alarms).")
  @Default.Double(5)
  double getMissedDefectCost();

  void setMissedDefectCost(double value);

  /** The candidate and threshold settings of these options on a training parameters builder. */
  static io.fleetlearn.training.TrainingParams.Builder selection(
      ModelParamsOptions o, io.fleetlearn.training.TrainingParams.Builder b) {
    return b.candidates(o.getModelCandidates())
        .validationFraction(o.getValidationFraction())
        .fleetTuneRounds(o.getFleetTuneRounds())
        .fleetTuneEta(o.getFleetTuneEta())
        .selectionMargin(o.getSelectionMargin())
        .selectionConfidence(o.getSelectionConfidence())
        .refit(o.getRefitChosenModel())
        .thresholdObjective(o.getThresholdObjective())
        .targetPrecision(o.getTargetPrecision())
        .minAlertPrecision(o.getMinAlertPrecision())
        .missedDefectCost(o.getMissedDefectCost());
  }
}
