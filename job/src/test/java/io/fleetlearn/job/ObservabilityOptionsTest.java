package io.fleetlearn.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.ModelUpdatesSeeds;
import io.fleetlearn.job.options.RetrainingOptions;
import io.fleetlearn.metrics.MetricsConfig;
import io.fleetlearn.metrics.PortRange;
import io.fleetlearn.registry.RegistrySeeds;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ObservabilityOptionsTest {
  @Test
  void workersExposeMetricsOnLoopbackInTheDefaultPortRange() {
    RetrainingOptions o = RetrainingJob.parseOptions(new String[0], RetrainingOptions.class);
    assertEquals(
        MetricsConfig.endpoint("127.0.0.1", "9250-9259"), RetrainingJob.config(o).metrics());
  }

  @Test
  void metricsFlagsReachTheDoFnsConfig() {
    RetrainingOptions o =
        RetrainingJob.parseOptions(
            new String[] {"--metricsBindAddress=0.0.0.0", "--metricsPorts=9300-9303"},
            RetrainingOptions.class);
    MetricsConfig c = RetrainingJob.config(o).metrics();
    assertTrue(c.enabled());
    assertEquals("0.0.0.0", c.bindAddress());
    assertEquals(PortRange.of(9300, 9303), c.ports());
    RetrainingOptions off =
        RetrainingJob.parseOptions(
            new String[] {"--metricsEnabled=false"}, RetrainingOptions.class);
    assertFalse(RetrainingJob.config(off).metrics().enabled());
    RetrainingOptions bad =
        RetrainingJob.parseOptions(new String[] {"--metricsPorts=nine"}, RetrainingOptions.class);
    assertThrows(IllegalArgumentException.class, () -> RetrainingJob.config(bad));
  }

  @Test
  void theRegistryStartsFromTheModelUpdatesTopicUnlessTurnedOff() throws Exception {
    KafkaClientConfig kafka = KafkaClientConfig.of("127.0.0.1:9", "");
    RetrainingOptions on =
        RetrainingJob.parseOptions(
            new String[] {"--modelUpdatesTopic=mu"}, RetrainingOptions.class);
    assertTrue(on.getSeedFromModelUpdates());
    assertTrue(RetrainingJob.seeds(on, kafka) instanceof ModelUpdatesSeeds);
    RetrainingOptions off =
        RetrainingJob.parseOptions(
            new String[] {"--seedFromModelUpdates=false"}, RetrainingOptions.class);
    assertTrue(RetrainingJob.seeds(off, kafka) instanceof RegistrySeeds.NoSeeds);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    assertEquals(
        0,
        Main.run(
            new String[] {"run", "--help"}, new PrintStream(bytes, true, StandardCharsets.UTF_8)));
    String help = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(help.contains("--seedFromModelUpdates"), help);
    assertTrue(help.contains("Start the registry from the model-updates topic"), help);
  }

  @Test
  void helpListsTheMonitorCommandAndItsOptions() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    assertEquals(0, Main.run(new String[] {"--help"}, out));
    assertEquals(0, Main.run(new String[] {"monitor", "--help"}, out));
    assertEquals(0, Main.run(new String[] {"run", "--help"}, out));
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("  monitor "), text);
    assertTrue(text.contains("--worstMachines"), text);
    assertTrue(text.contains("--metricsPorts"), text);
  }
}
