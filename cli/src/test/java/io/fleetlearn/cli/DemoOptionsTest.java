package io.fleetlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.cli.options.DemoOptions;
import io.fleetlearn.job.RetrainingJob;
import io.fleetlearn.tools.MonitorCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {
  @Test
  void theDemoAcceptsPipelineMetricsAndMonitorFlagsTogether() {
    DemoOptions o =
        RetrainingJob.configure(
            new DemoCommand()
                .parse(
                    new String[] {"--metricsPorts=0", "--monitorPorts=0", "--worstMachines=3"},
                    DemoOptions.class));
    assertEquals("0", o.getMetricsPorts());
    assertEquals(3, MonitorCommand.config(o).worstMachines());
    assertEquals("20s", o.getWindowSize(), "the demo's own window");
    assertEquals(
        5000L,
        (long)
            o.as(org.apache.beam.runners.flink.FlinkPipelineOptions.class)
                .getCheckpointingInterval());
  }

  @Test
  void theDemosHelpPrintsTheDefaultsTheDemoUses() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    assertEquals(0, Main.run(new String[] {"demo", "--help"}, out, out));
    String help = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(help.contains("--windowSize=String  (default: 20s)"), help);
    assertTrue(help.contains("--checkpointingInterval=Long  (default: 5000)"), help);
    assertTrue(help.contains("--machines=int  (default: 6)"), help);
    // Each option once: the run options are not printed again through a composite interface.
    assertEquals(1, help.split("--windowSize=", -1).length - 1, help);
  }

  @Test
  void everyCommandOfTheJobJarIsInTheCommandLineJar() {
    for (var c : io.fleetlearn.job.Main.commands()) {
      assertTrue(Main.commands().stream().anyMatch(d -> d.name().equals(c.name())), c.name());
    }
  }
}
