package io.fleetlearn.metrics;

import java.io.Serializable;
import java.util.Objects;

/**
 * Where a JVM's metrics endpoint listens, as the pipeline's DoFns receive it (they never see
 * pipeline options): on or off, the bind address, and the port or port range. The default bind
 * address is the loopback interface; a Prometheus on another host needs {@code 0.0.0.0} or the
 * host's address.
 */
public final class MetricsConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
  public static final String DEFAULT_PORTS = "9250-9259";

  private static final MetricsConfig DISABLED =
      new MetricsConfig(false, DEFAULT_BIND_ADDRESS, PortRange.parse(DEFAULT_PORTS));

  private final boolean enabled;
  private final String bindAddress;
  private final PortRange ports;

  private MetricsConfig(boolean enabled, String bindAddress, PortRange ports) {
    if (bindAddress == null || bindAddress.isBlank()) {
      throw new IllegalArgumentException("metrics bind address must not be empty");
    }
    this.enabled = enabled;
    this.bindAddress = bindAddress.trim();
    this.ports = Objects.requireNonNull(ports, "ports");
  }

  /** Metrics are still counted in memory, but no endpoint is opened. */
  public static MetricsConfig disabled() {
    return DISABLED;
  }

  /** An endpoint on {@code bindAddress}, on the first free port of {@code ports}. */
  public static MetricsConfig endpoint(String bindAddress, String ports) {
    return new MetricsConfig(true, bindAddress, PortRange.parse(ports));
  }

  public static MetricsConfig of(boolean enabled, String bindAddress, String ports) {
    return new MetricsConfig(enabled, bindAddress, PortRange.parse(ports));
  }

  public boolean enabled() {
    return enabled;
  }

  public String bindAddress() {
    return bindAddress;
  }

  public PortRange ports() {
    return ports;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof MetricsConfig)) {
      return false;
    }
    MetricsConfig c = (MetricsConfig) o;
    return enabled == c.enabled && bindAddress.equals(c.bindAddress) && ports.equals(c.ports);
  }

  @Override
  public int hashCode() {
    return Objects.hash(enabled, bindAddress, ports);
  }

  @Override
  public String toString() {
    return enabled ? "metrics on " + bindAddress + ":" + ports : "metrics endpoint disabled";
  }
}
