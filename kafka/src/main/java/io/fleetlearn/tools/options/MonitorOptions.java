package io.fleetlearn.tools.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/**
 * Options of the {@code monitor} command (and of the monitor inside {@code demo}): per-machine
 * gauges from the model-updates and drift-metrics topics, behind a cardinality guard.
 */
public interface MonitorOptions extends KafkaOptions {
  @Description(
      "Machines exported with per-machine series: the N worst (drifted first, by PSI; then lowest"
          + " champion AUC). All machines count in the fleet aggregates.")
  @Default.Integer(20)
  int getWorstMachines();

  void setWorstMachines(int value);

  @Description(
      "Machines (comma-separated ids) that always get per-machine series, worst or not, e.g. to"
          + " drill into them in Grafana.")
  @Default.String("")
  String getWatchMachines();

  void setWatchMachines(String value);

  @Description(
      "Address the monitor's metrics endpoint binds to (0.0.0.0 to be scraped from another host).")
  @Default.String("127.0.0.1")
  String getMonitorBindAddress();

  void setMonitorBindAddress(String value);

  @Description("Port or port range FROM-TO of the monitor's metrics endpoint; 0 = any free port.")
  @Default.String("9260")
  String getMonitorPorts();

  void setMonitorPorts(String value);

  @Description("How often the monitor recomputes its gauges, e.g. 5s.")
  @Default.String("5s")
  String getMonitorRefreshInterval();

  void setMonitorRefreshInterval(String value);
}
