package io.fleetlearn.monitor;

import io.fleetlearn.metrics.PortRange;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * What the fleet monitor reads and how it exports.
 *
 * @param modelUpdatesTopic the compacted model-updates topic
 * @param driftMetricsTopic the drift-metrics topic
 * @param worstMachines how many of the worst machines get per-machine series
 * @param watchMachines machines that always get per-machine series
 * @param bindAddress address of the monitor's metrics endpoint
 * @param ports port or port range of the endpoint
 * @param refreshInterval how often gauges are recomputed from the state
 */
public record MonitorConfig(
    String modelUpdatesTopic,
    String driftMetricsTopic,
    int worstMachines,
    Set<String> watchMachines,
    String bindAddress,
    PortRange ports,
    Duration refreshInterval) {
  /** Most machines exported individually (worst plus watched): the cardinality guard's cap. */
  public static final int MAX_EXPORTED = 1000;

  public MonitorConfig {
    Objects.requireNonNull(modelUpdatesTopic, "modelUpdatesTopic");
    Objects.requireNonNull(driftMetricsTopic, "driftMetricsTopic");
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(ports, "ports");
    watchMachines = Set.copyOf(watchMachines);
    if (worstMachines < 0 || worstMachines + watchMachines.size() > MAX_EXPORTED) {
      throw new IllegalArgumentException(
          "worstMachines ("
              + worstMachines
              + ") plus watched machines ("
              + watchMachines.size()
              + ") must be between 0 and "
              + MAX_EXPORTED);
    }
    if (refreshInterval.isNegative() || refreshInterval.isZero()) {
      throw new IllegalArgumentException("refresh interval must be positive: " + refreshInterval);
    }
  }
}
