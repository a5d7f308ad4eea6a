package io.fleetlearn.client;

import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.TopicTail;
import io.fleetlearn.registry.FleetModel;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.scoring.ModelEvaluator;
import io.fleetlearn.scoring.ModelEvaluators;
import io.fleetlearn.scoring.ModelSource;
import io.fleetlearn.training.AlertRule;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest promoted model of every machine, read from the compacted {@code model-updates} topic,
 * for services that score with them. A background thread reads every partition from the beginning
 * ({@code read_committed}, no consumer group, nothing committed) and keeps, per machine, the model
 * with the highest version: every record carries the machine's current champion, so REJECTED and
 * SKIPPED records never change it, and a replayed older version never rolls it back. A record whose
 * model does not match its sha256 is refused and counted ({@link #refusedRecords()}).
 *
 * <p>{@link #predict(String, float[])} scores with the machine's model, or with the fleet model
 * ({@link FleetModel#ID}) when the machine has none, exactly as the pipeline does, and alerts at
 * that model's own threshold. It is safe to call from any number of threads while models are being
 * replaced. Connection and security settings come from {@link KafkaClientConfig} (e.g. a {@code
 * --kafkaProperties} file).
 *
 * <pre>{@code
 * try (ModelRegistryClient models = ModelRegistryClient.start(kafka, "model-updates")) {
 *   models.awaitCaughtUp(Duration.ofSeconds(30));
 *   Optional<ModelRegistryClient.Prediction> p = models.predict("press-017", features);
 * }
 * }</pre>
 */
public final class ModelRegistryClient implements AutoCloseable {
  /** How long the client waits for the topic to exist. */
  private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);

  /** How long reading the topic as it is at start may take. */
  private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(5);

  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistryClient.class);

  /** A machine's entry: its last record's status and its current model. */
  public static final class MachineModel {
    private final ModelUpdate latest;
    private final @Nullable ModelUpdate champion;
    private final @Nullable ModelEvaluator evaluator;

    MachineModel(
        ModelUpdate latest, @Nullable ModelUpdate champion, @Nullable ModelEvaluator evaluator) {
      this.latest = latest;
      this.champion = champion;
      this.evaluator = evaluator;
    }

    public String machineId() {
      return latest.machineId();
    }

    /** The most recent record read for the machine (any status). */
    public ModelUpdate latest() {
      return latest;
    }

    /** The record that carried the current model (highest version); empty if there is none. */
    public Optional<ModelUpdate> champion() {
      return Optional.ofNullable(champion);
    }

    /** The current model's version; 0 without one. */
    public long version() {
      return champion == null ? 0 : champion.version();
    }

    /** The current model's alert threshold ({@link #DEFAULT_THRESHOLD} if its record has none). */
    public double threshold() {
      return champion == null ? DEFAULT_THRESHOLD : champion.modelThresholdOr(DEFAULT_THRESHOLD);
    }

    /** How the current model is evaluated ({@code java-trees} or {@code xgboost4j}). */
    public Optional<String> evaluatorKind() {
      return evaluator == null ? Optional.empty() : Optional.of(evaluator.kind());
    }
  }

  /**
   * A probability, the model that produced it, and that model's alert threshold ({@link
   * #DEFAULT_THRESHOLD} for a model whose record carries none).
   */
  public record Prediction(
      String machineId, float probability, ModelSource source, long version, double threshold) {
    /** probability ≥ threshold below 1, as the pipeline's predictions ({@link AlertRule}). */
    public boolean alert() {
      return AlertRule.alerts(probability, threshold);
    }
  }

  /** The alert threshold of a model whose record carries none (the pipeline's default). */
  public static final double DEFAULT_THRESHOLD = 0.5;

  private final TopicTail tail;
  private final String topic;
  private final Map<String, MachineModel> models = new ConcurrentHashMap<>();
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final AtomicLong records = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final Thread reader;
  private volatile boolean closed;
  private volatile @Nullable Exception failure;

  private ModelRegistryClient(KafkaClientConfig kafka, String topic) {
    // Each record carries a model of ~100 KB of base64.
    this.tail =
        new TopicTail(
            kafka,
            List.of(topic),
            "fleetlearn-model-registry-client",
            Map.of("max.partition.fetch.bytes", Integer.toString(16 * 1024 * 1024)));
    this.topic = topic;
    this.reader = new Thread(this::run, "model-registry-client-" + topic);
    this.reader.setDaemon(true);
  }

  /** Starts reading {@code topic}; close the client to stop. */
  public static ModelRegistryClient start(KafkaClientConfig kafka, String topic) {
    ModelRegistryClient c = new ModelRegistryClient(kafka, topic);
    c.reader.start();
    return c;
  }

  /**
   * Waits until every record that was on the topic when the client started has been read; returns
   * false if {@code timeout} passed first.
   *
   * @throws IOException if the reader failed (e.g. the topic does not exist)
   */
  public boolean awaitCaughtUp(Duration timeout) throws IOException, InterruptedException {
    boolean done = caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    Exception f = failure;
    if (f != null) {
      throw new IOException("reading " + topic + " failed: " + f.getMessage(), f);
    }
    return done;
  }

  private void run() {
    try {
      long deadline = System.currentTimeMillis() + TOPIC_TIMEOUT.toMillis();
      // Everything on the topic when the client started, then whatever comes.
      while (!closed) {
        tail.readToEnd(CATCH_UP_TIMEOUT, this::apply);
        if (tail.assignedPartitions() > 0) {
          break;
        }
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("topic " + topic + " does not exist");
        }
        Thread.sleep(500);
      }
      caughtUp.countDown();
      while (!closed) {
        tail.pollRecords(Duration.ofMillis(500), this::apply);
      }
    } catch (WakeupException e) {
      // close()
    } catch (Exception e) {
      if (!closed) {
        failure = e;
        LOG.warn("Model registry client stopped reading {}: {}", topic, e.toString());
      }
    } finally {
      caughtUp.countDown();
      tail.close();
    }
  }

  private void apply(ConsumerRecord<byte[], byte[]> r) {
    if (r.value() != null) {
      apply(r.value());
    }
  }

  /** Folds one record of the topic into the registry. Package-private for tests. */
  void apply(byte[] json) {
    records.incrementAndGet();
    ModelUpdate u;
    try {
      u = ModelUpdate.fromJson(json);
    } catch (IOException e) {
      refused.incrementAndGet();
      LOG.warn("Refused a model update: {}", e.getMessage());
      return;
    }
    MachineModel current = models.get(u.machineId());
    ModelUpdate champion = current == null ? null : current.champion;
    ModelEvaluator evaluator = current == null ? null : current.evaluator;
    if (u.model() != null && (champion == null || u.version() > champion.version())) {
      try {
        evaluator = ModelEvaluators.load(u.model());
        champion = u;
      } catch (Exception e) {
        refused.incrementAndGet();
        LOG.warn("Cannot load model v{} of {}: {}", u.version(), u.machineId(), e.getMessage());
      }
    }
    MachineModel next = new MachineModel(u, champion, evaluator);
    models.put(u.machineId(), next);
    if (current != null && current.evaluator != null && current.evaluator != evaluator) {
      // A pure-Java evaluator holds no native memory; a native one is closed, and a predict() that
      // still held it retries with the new one.
      current.evaluator.close();
    }
  }

  /**
   * Scores one row of feature values (in the order of the model's {@code features}, {@code NaN} for
   * missing) with the machine's model, or the fleet model if the machine has none; empty when
   * neither exists.
   */
  public Optional<Prediction> predict(String machineId, float[] features) {
    for (int attempt = 0; ; attempt++) {
      MachineModel m = models.get(machineId);
      ModelSource source = ModelSource.MACHINE;
      if (m == null || m.evaluator == null) {
        m = models.get(FleetModel.ID);
        source = ModelSource.FLEET;
      }
      if (m == null || m.evaluator == null) {
        return Optional.empty();
      }
      try {
        return Optional.of(
            new Prediction(
                machineId, m.evaluator.predict(features), source, m.version(), m.threshold()));
      } catch (IllegalStateException replacedWhileScoring) {
        if (attempt >= 3) {
          throw replacedWhileScoring;
        }
      }
    }
  }

  /** As {@link #predict(String, float[])} with features by name; a missing name is missing. */
  public Optional<Prediction> predict(String machineId, Map<String, ? extends Number> features) {
    MachineModel m = models.get(machineId);
    if (m == null || m.champion == null) {
      m = models.get(FleetModel.ID);
    }
    if (m == null || m.champion == null) {
      return Optional.empty();
    }
    List<String> names = m.champion.features();
    float[] row = new float[names.size()];
    for (int i = 0; i < row.length; i++) {
      Number v = features.get(names.get(i));
      row[i] = v == null ? Float.NaN : v.floatValue();
    }
    return predict(machineId, row);
  }

  /** The machine's entry, if any record of it has been read. */
  public Optional<MachineModel> model(String machineId) {
    return Optional.ofNullable(models.get(machineId));
  }

  /** Every entry read so far (machines and the fleet model), in no particular order. */
  public List<MachineModel> models() {
    return new ArrayList<>(models.values());
  }

  /** Records read so far. */
  public long recordsRead() {
    return records.get();
  }

  /** Records refused: malformed, a sha256 mismatch, or a model that does not load. */
  public long refusedRecords() {
    return refused.get();
  }

  @Override
  public void close() {
    closed = true;
    tail.wakeup();
    try {
      reader.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (MachineModel m : models.values()) {
      if (m.evaluator != null) {
        m.evaluator.close();
      }
    }
    models.clear();
  }
}
