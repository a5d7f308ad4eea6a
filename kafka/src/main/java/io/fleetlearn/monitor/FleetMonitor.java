package io.fleetlearn.monitor;

import io.fleetlearn.drift.DriftReport;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.TopicTail;
import io.fleetlearn.metrics.MetricsEndpoint;
import io.fleetlearn.registry.FleetModel;
import io.fleetlearn.registry.ModelUpdate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.kafka.common.errors.WakeupException;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code monitor} service: reads the model-updates and drift-metrics topics from the beginning,
 * keeps the latest state of every machine ({@link FleetState}) and exports it through its own
 * Prometheus endpoint, per machine for the worst N and a watch list, as fleet aggregates for all
 * ({@link FleetGauges}). It needs only Kafka, so it works with any runner, and it keeps no state of
 * its own: a restart rebuilds everything from the topics.
 *
 * <p>One thread owns the state: it polls, folds records in, and refreshes the gauges every {@link
 * MonitorConfig#refreshInterval()}. Unreadable records are counted and skipped.
 */
public final class FleetMonitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FleetMonitor.class);
  private static final Duration POLL = Duration.ofMillis(500);
  private static final long ERROR_BACKOFF_MILLIS = 2_000;

  private final MonitorConfig config;
  private final PrometheusMeterRegistry registry;
  private final LongSupplier clock;
  private final FleetState state = new FleetState();
  private final FleetGauges gauges;
  private final Counter updatesRead;
  private final Counter updatesUnreadable;
  private final Counter reportsRead;
  private final Counter reportsUnreadable;
  private volatile int machines;

  /** Latest version and AUC of the fleet model ({@link FleetModel#ID}), which is not a machine. */
  private volatile long fleetModelVersion;

  private volatile double fleetModelAuc = Double.NaN;

  private volatile long records;
  private long nextRefreshMillis;

  private @Nullable MetricsEndpoint endpoint;
  private @Nullable TopicTail tail;
  private @Nullable Thread thread;
  private volatile boolean closed;

  FleetMonitor(MonitorConfig config, PrometheusMeterRegistry registry, LongSupplier clock) {
    this.config = config;
    this.registry = registry;
    this.clock = clock;
    this.gauges = new FleetGauges(registry, config.worstMachines(), config.watchMachines(), clock);
    updatesRead = records(config.modelUpdatesTopic(), "ok");
    updatesUnreadable = records(config.modelUpdatesTopic(), "unreadable");
    reportsRead = records(config.driftMetricsTopic(), "ok");
    reportsUnreadable = records(config.driftMetricsTopic(), "unreadable");
    Gauge.builder("fleetlearn.fleet.model.version", this, m -> m.fleetModelVersion)
        .description("Latest promoted version of the fleet model (0: none yet)")
        .register(registry);
    Gauge.builder("fleetlearn.fleet.model.auc", this, m -> m.fleetModelAuc)
        .description("Holdout AUC of the fleet model's latest promoted version")
        .register(registry);
  }

  private Counter records(String topic, String result) {
    return Counter.builder("fleetlearn.monitor.records")
        .description("Records the monitor read, by topic and result (ok or unreadable)")
        .tag("topic", topic)
        .tag("result", result)
        .register(registry);
  }

  /**
   * Starts the endpoint and the reading thread.
   *
   * @throws java.net.BindException when no port of the configured range is free
   */
  public static FleetMonitor start(KafkaClientConfig kafka, MonitorConfig config)
      throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    FleetMonitor m = new FleetMonitor(config, registry, System::currentTimeMillis);
    m.endpoint = MetricsEndpoint.start(registry, config.bindAddress(), config.ports());
    try {
      m.tail =
          new TopicTail(kafka, List.of(config.modelUpdatesTopic(), config.driftMetricsTopic()));
    } catch (RuntimeException e) {
      m.endpoint.close();
      throw e;
    }
    Thread t = new Thread(m::run, "fleet-monitor");
    t.setDaemon(true);
    m.thread = t;
    t.start();
    LOG.info(
        "Fleet monitor at {} reading {}",
        m.endpoint.url(),
        List.of(config.modelUpdatesTopic(), config.driftMetricsTopic()));
    return m;
  }

  private void run() {
    TopicTail t = tail;
    while (!closed) {
      try {
        t.poll(POLL, this::accept);
        long now = clock.getAsLong();
        if (now >= nextRefreshMillis) {
          refresh();
          nextRefreshMillis = now + config.refreshInterval().toMillis();
        }
      } catch (WakeupException e) {
        if (closed) {
          return;
        }
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        LOG.warn("Fleet monitor: {}; retrying in {} ms", e.toString(), ERROR_BACKOFF_MILLIS);
        try {
          Thread.sleep(ERROR_BACKOFF_MILLIS);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  /** Folds one record of either topic into the state. */
  void accept(String topic, byte[] value) {
    records++;
    if (topic.equals(config.modelUpdatesTopic())) {
      try {
        ModelUpdate u = ModelUpdate.fromJson(value);
        if (FleetModel.isFleet(u.machineId())) {
          // The fleet fallback model is not a machine: it has gauges of its own.
          if (u.changesServedModel() && u.version() >= fleetModelVersion) {
            fleetModelVersion = u.version();
            if (u.status() == ModelUpdate.Status.PROMOTED) {
              fleetModelAuc = u.metrics() == null ? Double.NaN : u.metrics().auc();
            }
          }
        } else {
          state.apply(u);
        }
        updatesRead.increment();
      } catch (IOException | RuntimeException e) {
        updatesUnreadable.increment();
      }
    } else if (topic.equals(config.driftMetricsTopic())) {
      try {
        state.apply(DriftReport.fromJson(value));
        reportsRead.increment();
      } catch (IOException | RuntimeException e) {
        reportsUnreadable.increment();
      }
    }
    machines = state.size();
  }

  /** Recomputes the exported gauges from the state (on the owning thread). */
  void refresh() {
    gauges.refresh(state);
  }

  /** The scrape URL of the monitor's endpoint. */
  public String url() {
    return endpoint == null ? "" : endpoint.url();
  }

  /** The endpoint's port, or 0 without one. */
  public int port() {
    return endpoint == null ? 0 : endpoint.port();
  }

  /** Machines seen so far. */
  public int machines() {
    return machines;
  }

  /** Records read so far (both topics, readable or not). */
  public long recordsRead() {
    return records;
  }

  /** Machines currently exported individually. */
  public int exportedMachines() {
    return gauges.exportedMachines();
  }

  /** The current exposition, as the endpoint serves it. */
  public String scrape() {
    return registry.scrape();
  }

  /** Stops the thread, the consumer and the endpoint; waits up to 10 s for the thread. */
  @Override
  public void close() {
    closed = true;
    if (tail != null) {
      tail.wakeup();
    }
    if (thread != null) {
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (tail != null) {
      try {
        tail.close();
      } catch (RuntimeException e) {
        LOG.warn("Closing the fleet monitor's consumer: {}", e.toString());
      }
    }
    if (endpoint != null) {
      endpoint.close();
    }
    registry.close();
  }
}
