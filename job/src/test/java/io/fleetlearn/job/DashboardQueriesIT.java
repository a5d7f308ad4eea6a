package io.fleetlearn.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.TopicAdmin;
import io.fleetlearn.io.TopicSpec;
import io.fleetlearn.io.embedded.EmbeddedKafkaBroker;
import io.fleetlearn.job.options.RetrainingOptions;
import io.fleetlearn.metrics.DashboardModel;
import io.fleetlearn.metrics.MetricsConfig;
import io.fleetlearn.metrics.PipelineMetrics;
import io.fleetlearn.metrics.PortRange;
import io.fleetlearn.monitor.FleetMonitor;
import io.fleetlearn.monitor.MonitorConfig;
import io.fleetlearn.sim.SimulatorConfig;
import io.fleetlearn.sim.TimeSource;
import io.fleetlearn.testing.PrometheusPackage;
import io.fleetlearn.testing.kafka.KafkaTestSupport;
import io.fleetlearn.tools.SimulatorRunner;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboards against real data: a KRaft broker, the simulator in real time, the pipeline on the
 * embedded Flink runner, the fleet monitor, and a real Prometheus (the Debian package, installed if
 * missing and we are root) scraping both endpoints every second. When the first windows have
 * closed, every PromQL expression of every panel of every dashboard in {@code grafana/dashboards/}
 * is evaluated through Prometheus' HTTP API; the test fails listing each expression that returns no
 * series, or only NaN. Panels tagged {@value DashboardModel#FLINK_ONLY} are skipped: only a Flink
 * cluster with the Prometheus reporter exports their metrics. Also: {@code promtool check config}
 * on {@code config/prometheus.yml}, and {@code promtool check metrics} on our own metrics.
 *
 * <p>Every server binds to 127.0.0.1; every wait is bounded; every process started here is stopped
 * here.
 */
class DashboardQueriesIT {
  // The first windows close within about a minute of the start on 2 cores; the deadline leaves
  // room for a loaded machine (docs/observability.md).
  private static final Duration DEADLINE = Duration.ofMinutes(6);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;

  @Test
  void everyDashboardQueryReturnsSeriesFromARealPrometheus() throws Exception {
    Path prometheus = PrometheusPackage.ensureInstalled("prometheus", dir);
    Path promtool = PrometheusPackage.ensureInstalled("promtool", dir);
    assertEquals(
        0,
        run(
            dir,
            Duration.ofSeconds(60),
            promtool.toString(),
            "check",
            "config",
            "config/prometheus.yml"),
        "promtool check config config/prometheus.yml");

    String prefix = "obs-";
    EmbeddedKafkaBroker broker = null;
    PipelineMetrics pipelineMetrics = null;
    PipelineResult job = null;
    SimulatorRunner sim = null;
    KafkaProducer<byte[], byte[]> producer = null;
    Thread simThread = null;
    FleetMonitor monitor = null;
    Process prom = null;
    try {
      broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka")).partitions(2).start();
      TopicAdmin.createTopics(
          broker.adminProperties(),
          TopicSpec.standard(
              prefix + "events", prefix + "updates", prefix + "drift", prefix + "dlq", 2));
      TopicAdmin.createTopics(
          broker.adminProperties(),
          List.of(TopicSpec.predictions(prefix + "predictions", 2, (short) 1)));

      // Held for the whole test, so the endpoint outlives the job's tasks. If an earlier test in
      // this JVM left the shared registry open, its endpoint is the one to scrape.
      pipelineMetrics = PipelineMetrics.acquire(MetricsConfig.endpoint("127.0.0.1", "0"));
      int pipelinePort = pipelineMetrics.endpointPort().orElseThrow();

      producer = KafkaTestSupport.producer(broker.bootstrapServers());
      sim =
          new SimulatorRunner(
              producer,
              prefix + "events",
              SimulatorConfig.builder()
                  .machines(4)
                  .eventsPerSecondPerMachine(30)
                  .seed(23)
                  .malformedRatio(0.02)
                  .driftMachines(1)
                  .driftStartMillis(System.currentTimeMillis() + 25_000)
                  .driftMagnitude(3)
                  .driftFeatures("vibration")
                  .build(),
              TimeSource.system());
      simThread = new Thread(sim, "simulator");
      simThread.setDaemon(true);
      simThread.start();
      // The job starts on a topic that already has data (see docs/reliability.md).
      RetrainingOptions o =
          RetrainingJob.parseOptions(
              new String[] {
                "--bootstrapServers=" + broker.bootstrapServers(),
                "--sensorEventsTopic=" + prefix + "events",
                "--modelUpdatesTopic=" + prefix + "updates",
                "--driftMetricsTopic=" + prefix + "drift",
                "--deadLetterTopic=" + prefix + "dlq",
                "--predictionsTopic=" + prefix + "predictions",
                "--consumerGroup=" + prefix + "group",
                "--windowSize=10s",
                "--allowedLateness=2s",
                "--lateFiringDelay=1s",
                "--maxOutOfOrderness=1s",
                "--idleTimeout=2s",
                "--checkpointingInterval=2000",
                "--parallelism=2",
                "--metricsPorts=0"
              },
              RetrainingOptions.class);
      job = RetrainingJob.build(o).run();

      monitor =
          FleetMonitor.start(
              KafkaClientConfig.of(broker.bootstrapServers(), null),
              new MonitorConfig(
                  prefix + "updates",
                  prefix + "drift",
                  20,
                  Set.of(),
                  "127.0.0.1",
                  PortRange.parse("0"),
                  Duration.ofSeconds(1)));

      int promPort = freePort();
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(config, scrapeConfig(pipelinePort, monitor.port()));
      assertEquals(
          0,
          run(
              dir,
              Duration.ofSeconds(60),
              promtool.toString(),
              "check",
              "config",
              config.toString()));
      Path log = dir.resolve("prometheus.log");
      prom =
          new ProcessBuilder(
                  prometheus.toString(),
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + dir.resolve("tsdb"),
                  "--web.listen-address=127.0.0.1:" + promPort,
                  "--log.level=warn")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      String api = "http://127.0.0.1:" + promPort;
      long promStarted = System.currentTimeMillis();
      waitUntilReady(prom, api, log);

      long started = System.currentTimeMillis();
      long deadline = started + DEADLINE.toMillis();
      Map<DashboardModel.Query, String> problems;
      List<DashboardModel.Query> skipped = new ArrayList<>();
      int evaluated;
      do {
        Thread.sleep(3000);
        if (job.getState().isTerminal()) {
          fail("the pipeline stopped: " + job.getState());
        }
        problems = new LinkedHashMap<>();
        skipped.clear();
        evaluated = 0;
        // Every rate() covers the whole run, as a dashboard looking at the last minutes would.
        long seconds = Math.max(10, (System.currentTimeMillis() - promStarted) / 1000 + 1);
        for (Path f : DashboardModel.files()) {
          JsonNode dashboard = DashboardModel.read(f);
          Map<String, String> vars = new TreeMap<>();
          vars.put("__rate_interval", seconds + "s");
          vars.put("__interval", "1s");
          vars.put("__range", seconds + "s");
          vars.put("__range_s", Long.toString(seconds));
          for (DashboardModel.Variable v : DashboardModel.variables(dashboard)) {
            String[] lv = DashboardModel.labelValues(v.query());
            if (lv != null) {
              List<String> values = labelValues(api, lv[0], lv[1]);
              vars.put(
                  v.name(), values.isEmpty() ? "<no value of " + v.query() + ">" : values.get(0));
            }
          }
          for (DashboardModel.Query q : DashboardModel.queries(dashboard)) {
            if (q.flinkOnly()) {
              skipped.add(q);
              continue;
            }
            evaluated++;
            String expr = DashboardModel.substitute(q.expr(), vars);
            String problem = evaluate(api, expr);
            if (problem != null) {
              problems.put(q, problem + " (evaluated: " + expr + ")");
            }
          }
        }
        System.out.printf(
            "%3d s: read %.0f, windows closed %.0f, trained %.0f, watermark lag %.1f s,"
                + " partitions without watermark %.0f, backlog %.0f; %d of %d expressions without"
                + " data yet%s%n",
            (System.currentTimeMillis() - started) / 1000,
            value(api, "sum(fleetlearn_events_read_total)"),
            value(api, "sum(fleetlearn_windows_closed_total)"),
            value(api, "sum(fleetlearn_models_trained_total)"),
            value(api, "max(fleetlearn_watermark_lag_seconds)"),
            value(api, "sum(fleetlearn_source_partitions_without_watermark)"),
            value(api, "sum(fleetlearn_kafka_consumer_lag_records)"),
            problems.size(),
            evaluated,
            problems.isEmpty()
                ? ""
                : problems.keySet().stream()
                    .map(q -> q.panelTitle() + " " + q.refId())
                    .collect(Collectors.joining(", ", " (", ")")));
      } while (!problems.isEmpty() && System.currentTimeMillis() < deadline);

      System.out.printf(
          "After %d s: evaluated %d dashboard expressions against Prometheus, %d without data;"
              + " skipped %d Flink-cluster-only:%n  %s%n",
          (System.currentTimeMillis() - started) / 1000,
          evaluated,
          problems.size(),
          skipped.size(),
          skipped.stream().map(Object::toString).collect(Collectors.joining("\n  ")));
      if (!problems.isEmpty()) {
        fail(
            problems.size()
                + " dashboard expression(s) returned no usable series:\n"
                + problems.entrySet().stream()
                    .map(e -> "  " + e.getKey() + "\n      -> " + e.getValue())
                    .collect(Collectors.joining("\n"))
                + "\nPipeline state: job "
                + job.getState()
                + ", simulator sent "
                + sim.getSent()
                + " (failed "
                + sim.getFailed()
                + "), monitor read "
                + monitor.recordsRead()
                + " records; the workers' series:\n"
                + get(pipelineMetrics.endpointUrl().orElseThrow())
                    .lines()
                    .filter(l -> l.startsWith("fleetlearn_") && !l.contains("_bucket"))
                    .collect(Collectors.joining("\n")));
      }
      assertTrue(evaluated >= 40, "evaluated " + evaluated);
      assertTrue(value(api, "sum(fleetlearn_events_read_total)") > 0, "events were read");
      assertTrue(value(api, "sum(fleetlearn_model_decisions_total)") > 0, "models were decided");
      assertEquals(
          4.0,
          value(api, "max(fleetlearn_fleet_machines)"),
          "the monitor sees 4 machines (the fleet model is not one)");
      assertTrue(
          value(api, "sum(fleetlearn_predictions_total)") > 0, "the job scored events on Flink");

      // Our own metrics pass Prometheus' linter (names, units, suffixes, HELP).
      for (String endpoint : List.of(pipelineMetrics.endpointUrl().orElseThrow(), monitor.url())) {
        String own =
            get(endpoint)
                .lines()
                .filter(
                    l ->
                        l.startsWith("fleetlearn_")
                            || l.startsWith("# HELP fleetlearn_")
                            || l.startsWith("# TYPE fleetlearn_"))
                .collect(Collectors.joining("\n", "", "\n"));
        Path exposition = dir.resolve("exposition.txt");
        Files.writeString(exposition, own);
        Path lint = dir.resolve("lint.txt");
        Process p =
            new ProcessBuilder(promtool.toString(), "check", "metrics")
                .redirectInput(exposition.toFile())
                .redirectErrorStream(true)
                .redirectOutput(lint.toFile())
                .start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool check metrics finished");
        assertEquals(
            0, p.exitValue(), endpoint + ": promtool check metrics:\n" + Files.readString(lint));
      }
    } finally {
      if (prom != null) {
        stop(prom);
      }
      if (monitor != null) {
        monitor.close();
      }
      if (sim != null) {
        sim.stop();
      }
      if (simThread != null) {
        simThread.join(10_000);
      }
      if (producer != null) {
        producer.close(Duration.ofSeconds(10));
      }
      if (job != null) {
        try {
          job.cancel();
        } catch (IOException | RuntimeException e) {
          System.err.println("Cancelling the job: " + e);
        }
      }
      if (pipelineMetrics != null) {
        pipelineMetrics.release();
      }
      if (broker != null) {
        broker.close();
      }
    }
  }

  private static String scrapeConfig(int pipelinePort, int monitorPort) {
    // Only loopback targets; the job names are those of config/prometheus.yml.
    return String.join(
        "\n",
        "global:",
        "  scrape_interval: 1s",
        "  scrape_timeout: 1s",
        "  evaluation_interval: 1s",
        "scrape_configs:",
        "  - job_name: fleetlearn-workers",
        "    static_configs:",
        "      - targets: ['127.0.0.1:" + pipelinePort + "']",
        "  - job_name: fleetlearn-monitor",
        "    static_configs:",
        "      - targets: ['127.0.0.1:" + monitorPort + "']",
        "");
  }

  /**
   * Null when the expression returns at least one series with a number, else what is wrong: an
   * error, no series, or only NaN.
   */
  private static String evaluate(String api, String expr) throws Exception {
    JsonNode r = query(api, expr);
    if (!"success".equals(r.path("status").asText())) {
      return "error: " + r.path("errorType").asText() + ": " + r.path("error").asText();
    }
    JsonNode data = r.path("data");
    JsonNode result = data.path("result");
    if (data.path("resultType").asText().equals("scalar")) {
      return isNumber(result.get(1).asText()) ? null : "scalar NaN";
    }
    if (result.size() == 0) {
      return "no series";
    }
    for (JsonNode s : result) {
      if (isNumber(s.path("value").get(1).asText())) {
        return null;
      }
    }
    return result.size() + " series, all NaN";
  }

  private static boolean isNumber(String v) {
    return !v.equals("NaN");
  }

  private static double value(String api, String expr) throws Exception {
    JsonNode result = query(api, expr).path("data").path("result");
    return result.size() == 0
        ? Double.NaN
        : Double.parseDouble(result.get(0).path("value").get(1).asText());
  }

  private static JsonNode query(String api, String expr) throws Exception {
    return JSON.readTree(
        get(api + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)));
  }

  private static List<String> labelValues(String api, String metric, String label)
      throws Exception {
    JsonNode r =
        JSON.readTree(
            get(
                api
                    + "/api/v1/label/"
                    + label
                    + "/values?match[]="
                    + URLEncoder.encode(metric, StandardCharsets.UTF_8)));
    List<String> out = new ArrayList<>();
    r.path("data").forEach(v -> out.add(v.asText()));
    return out;
  }

  private static String get(String url) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  private static void waitUntilReady(Process prom, String api, Path log) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      if (!prom.isAlive()) {
        fail("prometheus exited with " + prom.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(api + "/-/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    fail("prometheus not ready within 60 s:\n" + Files.readString(log));
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(15, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(15, TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  /** Runs a command to completion (bounded); returns its exit code, printing its output. */
  private static int run(Path dir, Duration timeout, String... command)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "cmd", ".log");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        fail(String.join(" ", command) + " did not finish within " + timeout);
      }
      System.out.println("$ " + String.join(" ", command) + "\n" + Files.readString(out));
      return p.exitValue();
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
