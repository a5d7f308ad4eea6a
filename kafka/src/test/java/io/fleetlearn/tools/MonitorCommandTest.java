package io.fleetlearn.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fleetlearn.metrics.PortRange;
import io.fleetlearn.monitor.MonitorConfig;
import io.fleetlearn.tools.options.MonitorOptions;
import java.time.Duration;
import java.util.Set;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

class MonitorCommandTest {
  @Test
  void monitorFlagsBuildItsConfig() {
    MonitorOptions o =
        PipelineOptionsFactory.fromArgs(
                "--worstMachines=5",
                "--watchMachines=press-017, press-003,",
                "--monitorPorts=9400-9401",
                "--monitorRefreshInterval=2s",
                "--modelUpdatesTopic=mu",
                "--driftMetricsTopic=dm")
            .as(MonitorOptions.class);
    MonitorConfig c = MonitorCommand.config(o);
    assertEquals(5, c.worstMachines());
    assertEquals(Set.of("press-017", "press-003"), c.watchMachines());
    assertEquals(PortRange.of(9400, 9401), c.ports());
    assertEquals("127.0.0.1", c.bindAddress());
    assertEquals(Duration.ofSeconds(2), c.refreshInterval());
    assertEquals("mu", c.modelUpdatesTopic());
    assertEquals("dm", c.driftMetricsTopic());

    MonitorConfig d =
        MonitorCommand.config(PipelineOptionsFactory.fromArgs().as(MonitorOptions.class));
    assertEquals(20, d.worstMachines());
    assertEquals(PortRange.of(9260, 9260), d.ports());
  }
}
