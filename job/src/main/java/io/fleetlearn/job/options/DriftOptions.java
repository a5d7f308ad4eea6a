package io.fleetlearn.job.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Drift thresholds of the per-machine drift reports. */
public interface DriftOptions extends PipelineOptions {
  @Description("PSI at or above which a feature is reported in warnFeatures (status WARN).")
  @Default.Double(0.1)
  double getPsiWarn();

  void setPsiWarn(double value);

  @Description("PSI at or above which a feature counts as drifted (status DRIFT, drifted=true).")
  @Default.Double(0.25)
  double getPsiDrift();

  void setPsiDrift(double value);

  @Description(
      "Fewest sampled events a window needs for drift statistics (else INSUFFICIENT_DATA).")
  @Default.Integer(100)
  int getMinDriftEvents();

  void setMinDriftEvents(int value);
}
