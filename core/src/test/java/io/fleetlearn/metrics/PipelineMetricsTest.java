package io.fleetlearn.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.drift.DriftReport;
import io.fleetlearn.event.RejectReason;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.scoring.ModelSource;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PipelineMetricsTest {
  private static final Pattern TYPE = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$");
  private static final Pattern SAMPLE = Pattern.compile("(?m)^(fleetlearn_[a-z_]+)(\\{[^}]*\\})? ");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_]+)=\"");

  private final AtomicLong now = new AtomicLong(1_800_000_000_000L);
  private PrometheusMeterRegistry registry;
  private PipelineMetrics metrics;

  @BeforeEach
  void setUp() {
    SourceProgress.clear();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics = new PipelineMetrics(registry, now::get);
  }

  @AfterEach
  void tearDown() {
    SourceProgress.clear();
  }

  /** Metric name → Prometheus type, from the exposition's TYPE lines. */
  static Map<String, String> types(String exposition) {
    Map<String, String> types = new TreeMap<>();
    Matcher m = TYPE.matcher(exposition);
    while (m.find()) {
      types.put(m.group(1), m.group(2));
    }
    return types;
  }

  private void recordOneOfEach(String machineId) {
    // The API takes no machine id at all; the machine only decides how often things happen.
    metrics.eventRead();
    metrics.eventAccepted();
    metrics.eventRead();
    metrics.deadLettered(
        machineId.hashCode() % 2 == 0 ? RejectReason.MALFORMED_JSON : RejectReason.UNKNOWN_FEATURE);
    metrics.windowClosed(false, now.get() - 4_000);
    metrics.windowClosed(true, now.get() - 60_000);
    metrics.modelTrained(31, 60_000);
    metrics.modelDecision(ModelUpdate.Status.PROMOTED);
    metrics.modelDecision(ModelUpdate.Status.REJECTED);
    metrics.modelDecision(ModelUpdate.Status.SKIPPED);
    metrics.driftReport(DriftReport.Status.DRIFT);
    metrics.driftReport(DriftReport.Status.STABLE);
    metrics.registryEntryExpired();
    metrics.eventScored(ModelSource.MACHINE, 3_000, false);
    metrics.eventScored(ModelSource.FLEET, 40_000, true);
    metrics.eventUnscored();
    metrics.scoringModelLoaded(ModelSource.MACHINE);
  }

  @Test
  void exposesEveryPipelineMetricUnderItsPrometheusNameAndType() {
    recordOneOfEach("press-000");
    String text = registry.scrape();
    Map<String, String> types = types(text);
    Map<String, String> expected =
        Map.ofEntries(
            Map.entry("fleetlearn_events_read_total", "counter"),
            Map.entry("fleetlearn_events_accepted_total", "counter"),
            Map.entry("fleetlearn_events_dead_lettered_total", "counter"),
            Map.entry("fleetlearn_windows_closed_total", "counter"),
            Map.entry("fleetlearn_models_trained_total", "counter"),
            Map.entry("fleetlearn_registry_entries_expired_total", "counter"),
            Map.entry("fleetlearn_model_decisions_total", "counter"),
            Map.entry("fleetlearn_drift_reports_total", "counter"),
            Map.entry("fleetlearn_training_duration_seconds", "histogram"),
            Map.entry("fleetlearn_model_size_bytes", "histogram"),
            Map.entry("fleetlearn_window_close_delay_seconds", "histogram"),
            Map.entry("fleetlearn_event_time_lag_seconds", "gauge"),
            Map.entry("fleetlearn_watermark_lag_seconds", "gauge"),
            Map.entry("fleetlearn_kafka_consumer_lag_records", "gauge"),
            Map.entry("fleetlearn_source_partitions", "gauge"),
            Map.entry("fleetlearn_source_partitions_without_watermark", "gauge"),
            Map.entry("fleetlearn_predictions_total", "counter"),
            Map.entry("fleetlearn_predictions_alerts_total", "counter"),
            Map.entry("fleetlearn_predictions_unscored_total", "counter"),
            Map.entry("fleetlearn_scoring_model_loads_total", "counter"),
            Map.entry("fleetlearn_scoring_duration_seconds", "histogram"));
    for (Map.Entry<String, String> e : expected.entrySet()) {
      assertEquals(e.getValue(), types.get(e.getKey()), e.getKey() + " in\n" + text);
    }
    assertTrue(text.contains("fleetlearn_events_read_total 2.0"), text);
    assertTrue(
        text.contains("fleetlearn_events_dead_lettered_total{reason=\"MALFORMED_JSON\"} 1.0"),
        text);
    assertTrue(text.contains("fleetlearn_model_decisions_total{status=\"PROMOTED\"} 1.0"), text);
    assertTrue(text.contains("fleetlearn_windows_closed_total{timing=\"LATE\"} 1.0"), text);
    // Explicit buckets: 31 ms falls in the 50 ms bucket, not the 25 ms one.
    assertTrue(text.contains("fleetlearn_training_duration_seconds_bucket{le=\"0.025\"} 0"), text);
    assertTrue(text.contains("fleetlearn_training_duration_seconds_bucket{le=\"0.05\"} 1"), text);
    assertTrue(text.contains("fleetlearn_model_size_bytes_bucket{le=\"65536.0\"} 1"), text);
    assertTrue(text.contains("fleetlearn_window_close_delay_seconds_bucket{le=\"5.0\"} 1"), text);
    assertTrue(text.contains("fleetlearn_predictions_alerts_total{source=\"FLEET\"} 1.0"), text);
    // 3 µs lands in the 5 µs bucket; 40 µs in the 50 µs one.
    assertTrue(text.contains("fleetlearn_scoring_duration_seconds_bucket{le=\"2.5E-6\"} 0"), text);
    assertTrue(text.contains("fleetlearn_scoring_duration_seconds_bucket{le=\"5.0E-6\"} 1"), text);
    assertTrue(text.contains("fleetlearn_scoring_duration_seconds_bucket{le=\"5.0E-5\"} 2"), text);
  }

  @Test
  void noPipelineSeriesCarriesAMachineAndTheirNumberDoesNotGrowWithTheFleet() {
    for (int i = 0; i < 10; i++) {
      recordOneOfEach(String.format("press-%03d", i));
    }
    Set<String> small = series(registry.scrape());
    for (int i = 10; i < 10_000; i++) {
      recordOneOfEach(String.format("press-%05d", i));
    }
    String text = registry.scrape();
    Set<String> large = series(text);
    assertEquals(small, large, "the same series for 10 and for 10,000 machines");
    Set<String> labels = new TreeSet<>();
    for (String s : large) {
      Matcher m = LABEL.matcher(s);
      while (m.find()) {
        labels.add(m.group(1));
      }
    }
    assertEquals(Set.of("le", "reason", "source", "status", "timing"), labels, text);
    assertTrue(large.size() < 100, large.size() + " series: " + large);
  }

  private static Set<String> series(String exposition) {
    Set<String> out = new TreeSet<>();
    Matcher m = SAMPLE.matcher(exposition);
    while (m.find()) {
      out.add(m.group(1) + (m.group(2) == null ? "" : m.group(2)));
    }
    return out;
  }

  @Test
  void lagGaugesFollowTheSourcesWatermarkEventTimeAndBacklog() {
    assertTrue(Double.isNaN(gauge("fleetlearn.watermark.lag")), "no partition yet: unknown");
    long t = now.get();
    SourceProgress.report("job/sensor-events-0", t - 12_000, t - 7_000, 40, t);
    SourceProgress.report("job/sensor-events-1", t - 9_000, t - 3_000, 2, t);
    // A partition without a watermark yet does not hide the others'.
    SourceProgress.report(
        "job/sensor-events-2", SourceProgress.UNKNOWN, SourceProgress.UNKNOWN, -1, t);
    assertEquals(12.0, gauge("fleetlearn.watermark.lag"), 1e-9);
    assertEquals(3.0, gauge("fleetlearn.event.time.lag"), 1e-9);
    assertEquals(42.0, gauge("fleetlearn.kafka.consumer.lag"), 1e-9);
    assertEquals(3.0, gauge("fleetlearn.source.partitions"), 1e-9);
    assertEquals(1.0, gauge("fleetlearn.source.partitions.without.watermark"), 1e-9);
    // The wall clock moves on without new data: the lag grows.
    now.addAndGet(5_000);
    assertEquals(17.0, gauge("fleetlearn.watermark.lag"), 1e-9);
    // Partitions nobody reported for a minute (reassigned, job gone) stop counting.
    now.addAndGet(SourceProgress.STALE_AFTER_MILLIS);
    assertTrue(Double.isNaN(gauge("fleetlearn.watermark.lag")));
    assertEquals(0.0, gauge("fleetlearn.source.partitions"), 1e-9);
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  @Test
  void theLastReleaseClosesTheSharedEndpoint() throws Exception {
    PipelineMetrics.Holder jvm = new PipelineMetrics.Holder();
    MetricsConfig config = MetricsConfig.endpoint("127.0.0.1", "0");
    PipelineMetrics a = jvm.acquire(config);
    PipelineMetrics b = jvm.acquire(MetricsConfig.disabled());
    assertSame(a, b, "one registry per JVM");
    String url = a.endpointUrl().orElseThrow();
    a.eventRead();
    assertTrue(MetricsEndpointTest.get(url).body().contains("fleetlearn_events_read_total 1.0"));
    assertTrue(MetricsEndpointTest.get(url).body().contains("jvm_memory_used_bytes"));
    a.release();
    assertEquals(200, MetricsEndpointTest.get(url).statusCode(), "still held by b");
    b.release();
    b.release(); // a second release of the same holder is harmless
    assertEquals(0, jvm.references());
    assertThrows(ConnectException.class, () -> get(url));
    PipelineMetrics c = jvm.acquire(MetricsConfig.disabled());
    try {
      assertTrue(c != a, "a new registry after the last release");
      assertTrue(c.endpointUrl().isEmpty(), "disabled: no endpoint");
    } finally {
      c.release();
    }
  }

  private static void get(String url) throws IOException, InterruptedException {
    try {
      MetricsEndpointTest.get(url);
    } catch (IOException e) {
      // The JDK client wraps a refused connection; unwrap it for the assertion.
      if (e.getCause() instanceof ConnectException) {
        throw (ConnectException) e.getCause();
      }
      throw e;
    }
  }
}
