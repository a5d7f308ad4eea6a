package io.fleetlearn.io;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The one place that builds Kafka clients outside the pipeline's source and sinks, each from the
 * user's {@link KafkaClientConfig} (bootstrap servers, SASL/SSL settings) with the product's
 * settings added where the user's file does not set them.
 */
public final class KafkaClients {
  private KafkaClients() {}

  /**
   * A consumer of raw bytes for reading topics as they are, not as a member of a group: no {@code
   * group.id} (the caller assigns partitions), nothing committed, from the earliest offset unless
   * it seeks, and only committed records of transactions ({@code read_committed}): the product's
   * outputs are written in transactions, and an aborted record is no decision.
   *
   * @param clientId names the client in the broker's logs and metrics (the user's file wins)
   * @param overrides further settings that win over the user's file
   */
  public static KafkaConsumer<byte[], byte[]> reader(
      KafkaClientConfig kafka, String clientId, Map<String, Object> overrides) {
    Map<String, Object> p = kafka.asMap();
    p.remove("group.id");
    p.put("enable.auto.commit", "false");
    p.put("isolation.level", "read_committed");
    p.put("auto.offset.reset", "earliest");
    p.putIfAbsent("client.id", clientId);
    p.putAll(overrides);
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** {@link #reader(KafkaClientConfig, String, Map)} without overrides. */
  public static KafkaConsumer<byte[], byte[]> reader(KafkaClientConfig kafka, String clientId) {
    return reader(kafka, clientId, Map.of());
  }

  /**
   * A producer of raw bytes: every replica acknowledges ({@code acks=all}), idempotent, lz4 batches
   * lingering 20 ms, and one request in flight. Right after topics are created a partition can
   * refuse the first batch (NOT_LEADER) while later in-flight batches get
   * OUT_OF_ORDER_SEQUENCE_NUMBER until they expire; one request in flight keeps the idempotent
   * producer in order, at little cost with batching.
   *
   * @param overrides settings that win over both the user's file and these defaults
   */
  public static KafkaProducer<byte[], byte[]> producer(
      KafkaClientConfig kafka, String clientId, Map<String, Object> overrides) {
    Map<String, Object> p = kafka.asMap();
    p.putIfAbsent("client.id", clientId);
    p.putIfAbsent("acks", "all");
    p.putIfAbsent("enable.idempotence", "true");
    p.putIfAbsent("linger.ms", "20");
    p.putIfAbsent("compression.type", "lz4");
    p.putIfAbsent("max.in.flight.requests.per.connection", "1");
    p.putAll(overrides);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** An admin client with the user's settings. */
  public static Admin admin(KafkaClientConfig kafka) {
    return Admin.create(kafka.asMap());
  }

  /** The partitions of {@code topic}; empty if it does not exist (yet). */
  public static List<TopicPartition> partitions(
      Consumer<?, ?> consumer, String topic, Duration timeout) {
    List<TopicPartition> parts = new ArrayList<>();
    List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
    if (infos != null) {
      for (PartitionInfo i : infos) {
        parts.add(new TopicPartition(topic, i.partition()));
      }
    }
    return parts;
  }

  /**
   * Records currently in {@code topic}: end minus beginning offsets over its partitions (exact for
   * topics written without transactions, such as the dead-letter topic).
   */
  public static long countRecords(Consumer<?, ?> consumer, String topic, Duration timeout) {
    List<TopicPartition> parts = partitions(consumer, topic, timeout);
    Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(parts, timeout);
    long n = 0;
    for (TopicPartition tp : parts) {
      n += end.get(tp) - begin.get(tp);
    }
    return n;
  }
}
