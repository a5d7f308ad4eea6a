package io.fleetlearn.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline workers' operational metrics: one Micrometer {@link PrometheusMeterRegistry} per JVM
 * (per class loader, so per job on a Flink TaskManager), served by one {@link MetricsEndpoint}.
 *
 * <p>DoFns {@link #acquire} it in {@code @Setup} and {@link #release} it in {@code @Teardown}: the
 * first acquire creates the registry and opens the endpoint, the last release closes both, so a
 * cancelled job leaves no thread or port behind. An endpoint that cannot bind (every port of the
 * range taken) is logged once and the pipeline runs on: metrics never stop the job.
 *
 * <p>No metric carries a machine id: the label values are enum constants (dead-letter reasons,
 * decisions, drift statuses, pane timing), so the series count does not grow with the fleet.
 * Per-machine series are the fleet monitor's job ({@code io.fleetlearn.monitor}), behind its
 * cardinality guard. See docs/observability.md for the list.
 */
public final class PipelineMetrics {
  private static final Logger LOG = LoggerFactory.getLogger(PipelineMetrics.class);

  private static final Holder JVM = new Holder();

  private final Holder holder;
  private final PrometheusMeterRegistry registry;
  private final LongSupplier clock;
  private final Counter read;
  private final Counter accepted;
  private final Counter trained;
  private final Counter expired;
  private final Counter recalibrated;
  private final Timer trainingTimer;
  private final DistributionSummary modelBytes;
  private final Timer windowCloseDelay;
  private final Map<Enum<?>, Counter> deadLettered = new ConcurrentHashMap<>();
  private final Map<Enum<?>, Counter> decisions = new ConcurrentHashMap<>();
  private final Map<Enum<?>, Counter> driftReports = new ConcurrentHashMap<>();
  private final Counter windowsOnTime;
  private final Counter windowsLate;
  private final Map<Enum<?>, Counter> predictions = new ConcurrentHashMap<>();
  private final Map<Enum<?>, Counter> alerts = new ConcurrentHashMap<>();
  private final Map<Enum<?>, Counter> modelLoads = new ConcurrentHashMap<>();
  private final Counter unscored;
  private final Timer scoringTimer;

  // Guarded by the holder.
  private @Nullable MetricsEndpoint endpoint;
  private boolean endpointFailed;
  private @Nullable JvmGcMetrics gc;

  PipelineMetrics(PrometheusMeterRegistry registry, LongSupplier clock) {
    this(new Holder(), registry, clock);
  }

  private PipelineMetrics(Holder holder, PrometheusMeterRegistry registry, LongSupplier clock) {
    this.holder = holder;
    this.registry = registry;
    this.clock = clock;
    read =
        Counter.builder("fleetlearn.events.read")
            .description("Records read from the sensor-events topic")
            .register(registry);
    accepted =
        Counter.builder("fleetlearn.events.accepted")
            .description("Records parsed into valid sensor events")
            .register(registry);
    windowsOnTime = windowsClosed("ON_TIME");
    windowsLate = windowsClosed("LATE");
    trained =
        Counter.builder("fleetlearn.models.trained")
            .description("Challenger models trained when a machine's window pane fired")
            .register(registry);
    expired =
        Counter.builder("fleetlearn.registry.entries.expired")
            .description(
                "Registry entries (champion, version, reference profile) of machines silent for"
                    + " the state retention, cleared")
            .register(registry);
    recalibrated =
        Counter.builder("fleetlearn.thresholds.recalibrated")
            .description(
                "Champions whose alert threshold was chosen again on their scores of later windows"
                    + " and published as a new version")
            .register(registry);
    trainingTimer =
        Timer.builder("fleetlearn.training.duration")
            .description("Wall-clock time to train one machine's challenger (xgboost4j)")
            .serviceLevelObjectives(
                millis(5),
                millis(10),
                millis(25),
                millis(50),
                millis(100),
                millis(250),
                millis(500),
                millis(1000),
                millis(2500),
                millis(5000),
                millis(10_000),
                millis(30_000))
            .register(registry);
    modelBytes =
        DistributionSummary.builder("fleetlearn.model.size")
            .description("Size of a trained model in XGBoost's UBJ format")
            .baseUnit("bytes")
            .serviceLevelObjectives(
                1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 16_777_216)
            .register(registry);
    windowCloseDelay =
        Timer.builder("fleetlearn.window.close.delay")
            .description(
                "Wall-clock time from the end of an event-time window to its on-time pane being"
                    + " trained: how far behind real time models are")
            .serviceLevelObjectives(
                seconds(1),
                seconds(2),
                seconds(5),
                seconds(10),
                seconds(20),
                seconds(30),
                seconds(60),
                seconds(120),
                seconds(300),
                seconds(600),
                seconds(1800),
                seconds(3600))
            .register(registry);
    unscored =
        Counter.builder("fleetlearn.predictions.unscored")
            .description(
                "Accepted events not scored: their machine has no champion and there is no fleet"
                    + " model yet (or the fleet model is off)")
            .register(registry);
    scoringTimer =
        Timer.builder("fleetlearn.scoring.duration")
            .description(
                "Time to score one event with an already loaded model (the evaluator call only)")
            .serviceLevelObjectives(
                Duration.ofNanos(1_000),
                Duration.ofNanos(2_500),
                Duration.ofNanos(5_000),
                Duration.ofNanos(10_000),
                Duration.ofNanos(25_000),
                Duration.ofNanos(50_000),
                Duration.ofNanos(100_000),
                millis(1),
                millis(10))
            .register(registry);
    Gauge.builder("fleetlearn.event.time.lag", this, m -> m.eventTimeLagSeconds())
        .description(
            "Wall clock minus the largest event time read by this JVM's Kafka source (NaN before"
                + " the first event)")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
    Gauge.builder("fleetlearn.watermark.lag", this, m -> m.watermarkLagSeconds())
        .description(
            "Wall clock minus the lowest watermark of the Kafka partitions this JVM reads, as the"
                + " source's timestamp policy computes it (NaN before the first watermark)")
        .baseUnit("seconds")
        .strongReference(true)
        .register(registry);
    Gauge.builder("fleetlearn.kafka.consumer.lag", this, m -> m.kafkaBacklog())
        .description(
            "Records between the read position and the end of the Kafka partitions this JVM reads"
                + " (the source's own backlog estimate; NaN when unknown)")
        .baseUnit("records")
        .strongReference(true)
        .register(registry);
    Gauge.builder(
            "fleetlearn.source.partitions",
            this,
            m -> SourceProgress.snapshot(m.clock.getAsLong()).partitions)
        .description("Kafka partitions this JVM's source reads")
        .strongReference(true)
        .register(registry);
    Gauge.builder(
            "fleetlearn.source.partitions.without.watermark",
            this,
            m -> SourceProgress.snapshot(m.clock.getAsLong()).withoutWatermark)
        .description(
            "Partitions this JVM reads that have no watermark yet (no valid event, not idle): while"
                + " there are any, the source holds every window back; the watermark lag ignores"
                + " them")
        .strongReference(true)
        .register(registry);
  }

  private Counter windowsClosed(String timing) {
    return Counter.builder("fleetlearn.windows.closed")
        .description("Window panes that fired with events, by pane timing (ON_TIME or LATE)")
        .tag("timing", timing)
        .register(registry);
  }

  private static Duration millis(long ms) {
    return Duration.ofMillis(ms);
  }

  private static Duration seconds(long s) {
    return Duration.ofSeconds(s);
  }

  /**
   * This JVM's metrics; opens the endpoint on first use when {@code config} enables it. Every
   * acquire must be paired with one {@link #release()}.
   */
  public static PipelineMetrics acquire(MetricsConfig config) {
    return JVM.acquire(config);
  }

  /** Gives back one {@link #acquire}; the last one closes the endpoint and the registry. */
  public void release() {
    holder.release(this);
  }

  /**
   * The shared instance and its reference count. One per JVM (class loader) in production; tests
   * make their own so they do not depend on what other tests left behind.
   */
  static final class Holder {
    private @Nullable PipelineMetrics instance;
    private int references;

    synchronized PipelineMetrics acquire(MetricsConfig config) {
      PipelineMetrics m = instance;
      if (m == null) {
        m =
            new PipelineMetrics(
                this,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                System::currentTimeMillis);
        m.bindJvmMetrics();
        instance = m;
      }
      if (config.enabled() && m.endpoint == null && !m.endpointFailed) {
        m.openEndpoint(config);
      }
      references++;
      return m;
    }

    synchronized void release(PipelineMetrics m) {
      if (instance != m || references == 0) {
        return;
      }
      if (--references > 0) {
        return;
      }
      instance = null;
      m.close();
    }

    synchronized int references() {
      return references;
    }
  }

  private void close() {
    if (endpoint != null) {
      endpoint.close();
      endpoint = null;
    }
    if (gc != null) {
      gc.close();
      gc = null;
    }
    registry.close();
  }

  private void openEndpoint(MetricsConfig config) {
    try {
      Optional<MetricsEndpoint> e =
          MetricsEndpoint.tryStart(registry, config.bindAddress(), config.ports());
      if (e.isPresent()) {
        endpoint = e.get();
        LOG.info("Pipeline metrics at {}", endpoint.url());
      } else {
        endpointFailed = true;
        LOG.warn(
            "No free port in {} on {}: this JVM's pipeline metrics are not exposed",
            config.ports(),
            config.bindAddress());
      }
    } catch (IOException | RuntimeException e) {
      endpointFailed = true;
      LOG.warn("Could not open the pipeline metrics endpoint ({}): {}", config, e.toString());
    }
  }

  private void bindJvmMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
  }

  /** The scrape URL of this JVM's endpoint, if one is open. */
  public Optional<String> endpointUrl() {
    synchronized (holder) {
      return endpoint == null ? Optional.empty() : Optional.of(endpoint.url());
    }
  }

  /** The endpoint's port, if one is open. */
  public Optional<Integer> endpointPort() {
    synchronized (holder) {
      return endpoint == null ? Optional.empty() : Optional.of(endpoint.port());
    }
  }

  /** The registry, e.g. to add a binder or to {@link PrometheusMeterRegistry#scrape()} in tests. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** One record read from the source. */
  public void eventRead() {
    read.increment();
  }

  /** The registry cleared the entry of a machine silent for the state retention. */
  public void registryEntryExpired() {
    expired.increment();
  }

  /** A champion's threshold was chosen again and published as a new version. */
  public void thresholdRecalibrated() {
    recalibrated.increment();
  }

  /** One record accepted as a valid sensor event. */
  public void eventAccepted() {
    accepted.increment();
  }

  /**
   * One record dead-lettered; the reason is an enum constant, so the label stays bounded.
   *
   * @param reasonCode e.g. {@code RejectReason.MALFORMED_JSON}
   */
  public void deadLettered(Enum<?> reasonCode) {
    deadLettered
        .computeIfAbsent(
            reasonCode,
            r ->
                Counter.builder("fleetlearn.events.dead.lettered")
                    .description("Records sent to the dead-letter topic, by reason code")
                    .tag("reason", r.name())
                    .register(registry))
        .increment();
  }

  /**
   * A window pane fired with events. For an on-time pane, also records how long after the window's
   * end (wall clock) it fired.
   */
  public void windowClosed(boolean late, long windowEndMillis) {
    if (late) {
      windowsLate.increment();
    } else {
      windowsOnTime.increment();
      windowCloseDelay.record(
          Math.max(0, clock.getAsLong() - windowEndMillis), TimeUnit.MILLISECONDS);
    }
  }

  /** Training time of each challenger; {@link #modelTrained} records into it. */
  public Timer trainingTimer() {
    return trainingTimer;
  }

  /** Sizes of trained models in bytes; {@link #modelTrained} records into it. */
  public DistributionSummary modelBytes() {
    return modelBytes;
  }

  /** A challenger was trained in {@code trainingMillis}, its model {@code bytes} long. */
  public void modelTrained(long trainingMillis, long bytes) {
    trained.increment();
    trainingTimer.record(Math.max(0, trainingMillis), TimeUnit.MILLISECONDS);
    modelBytes.record(bytes);
  }

  /** The registry decided a window's challenger: e.g. {@code ModelUpdate.Status.PROMOTED}. */
  public void modelDecision(Enum<?> status) {
    decisions
        .computeIfAbsent(
            status,
            s ->
                Counter.builder("fleetlearn.model.decisions")
                    .description(
                        "Registry decisions per window pane: PROMOTED, REJECTED or SKIPPED")
                    .tag("status", s.name())
                    .register(registry))
        .increment();
  }

  /** A drift report was published: e.g. {@code DriftReport.Status.DRIFT}. */
  public void driftReport(Enum<?> status) {
    driftReports
        .computeIfAbsent(
            status,
            s ->
                Counter.builder("fleetlearn.drift.reports")
                    .description("Drift reports published, by status")
                    .tag("status", s.name())
                    .register(registry))
        .increment();
  }

  /**
   * One event scored in {@code nanos} by a model of {@code source} (e.g. {@code
   * ModelSource.MACHINE}); {@code alert} when it reached the alert threshold.
   */
  public void eventScored(Enum<?> source, long nanos, boolean alert) {
    counterFor(predictions, source, "fleetlearn.predictions", "Events scored, by model source")
        .increment();
    if (alert) {
      counterFor(
              alerts,
              source,
              "fleetlearn.predictions.alerts",
              "Predictions at or above the alert threshold, by model source")
          .increment();
    }
    scoringTimer.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** An accepted event that no model could score. */
  public void eventUnscored() {
    unscored.increment();
  }

  /** A scoring instance parsed a model (a new version reached it, or its cache had evicted it). */
  public void scoringModelLoaded(Enum<?> source) {
    counterFor(
            modelLoads,
            source,
            "fleetlearn.scoring.model.loads",
            "Models parsed by scoring instances (after a promotion or a cache eviction), by source")
        .increment();
  }

  /** Scoring latency per event; {@link #eventScored} records into it. */
  public Timer scoringTimer() {
    return scoringTimer;
  }

  private Counter counterFor(
      Map<Enum<?>, Counter> counters, Enum<?> source, String name, String description) {
    return counters.computeIfAbsent(
        source,
        s ->
            Counter.builder(name)
                .description(description)
                .tag("source", s.name())
                .register(registry));
  }

  double eventTimeLagSeconds() {
    long now = clock.getAsLong();
    return SourceProgress.Snapshot.lagSeconds(now, SourceProgress.snapshot(now).maxEventMillis);
  }

  double watermarkLagSeconds() {
    long now = clock.getAsLong();
    return SourceProgress.Snapshot.lagSeconds(now, SourceProgress.snapshot(now).minWatermarkMillis);
  }

  double kafkaBacklog() {
    long b = SourceProgress.snapshot(clock.getAsLong()).backlog;
    return b < 0 ? Double.NaN : b;
  }
}
