package io.fleetlearn.cli.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/**
 * Options of {@code soak}: the demo's (pipeline, simulator, monitor) plus the load, the sampling
 * and the results file. The soak changes some defaults (see {@code SoakCommand}); flags given
 * explicitly win.
 */
public interface SoakOptions extends DemoOptions {
  @Description(
      "Total events per second over the fleet (machines x events per second); 0 = --machines x"
          + " --eventsPerSecond. The default is twice the sustainable rate measured on 2 cores"
          + " (docs/reliability.md).")
  @Default.Double(0)
  double getRate();

  void setRate(double value);

  @Description("How often to sample heap, lag and throughput.")
  @Default.String("30s")
  String getSampleInterval();

  void setSampleInterval(String value);

  @Description(
      "After the load stops, how long to wait for the consumer lag to return to zero before the"
          + " soak counts as failed.")
  @Default.String("10m")
  String getRecoveryTimeout();

  void setRecoveryTimeout(String value);

  @Description(
      "Extra machines (transient-000, ...) that send only during --transientFor and then fall"
          + " silent, so that their registry entries expire after --stateRetention.")
  @Default.Integer(5)
  int getTransientMachines();

  void setTransientMachines(int value);

  @Description("How long the transient machines send.")
  @Default.String("2m")
  String getTransientFor();

  void setTransientFor(String value);

  @Description("Maximum heap of the embedded broker's JVM.")
  @Default.String("1g")
  String getBrokerHeap();

  void setBrokerHeap(String value);

  @Description("Markdown file the results are written to.")
  @Default.String("benchmarks/soak.md")
  String getOutput();

  void setOutput(String value);
}
