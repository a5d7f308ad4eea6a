package io.fleetlearn.job.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * When the per-machine drift reports say WARN or DRIFT (docs/drift.md): each feature, the
 * champion's scores and the defect rate are tested, the p-values adjusted together (Holm), and a
 * test makes a WARN or DRIFT when it is significant at the level and its effect reaches the floor.
 */
public interface DriftOptions extends PipelineOptions {
  @Description(
      "Family-wise significance level of a WARN: a test makes a WARN when its Holm-adjusted p-value"
          + " is at most this (and its effect reaches the warn floor). A window without change is"
          + " WARN or DRIFT with probability at most this.")
  @Default.Double(0.01)
  double getAlphaWarn();

  void setAlphaWarn(double value);

  @Description(
      "Family-wise significance level of a DRIFT: a test makes a DRIFT when its Holm-adjusted"
          + " p-value is at most this (and its effect reaches the drift floor). A window without"
          + " change is DRIFT with probability at most this.")
  @Default.Double(0.001)
  double getAlphaDrift();

  void setAlphaDrift(double value);

  @Description(
      "Smallest PSI of a feature (or of the scores) that can make a WARN, however significant: the"
          + " effect floor that keeps large windows from warning about trivial shifts.")
  @Default.Double(0.1)
  double getPsiWarn();

  void setPsiWarn(double value);

  @Description(
      "Smallest PSI of a feature (or of the scores) that can make a DRIFT (drifted=true), however"
          + " significant.")
  @Default.Double(0.25)
  double getPsiDrift();

  void setPsiDrift(double value);

  @Description(
      "Smallest Cohen's h between the reference's and the window's defect rates that can make a"
          + " WARN (0.1: e.g. 8% to 10.9% or 5.5%).")
  @Default.Double(0.1)
  double getLabelHWarn();

  void setLabelHWarn(double value);

  @Description(
      "Smallest Cohen's h between the reference's and the window's defect rates that can make a"
          + " DRIFT (0.2: e.g. 8% to 14.2% or 3.4%).")
  @Default.Double(0.2)
  double getLabelHDrift();

  void setLabelHDrift(double value);

  @Description(
      "Fewest sampled events a window needs for drift statistics (else INSUFFICIENT_DATA).")
  @Default.Integer(100)
  int getMinDriftEvents();

  void setMinDriftEvents(int value);
}
