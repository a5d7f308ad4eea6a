package io.fleetlearn.io;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * What a Kafka topic should look like: name, partition count, replication factor and topic-level
 * configs. {@link #standard} describes the product's four topics.
 *
 * @param replicationFactor a positive factor, or {@link #BROKER_DEFAULT_REPLICATION} to use the
 *     broker's {@code default.replication.factor}
 */
public record TopicSpec(
    String name, int partitions, short replicationFactor, Map<String, String> configs) {

  /** Replication factor meaning "whatever the cluster's default.replication.factor says". */
  public static final short BROKER_DEFAULT_REPLICATION = -1;

  public TopicSpec {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("topic name is blank");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1 for " + name);
    }
    if (replicationFactor == 0 || replicationFactor < BROKER_DEFAULT_REPLICATION) {
      throw new IllegalArgumentException(
          "replicationFactor must be >= 1 or BROKER_DEFAULT_REPLICATION for " + name);
    }
    // Immutable (and null-free) so a spec can be shared between threads and pipeline stages.
    configs = configs == null ? Map.of() : Map.copyOf(configs);
  }

  /** A topic with the given partitions and replication factor and no topic-level configs. */
  public static TopicSpec of(String name, int partitions, short replicationFactor) {
    return new TopicSpec(name, partitions, replicationFactor, Map.of());
  }

  /** The admin-client request for this spec. */
  public NewTopic toNewTopic() {
    Optional<Short> rf =
        replicationFactor == BROKER_DEFAULT_REPLICATION
            ? Optional.empty()
            : Optional.of(replicationFactor);
    return new NewTopic(name, Optional.of(partitions), rf).configs(configs);
  }

  /**
   * The product's standard topics, replicated by the broker's default factor, so the same call fits
   * the single-node demo broker and a real cluster.
   *
   * <ul>
   *   <li>sensor events: delete 7 days after a record's timestamp (the producer's, by default): a
   *       replay of older history needs a topic that keeps it (docs/reliability.md);
   *   <li>model updates: compacted, so a restarting scorer reads the latest model per machine
   *       instead of every version ever trained; a low dirty ratio and hourly segments let the
   *       cleaner catch up quickly because each model is large and superseded often;
   *   <li>drift metrics and dead letters: delete after 30 days (kept for investigation).
   * </ul>
   */
  public static List<TopicSpec> standard(
      String sensorEvents,
      String modelUpdates,
      String driftMetrics,
      String deadLetters,
      int partitions) {
    return standard(
        sensorEvents,
        modelUpdates,
        driftMetrics,
        deadLetters,
        partitions,
        BROKER_DEFAULT_REPLICATION);
  }

  /** As {@link #standard(String, String, String, String, int)} with an explicit factor. */
  public static List<TopicSpec> standard(
      String sensorEvents,
      String modelUpdates,
      String driftMetrics,
      String deadLetters,
      int partitions,
      short replicationFactor) {
    return List.of(
        new TopicSpec(sensorEvents, partitions, replicationFactor, deleteAfter(Duration.ofDays(7))),
        new TopicSpec(
            modelUpdates,
            partitions,
            replicationFactor,
            Map.of(
                "cleanup.policy", "compact",
                "min.cleanable.dirty.ratio", "0.1",
                "segment.ms", Long.toString(Duration.ofHours(1).toMillis()))),
        new TopicSpec(
            driftMetrics, partitions, replicationFactor, deleteAfter(Duration.ofDays(30))),
        new TopicSpec(
            deadLetters, partitions, replicationFactor, deleteAfter(Duration.ofDays(30))));
  }

  /**
   * The defect-predictions topic: one record per scored event, as many as sensor events, so it is
   * deleted after 7 days like them.
   */
  public static TopicSpec predictions(String name, int partitions, short replicationFactor) {
    return new TopicSpec(name, partitions, replicationFactor, deleteAfter(Duration.ofDays(7)));
  }

  private static Map<String, String> deleteAfter(Duration retention) {
    return Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(retention.toMillis()));
  }
}
