package io.fleetlearn.tools;

import io.fleetlearn.command.Command;
import io.fleetlearn.command.Durations;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.KafkaReadiness;
import io.fleetlearn.metrics.PortRange;
import io.fleetlearn.monitor.FleetMonitor;
import io.fleetlearn.monitor.MonitorConfig;
import io.fleetlearn.tools.options.KafkaOptions;
import io.fleetlearn.tools.options.MonitorOptions;
import java.io.PrintStream;
import java.net.BindException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * {@code monitor}: the fleet monitor against an existing Kafka, until Ctrl-C. Per-machine gauges
 * for the worst machines and fleet aggregates, in the Prometheus format.
 */
public final class MonitorCommand extends Command {
  public MonitorCommand() {
    super(
        "monitor",
        "export per-machine and fleet gauges from an existing Kafka's model-updates and drift-metrics topics for Prometheus",
        "Reads the model-updates and drift-metrics topics of an existing Kafka (--bootstrapServers\n"
            + "is required) and serves per-machine gauges for the --worstMachines worst machines (and\n"
            + "--watchMachines) plus fleet aggregates on http://127.0.0.1:9260/metrics until Ctrl-C.");
  }

  @Override
  public List<Class<? extends PipelineOptions>> options() {
    return List.of(MonitorOptions.class, KafkaOptions.class);
  }

  @Override
  public int run(String[] args, PrintStream out) throws Exception {
    MonitorOptions o = parse(args, MonitorOptions.class);
    KafkaClientConfig kafka = KafkaClientConfig.of(o.getBootstrapServers(), o.getKafkaProperties());
    KafkaReadiness.await(
        kafka,
        java.time.Duration.ofMillis(Durations.parse(o.getKafkaWaitTimeout()).getMillis()),
        out::println);
    MonitorConfig config = config(o);
    FleetMonitor monitor;
    try {
      monitor = FleetMonitor.start(kafka, config);
    } catch (BindException e) {
      out.println("Cannot start the fleet monitor: " + e.getMessage() + " (see --monitorPorts)");
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopped.countDown();
                  try {
                    closed.await(15, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
    try (monitor) {
      out.printf(
          "Fleet monitor: %s (worst %d machines%s; reading %s and %s). Ctrl-C stops it.%n",
          monitor.url(),
          config.worstMachines(),
          config.watchMachines().isEmpty() ? "" : " + watch list " + config.watchMachines(),
          config.modelUpdatesTopic(),
          config.driftMetricsTopic());
      stopped.await();
    } finally {
      closed.countDown();
    }
    return 0;
  }

  /** The monitor's configuration from options. */
  public static MonitorConfig config(MonitorOptions o) {
    Set<String> watch = new LinkedHashSet<>();
    Arrays.stream(o.getWatchMachines().split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .forEach(watch::add);
    return new MonitorConfig(
        o.getModelUpdatesTopic(),
        o.getDriftMetricsTopic(),
        o.getWorstMachines(),
        watch,
        o.getMonitorBindAddress(),
        PortRange.parse(o.getMonitorPorts()),
        Duration.ofMillis(Durations.parse(o.getMonitorRefreshInterval()).getMillis()));
  }
}
