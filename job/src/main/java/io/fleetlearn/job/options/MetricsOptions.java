package io.fleetlearn.job.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The workers' own metrics endpoint (Prometheus format, one per JVM): events read, accepted and
 * dead-lettered, windows, training, decisions, lag. See docs/observability.md.
 */
public interface MetricsOptions extends PipelineOptions {
  @Description(
      "Expose each worker JVM's pipeline metrics in the Prometheus format on"
          + " http://ADDRESS:PORT/metrics.")
  @Default.Boolean(true)
  boolean getMetricsEnabled();

  void setMetricsEnabled(boolean value);

  @Description(
      "Address the workers' metrics endpoint binds to. 127.0.0.1 keeps it local; use 0.0.0.0 (or"
          + " the host's address) when Prometheus runs on another host.")
  @Default.String("127.0.0.1")
  String getMetricsBindAddress();

  void setMetricsBindAddress(String value);

  @Description(
      "Port or port range FROM-TO of the workers' metrics endpoint. Each JVM takes the first free"
          + " port, so several TaskManagers on one host share the range; 0 = any free port.")
  @Default.String("9250-9259")
  String getMetricsPorts();

  void setMetricsPorts(String value);
}
