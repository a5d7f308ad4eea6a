package io.fleetlearn.job.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** The holdout and XGBoost parameters that streaming and batch training share. */
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
}
