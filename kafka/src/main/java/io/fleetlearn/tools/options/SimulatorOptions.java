package io.fleetlearn.tools.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** Options of the sensor simulator ({@code simulate}, and the simulator inside {@code demo}). */
public interface SimulatorOptions extends KafkaOptions {
  @Description("Number of simulated machines (press-000, press-001, ...).")
  @Default.Integer(8)
  int getMachines();

  void setMachines(int value);

  @Description("Events per second per machine.")
  @Default.Double(20)
  double getEventsPerSecond();

  void setEventsPerSecond(double value);

  @Description("Random seed: the same seed produces the same events.")
  @Default.Long(42)
  long getSeed();

  void setSeed(long value);

  @Description("Machines (indices or ids, comma-separated) whose data drifts; empty for none.")
  @Default.String("")
  String getDriftMachines();

  void setDriftMachines(String value);

  @Description(
      "Whether a drifting machine's defect process is also replaced by another (concept drift), or"
          + " only its features' means move (data drift: the same relation on the moved readings).")
  @Default.Boolean(true)
  boolean getDriftChangesRelation();

  void setDriftChangesRelation(boolean value);

  @Description("When drift starts, counted from the simulator's start (e.g. 2m).")
  @Default.String("0s")
  String getDriftAfter();

  void setDriftAfter(String value);

  @Description("Size of the injected mean shift, in noise standard deviations of the feature.")
  @Default.Double(3)
  double getDriftMagnitude();

  void setDriftMagnitude(double value);

  @Description("Features that drift (comma-separated).")
  @Default.String("vibration")
  String getDriftFeatures();

  void setDriftFeatures(String value);

  @Description(
      "Fraction of records that are deliberately malformed (they go to the dead-letter topic).")
  @Default.Double(0)
  double getMalformedRatio();

  void setMalformedRatio(double value);

  @Description("Fraction of events that carry the defect label.")
  @Default.Double(1)
  double getLabelRatio();

  void setLabelRatio(double value);

  @Description("How long to run, e.g. 90s or 10m (0s = until Ctrl-C).")
  @Default.String("0s")
  String getDuration();

  void setDuration(String value);
}
