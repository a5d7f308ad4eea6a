package io.fleetlearn.monitor;

import static io.fleetlearn.monitor.FleetRecords.metrics;
import static io.fleetlearn.monitor.FleetRecords.report;
import static io.fleetlearn.monitor.FleetRecords.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.drift.DriftReport;
import io.fleetlearn.metrics.PortRange;
import io.fleetlearn.registry.FleetModel;
import io.fleetlearn.registry.ModelUpdate;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FleetMonitorTest {
  private static MonitorConfig config(int worst) {
    return new MonitorConfig(
        "model-updates",
        "drift-metrics",
        worst,
        Set.of(),
        "127.0.0.1",
        PortRange.parse("0"),
        Duration.ofSeconds(5));
  }

  @Test
  void foldsPublishedRecordsAndCountsTheUnreadableOnes() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    FleetMonitor m = new FleetMonitor(config(20), registry, System::currentTimeMillis);
    m.accept(
        "model-updates",
        update("press-001", 2, ModelUpdate.Status.PROMOTED, metrics(0.91, 0.6), null, 3, 3)
            .toJson());
    m.accept(
        "drift-metrics",
        report("press-001", 3, DriftReport.Status.WARN, Map.of("vibration", 0.12), 0.1, 0.1)
            .toJson());
    m.accept("model-updates", "{not json".getBytes(StandardCharsets.UTF_8));
    m.accept("drift-metrics", "[]".getBytes(StandardCharsets.UTF_8));
    m.refresh();
    String text = m.scrape();
    assertEquals(1, m.machines());
    assertEquals(4, m.recordsRead());
    assertTrue(
        text.contains("fleetlearn_machine_model_version{machine_id=\"press-001\"} 2.0"), text);
    assertTrue(
        text.contains(
            "fleetlearn_monitor_records_total{result=\"unreadable\",topic=\"model-updates\"} 1.0"),
        text);
    assertTrue(
        text.contains(
            "fleetlearn_monitor_records_total{result=\"ok\",topic=\"drift-metrics\"} 1.0"),
        text);
    assertTrue(text.contains("fleetlearn_fleet_machines_by_drift_status{status=\"WARN\"} 1.0"));
  }

  @Test
  void theFleetModelIsNotAMachine() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    FleetMonitor m = new FleetMonitor(config(20), registry, System::currentTimeMillis);
    String fleet = FleetModel.ID;
    m.accept(
        "model-updates",
        update(fleet, 3, ModelUpdate.Status.PROMOTED, metrics(0.81, 0.5), null, 1, 1).toJson());
    m.accept(
        "model-updates",
        update(fleet, 3, ModelUpdate.Status.REJECTED, metrics(0.70, 0.4), null, 2, 2).toJson());
    m.accept(
        "model-updates",
        update("press-001", 1, ModelUpdate.Status.PROMOTED, metrics(0.91, 0.6), null, 1, 1)
            .toJson());
    m.refresh();
    String text = m.scrape();
    assertEquals(1, m.machines(), "only press-001 is a machine");
    assertTrue(text.contains("fleetlearn_fleet_model_version 3.0"), text);
    assertTrue(text.contains("fleetlearn_fleet_model_auc 0.81"), text);
    assertTrue(!text.contains(fleet), text);
  }

  @Test
  void theGuardIsCapped() {
    assertThrows(IllegalArgumentException.class, () -> config(MonitorConfig.MAX_EXPORTED + 1));
    assertThrows(IllegalArgumentException.class, () -> config(-1));
  }
}
