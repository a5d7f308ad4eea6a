package io.fleetlearn.cli;

import io.fleetlearn.cli.options.DemoOptions;
import io.fleetlearn.command.Command;
import io.fleetlearn.command.Durations;
import io.fleetlearn.drift.DriftReport;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.KafkaClients;
import io.fleetlearn.io.TopicAdmin;
import io.fleetlearn.io.TopicSpec;
import io.fleetlearn.io.embedded.EmbeddedKafkaBroker;
import io.fleetlearn.job.RetrainingJob;
import io.fleetlearn.job.RunCommand;
import io.fleetlearn.metrics.MetricsConfig;
import io.fleetlearn.metrics.PipelineMetrics;
import io.fleetlearn.monitor.FleetMonitor;
import io.fleetlearn.registry.FleetModel;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.scoring.DefectPrediction;
import io.fleetlearn.sim.SimulatorConfig;
import io.fleetlearn.tools.MonitorCommand;
import io.fleetlearn.tools.SimulatorFactory;
import io.fleetlearn.tools.SimulatorRunner;
import io.fleetlearn.tools.Topics;
import io.fleetlearn.tools.UpdateFormatter;
import io.fleetlearn.tools.options.MonitorOptions;
import io.fleetlearn.tools.options.SimulatorOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code demo}: everything on one machine. A real single-node Kafka broker (KRaft) on 127.0.0.1 in
 * its own JVM, the sensor simulator, and the retraining pipeline on the Flink runner's embedded
 * mini-cluster; one line per model update, then a summary. Stops after {@code --duration} or on
 * Ctrl-C, and leaves nothing behind: job cancelled, broker stopped, data directory deleted.
 */
public final class DemoCommand extends Command {
  /** Defaults of the demo that differ from the job's, so models appear within a minute. */
  static final Map<String, String> DEMO_DEFAULTS =
      Command.ordered(
          "windowSize", "20s",
          "allowedLateness", "5s",
          "lateFiringDelay", "2s",
          "maxOutOfOrderness", "2s",
          "idleTimeout", "3s",
          "checkpointingInterval", "5000",
          "machines", "6",
          "eventsPerSecond", "25",
          "malformedRatio", "0.01",
          "driftMachines", "1",
          "driftAfter", "50s",
          // The drifting machine's readings move (wear); its defect mechanism stays. With the
          // simulator's default (the mechanism replaced too) the machine's alerts are wrong until
          // a model of the new mechanism is promoted: docs/served-models.md#live-alerts.
          "driftChangesRelation", "false",
          "duration", "100s");

  public DemoCommand() {
    super(
        "demo",
        "start an embedded Kafka broker, the sensor simulator and the pipeline on the embedded"
            + " Flink runner; print model updates as they are published",
        "Runs everything on this machine: a single-node Kafka broker (KRaft) on 127.0.0.1 in its own\n"
            + "JVM, the sensor simulator, and the retraining pipeline on the embedded Flink runner.\n"
            + "Prints one line per model update and a summary; Ctrl-C or --duration stops it, and the\n"
            + "broker and its temporary data directory are removed.");
  }

  @Override
  public List<Class<? extends PipelineOptions>> options() {
    List<Class<? extends PipelineOptions>> all =
        new ArrayList<>(List.of(DemoOptions.class, SimulatorOptions.class, MonitorOptions.class));
    all.addAll(RunCommand.PIPELINE_OPTIONS);
    return all;
  }

  @Override
  public Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>(RetrainingJob.DEFAULTS);
    d.putAll(DEMO_DEFAULTS);
    return d;
  }

  @Override
  public int run(String[] args, PrintStream out) throws Exception {
    DemoOptions o = RetrainingJob.configure(parse(args, DemoOptions.class));
    long duration = Durations.parse(o.getDuration()).getMillis();
    Path dir = Files.createTempDirectory("fleetlearn-demo-");
    CountDownLatch finished = new CountDownLatch(1);
    AtomicBoolean stop = new AtomicBoolean();
    Thread hook =
        new Thread(
            () -> {
              stop.set(true);
              try {
                finished.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    Runtime.getRuntime().addShutdownHook(hook);
    Map<ModelUpdate.Status, Integer> byStatus = new EnumMap<>(ModelUpdate.Status.class);
    TreeSet<String> machinesWithModels = new TreeSet<>();
    Map<DriftReport.Status, Integer> driftAlerts = new EnumMap<>(DriftReport.Status.class);
    PredictionTally predictions = new PredictionTally();
    // At most 2 alert lines per second, so model updates stay readable between them.
    RateLimit alertLines = new RateLimit(2, 1000);
    long started = System.currentTimeMillis();
    PipelineResult job = null;
    EmbeddedKafkaBroker broker = null;
    PipelineMetrics metrics = null;
    FleetMonitor monitor = null;
    try {
      out.println("Starting a Kafka broker (KRaft, 127.0.0.1) in " + dir + " ...");
      broker =
          EmbeddedKafkaBroker.builder(dir.resolve("kafka"))
              .partitions(o.getTopicPartitions())
              .start();
      o.setBootstrapServers(broker.bootstrapServers());
      TopicAdmin.createTopics(broker.adminProperties(), Topics.of(o));
      KafkaClientConfig kafka = RetrainingJob.kafka(o);
      out.printf(
          "Kafka at %s; topics %s%n",
          broker.bootstrapServers(),
          Topics.of(o).stream().map(TopicSpec::name).collect(Collectors.joining(", ")));
      SimulatorConfig simConfig = SimulatorFactory.config(o, System.currentTimeMillis());
      out.println("Simulator: " + simConfig);
      int parallelism = o.as(FlinkPipelineOptions.class).getParallelism();
      out.printf(
          "Pipeline: %s windows on the embedded Flink runner (parallelism %s); the first models"
              + " appear when the first window closes.%n%n",
          o.getWindowSize(), parallelism > 0 ? Integer.toString(parallelism) : "= cores");
      MetricsConfig metricsConfig = RetrainingJob.config(o).metrics();
      // Held for the whole demo, so the endpoint stays put while the job's tasks come and go.
      metrics = PipelineMetrics.acquire(metricsConfig);
      try {
        monitor = FleetMonitor.start(kafka, MonitorCommand.config(o));
      } catch (IOException e) {
        out.println("Fleet monitor not started: " + e.getMessage() + " (see --monitorPorts)");
      }
      out.printf(
          "Metrics (Prometheus format): pipeline %s, fleet monitor %s%n"
              + "Scrape them with Prometheus (config/prometheus.yml) and open the Grafana dashboards"
              + " of grafana/ (docs/observability.md).%n%n",
          metrics
              .endpointUrl()
              .orElse(
                  metricsConfig.enabled()
                      ? "not exposed (no free port in " + metricsConfig.ports() + ")"
                      : "off"),
          monitor == null ? "not running" : monitor.url());
      try (var producer = SimulatorFactory.producer(kafka);
          SimulatorRunner sim =
              SimulatorFactory.runner(producer, o.getSensorEventsTopic(), simConfig);
          KafkaConsumer<byte[], byte[]> updates = KafkaClients.reader(kafka, "fleetlearn-demo")) {
        Thread simThread = new Thread(sim, "simulator");
        simThread.setDaemon(true);
        simThread.start();
        // The simulator runs first: on the embedded runner run() returns only once the job is
        // submitted, seconds later, and the first window then already has the events of that
        // time (docs/reliability.md, "A job started together with its producers").
        job = RetrainingJob.build(o).run();
        List<TopicPartition> parts =
            KafkaClients.partitions(updates, o.getModelUpdatesTopic(), Duration.ofSeconds(30));
        parts.addAll(
            KafkaClients.partitions(updates, o.getDriftMetricsTopic(), Duration.ofSeconds(30)));
        boolean scoring = !o.getPredictionsTopic().isEmpty();
        if (scoring) {
          parts.addAll(
              KafkaClients.partitions(updates, o.getPredictionsTopic(), Duration.ofSeconds(30)));
        }
        boolean color = System.console() != null && System.getenv("NO_COLOR") == null;
        updates.assign(parts);
        updates.seekToBeginning(parts);
        long deadline = duration > 0 ? started + duration : Long.MAX_VALUE;
        while (!stop.get() && System.currentTimeMillis() < deadline) {
          if (job.getState().isTerminal()) {
            out.println("The pipeline stopped: " + job.getState());
            break;
          }
          for (ConsumerRecord<byte[], byte[]> r : updates.poll(Duration.ofMillis(500))) {
            double at = (System.currentTimeMillis() - started) / 1000.0;
            if (scoring && r.topic().equals(o.getPredictionsTopic())) {
              DefectPrediction d = DefectPrediction.fromJson(r.value());
              predictions.add(d);
              if (d.alert()) {
                if (alertLines.tryAcquire(System.currentTimeMillis())) {
                  out.printf("%5.1fs  %s%n", at, UpdateFormatter.format(d));
                }
              }
              continue;
            }
            if (r.topic().equals(o.getDriftMetricsTopic())) {
              DriftReport d = DriftReport.fromJson(r.value());
              if (d.status() == DriftReport.Status.DRIFT || d.status() == DriftReport.Status.WARN) {
                driftAlerts.merge(d.status(), 1, Integer::sum);
                out.printf("%5.1fs  %s%n", at, UpdateFormatter.format(d, color));
              }
              continue;
            }
            ModelUpdate u = ModelUpdate.fromJson(r.value());
            byStatus.merge(u.status(), 1, Integer::sum);
            if (u.version() > 0 && !FleetModel.isFleet(u.machineId())) {
              machinesWithModels.add(u.machineId());
            }
            out.printf(
                "%5.1fs  %s%n",
                (System.currentTimeMillis() - started) / 1000.0, UpdateFormatter.format(u));
          }
        }
        sim.stop();
        simThread.join(10_000);
        out.printf(
            "%nSummary after %.0f s: simulator sent %d events (%d malformed → %s); model updates:"
                + " %s; drift alerts: %s; machines with a model: %d %s; predictions: %d, defect"
                + " alerts: %d (%d alert lines not printed)%n",
            (System.currentTimeMillis() - started) / 1000.0,
            sim.getSent(),
            sim.getMalformed(),
            o.getDeadLetterTopic(),
            byStatus,
            driftAlerts,
            machinesWithModels.size(),
            machinesWithModels,
            predictions.total(),
            predictions.alerts(),
            alertLines.suppressed());
        if (scoring && predictions.total() > 0) {
          out.println(predictions.describe());
        }
        out.printf(
            "Dead-lettered records on %s: %d%n",
            o.getDeadLetterTopic(),
            KafkaClients.countRecords(updates, o.getDeadLetterTopic(), Duration.ofSeconds(30)));
      }
      return machinesWithModels.isEmpty() ? 1 : 0;
    } finally {
      if (job != null) {
        try {
          job.cancel();
        } catch (IOException | RuntimeException e) {
          out.println("Cancelling the job: " + e.getMessage());
        }
      }
      if (monitor != null) {
        monitor.close();
      }
      if (metrics != null) {
        metrics.release();
      }
      if (broker != null) {
        broker.close();
      }
      deleteRecursively(dir);
      out.println("Stopped the pipeline and the broker; removed " + dir);
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running and waits for the latch above.
      }
    }
  }

  /** At most {@code permits} per {@code periodMillis}; counts what it refused. */
  static final class RateLimit {
    private final int permits;
    private final long periodMillis;
    private long periodStart;
    private int used;
    private long suppressed;

    RateLimit(int permits, long periodMillis) {
      this.permits = permits;
      this.periodMillis = periodMillis;
    }

    boolean tryAcquire(long now) {
      if (now - periodStart >= periodMillis) {
        periodStart = now;
        used = 0;
      }
      if (used < permits) {
        used++;
        return true;
      }
      suppressed++;
      return false;
    }

    long suppressed() {
      return suppressed;
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp dir that survives is reported, not fatal
      System.err.println("Could not remove " + dir + ": " + e.getMessage());
    }
  }
}
