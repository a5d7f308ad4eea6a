package io.fleetlearn.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetlearn.drift.DriftReport;
import io.fleetlearn.event.RejectReason;
import io.fleetlearn.monitor.FleetGauges;
import io.fleetlearn.monitor.FleetState;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.scoring.ModelSource;
import io.fleetlearn.training.ClassificationMetrics;
import io.fleetlearn.training.ModelKind;
import io.fleetlearn.training.TrainingResult;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The observability files as Grafana and Prometheus load them: dashboards in Grafana's JSON model
 * (schemaVersion, stable uid, templated datasource), provisioning files, the scrape configuration;
 * and every metric a dashboard queries is one that our endpoints export (or, for panels marked
 * {@value DashboardModel#FLINK_ONLY}, one of Flink's).
 */
class DashboardFilesTest {
  private static final Pattern SAMPLE_NAME = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");
  private static final Pattern UID = Pattern.compile("[a-z0-9-]{1,40}");

  @Test
  void dashboardsAreGrafanaJsonModelsWithStableUidsAndATemplatedDatasource() throws IOException {
    List<Path> files = DashboardModel.files();
    assertTrue(files.size() >= 2, "at least two dashboards: " + files);
    Set<String> uids = new HashSet<>();
    for (Path f : files) {
      JsonNode d = DashboardModel.read(f);
      String uid = d.path("uid").asText();
      assertTrue(UID.matcher(uid).matches(), f + ": uid " + uid);
      assertTrue(uids.add(uid), "uid used twice: " + uid);
      assertFalse(d.path("title").asText().isBlank(), f + ": title");
      assertTrue(d.path("schemaVersion").asInt() >= 38, f + ": schemaVersion");
      assertTrue(d.path("id").isMissingNode() || d.path("id").isNull(), f + ": no instance id");
      List<DashboardModel.Variable> vars = DashboardModel.variables(d);
      assertTrue(
          vars.stream()
              .anyMatch(v -> v.name().equals("datasource") && v.type().equals("datasource")),
          f + ": a datasource variable");
      assertEquals(
          "prometheus",
          d.path("templating").path("list").get(0).path("query").asText(),
          f + ": the datasource variable picks Prometheus datasources");
      Set<Integer> ids = new HashSet<>();
      for (JsonNode p : DashboardModel.panels(d)) {
        String where = f.getFileName() + " panel \"" + p.path("title").asText() + "\"";
        assertTrue(ids.add(p.path("id").asInt()), where + ": duplicate id");
        JsonNode g = p.path("gridPos");
        assertTrue(g.path("w").asInt() > 0 && g.path("h").asInt() > 0, where + ": gridPos");
        assertTrue(g.path("x").asInt() + g.path("w").asInt() <= 24, where + ": fits 24 columns");
        if (p.path("type").asText().equals("row") || p.path("type").asText().equals("text")) {
          continue;
        }
        assertEquals("${datasource}", p.path("datasource").path("uid").asText(), where);
        assertTrue(p.path("targets").size() > 0, where + ": has queries");
        for (JsonNode t : p.path("targets")) {
          assertEquals("${datasource}", t.path("datasource").path("uid").asText(), where);
          assertFalse(t.path("refId").asText().isEmpty(), where + ": refId");
          assertFalse(t.path("expr").asText().isBlank(), where + ": expr");
        }
      }
    }
  }

  @Test
  void theOverviewAndTheDrillDownHaveThePanelsTheIssueAsksFor() throws IOException {
    JsonNode overview =
        DashboardModel.read(DashboardModel.DASHBOARDS.resolve("fleet-overview.json"));
    Set<String> titles = titles(overview);
    for (String t :
        List.of(
            "Throughput",
            "Dead letters by reason",
            "Models per minute by status",
            "Training latency",
            "Event-time lag",
            "Kafka consumer lag",
            "Drifting machines",
            "Worst machines")) {
      assertTrue(titles.contains(t), "overview has \"" + t + "\": " + titles);
    }
    String latency =
        DashboardModel.queries(overview).stream()
            .filter(q -> q.panelTitle().equals("Training latency"))
            .map(DashboardModel.Query::expr)
            .reduce("", String::concat);
    for (String q : List.of("(0.5,", "(0.95,", "(0.99,")) {
      assertTrue(latency.contains("histogram_quantile" + q), "p50/p95/p99: " + latency);
    }

    JsonNode machine =
        DashboardModel.read(DashboardModel.DASHBOARDS.resolve("machine-drilldown.json"));
    assertTrue(
        DashboardModel.variables(machine).stream()
            .anyMatch(
                v ->
                    v.name().equals("machine_id") && DashboardModel.labelValues(v.query()) != null),
        "a machine_id variable filled from label_values(...)");
    Set<String> machineTitles = titles(machine);
    for (String t :
        List.of(
            "Version history",
            "Champion AUC and F1",
            "PSI per feature",
            "Evidence per feature",
            "Label rate")) {
      assertTrue(machineTitles.contains(t), "drill-down has \"" + t + "\": " + machineTitles);
    }
    for (DashboardModel.Query q : DashboardModel.queries(machine)) {
      assertTrue(q.expr().contains("machine_id=\"$machine_id\""), "filtered by the variable: " + q);
    }
  }

  private static Set<String> titles(JsonNode d) {
    Set<String> out = new TreeSet<>();
    DashboardModel.panels(d).forEach(p -> out.add(p.path("title").asText()));
    return out;
  }

  @Test
  void everyQueriedMetricIsExportedByOurEndpointsOrMarkedFlinkOnly() throws IOException {
    Set<String> exported = exportedNames();
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (Path f : DashboardModel.files()) {
      for (DashboardModel.Query q : DashboardModel.queries(DashboardModel.read(f))) {
        List<String> names = DashboardModel.metricNames(q.expr());
        if (names.isEmpty()) {
          problems.add("no known metric in " + q);
        }
        for (String n : names) {
          checked++;
          boolean flink = n.startsWith("flink_");
          if (flink != q.flinkOnly()) {
            problems.add(n + (flink ? " needs the " : " must not have the ") + "Flink tag: " + q);
          } else if (!flink && !n.equals("up") && !exported.contains(n)) {
            problems.add(n + " is not exported: " + q);
          }
        }
      }
    }
    assertTrue(checked > 40, "checked " + checked + " references");
    assertEquals(List.of(), problems);
  }

  /** Every sample name the pipeline's and the monitor's registries expose once they have data. */
  private static Set<String> exportedNames() throws IOException {
    PrometheusMeterRegistry pipeline = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PipelineMetrics m = new PipelineMetrics(pipeline, System::currentTimeMillis);
    m.eventRead();
    m.eventAccepted();
    m.deadLettered(RejectReason.MALFORMED_JSON);
    m.windowClosed(false, 0);
    m.modelTrained(10, 1000);
    m.modelDecision(ModelUpdate.Status.PROMOTED);
    m.driftReport(DriftReport.Status.DRIFT);
    m.eventScored(ModelSource.MACHINE, 2_000, true);

    PrometheusMeterRegistry monitor = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    FleetState s = new FleetState();
    s.apply(
        ModelUpdate.builder()
            .machineId("m1")
            .version(1)
            .status(ModelUpdate.Status.PROMOTED)
            .window(0, 1000)
            .metrics(
                ClassificationMetrics.of(0.9, 0.6, 0.5, 0.5, 0.9, 0.2).withCounts(0.3, 5, 5, 85, 5))
            .selection(
                new TrainingResult.Selection(
                    ModelKind.FLEET_TUNED,
                    0.3,
                    "validation f1",
                    "",
                    2,
                    ClassificationMetrics.of(0.85, 0.5, 0.5, 0.5, 0.9, 0.2),
                    40,
                    4,
                    Map.of()))
            .model(new byte[] {1}, 0, 1000)
            .modelKind(ModelKind.FLEET_TUNED)
            .modelThreshold(0.3)
            .build());
    s.apply(
        DriftReport.fromJson(
            ("{\"machineId\":\"m1\",\"window\":{\"start\":\"2026-01-01T00:00:00Z\","
                    + "\"end\":\"2026-01-01T00:05:00Z\"},\"status\":\"DRIFT\","
                    + "\"features\":{\"vibration\":{\"psi\":0.3,\"statistic\":40.0,\"df\":9,"
                    + "\"pValue\":2.0E-5,\"adjustedPValue\":1.0E-4}},"
                    + "\"label\":{\"windowRate\":0.1,\"referenceRate\":0.05}}")
                .getBytes(StandardCharsets.UTF_8)));
    new FleetGauges(monitor, 20, Set.of(), System::currentTimeMillis).refresh(s);

    Set<String> names = new TreeSet<>();
    for (String text : List.of(pipeline.scrape(), monitor.scrape())) {
      Matcher x = SAMPLE_NAME.matcher(text);
      while (x.find()) {
        names.add(x.group(1));
      }
    }
    return names;
  }

  @Test
  void provisioningFilesPointGrafanaAtPrometheusAndAtTheDashboards() throws IOException {
    Map<String, Object> ds = yaml(Path.of("grafana/provisioning/datasources/prometheus.yml"));
    assertEquals(1, ds.get("apiVersion"));
    Map<?, ?> source = (Map<?, ?>) ((List<?>) ds.get("datasources")).get(0);
    assertEquals("prometheus", source.get("type"));
    assertNotNull(source.get("uid"));
    assertNotNull(source.get("url"));

    Map<String, Object> dash = yaml(Path.of("grafana/provisioning/dashboards/fleetlearn.yml"));
    assertEquals(1, dash.get("apiVersion"));
    Map<?, ?> provider = (Map<?, ?>) ((List<?>) dash.get("providers")).get(0);
    assertEquals("file", provider.get("type"));
    assertNotNull(((Map<?, ?>) provider.get("options")).get("path"));
  }

  @Test
  void theScrapeConfigurationCoversTheDefaultPorts() throws IOException {
    Map<String, Object> prom = yaml(Path.of("config/prometheus.yml"));
    Map<String, List<String>> targets = new java.util.TreeMap<>();
    for (Object o : (List<?>) prom.get("scrape_configs")) {
      Map<?, ?> job = (Map<?, ?>) o;
      List<String> t = new ArrayList<>();
      for (Object sc : (List<?>) job.get("static_configs")) {
        for (Object target : (List<?>) ((Map<?, ?>) sc).get("targets")) {
          t.add(target.toString());
        }
      }
      targets.put(job.get("job_name").toString(), t);
    }
    assertEquals(Set.of("fleetlearn-workers", "fleetlearn-monitor", "flink"), targets.keySet());
    PortRange workers = PortRange.parse(MetricsConfig.DEFAULT_PORTS);
    for (int p = workers.from(); p <= workers.to(); p++) {
      assertTrue(targets.get("fleetlearn-workers").contains("127.0.0.1:" + p), "worker port " + p);
    }
    assertEquals(List.of("127.0.0.1:9260"), targets.get("fleetlearn-monitor"));
    assertEquals(List.of("127.0.0.1:9249"), targets.get("flink"));
  }

  private static Map<String, Object> yaml(Path p) throws IOException {
    try (Reader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
      return new Yaml().load(r);
    }
  }
}
