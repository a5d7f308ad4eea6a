package io.fleetlearn.testing.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain kafka-clients helpers for integration tests; every loop is bounded in time. */
public final class KafkaTestSupport {
  private KafkaTestSupport() {}

  /** The first failed send of each producer, reported by {@link #flush}. */
  private static final Map<KafkaProducer<?, ?>, AtomicReference<Exception>> FAILURES =
      Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * An idempotent producer with one request in flight per partition: right after a topic is
   * created, a partition can answer NOT_LEADER_OR_FOLLOWER to the first batch while later batches
   * in flight get OUT_OF_ORDER_SEQUENCE_NUMBER until they expire, silently losing test input.
   */
  public static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(
            "bootstrap.servers",
            bootstrap,
            "acks",
            "all",
            "linger.ms",
            "5",
            "max.in.flight.requests.per.connection",
            "1"),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  /** Sends asynchronously; a failure is remembered and thrown by {@link #flush}. */
  public static void send(
      KafkaProducer<byte[], byte[]> p, String topic, byte[] key, byte[] value, long timestamp) {
    AtomicReference<Exception> failure = FAILURES.computeIfAbsent(p, k -> new AtomicReference<>());
    p.send(
        new ProducerRecord<>(topic, null, timestamp, key, value),
        (metadata, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          }
        });
  }

  /** As {@link #send(KafkaProducer, String, byte[], byte[], long)}, to the given partition. */
  public static void send(
      KafkaProducer<byte[], byte[]> p,
      String topic,
      int partition,
      byte[] key,
      byte[] value,
      long timestamp) {
    AtomicReference<Exception> failure = FAILURES.computeIfAbsent(p, k -> new AtomicReference<>());
    p.send(
        new ProducerRecord<>(topic, partition, timestamp, key, value),
        (metadata, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          }
        });
  }

  /** Flushes and fails if any record sent through {@link #send} was not written. */
  public static void flush(KafkaProducer<byte[], byte[]> p) {
    p.flush();
    AtomicReference<Exception> failure = FAILURES.get(p);
    if (failure != null && failure.get() != null) {
      throw new IllegalStateException("a test record was not written to Kafka", failure.get());
    }
  }

  /**
   * Reads {@code topic} from the beginning until {@code done} holds for the records read so far, or
   * {@code timeout} passes; returns what it read either way.
   */
  public static List<ConsumerRecord<byte[], byte[]>> readUntil(
      String bootstrap,
      String topic,
      Duration timeout,
      Predicate<List<ConsumerRecord<byte[], byte[]>>> done) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            Map.of(
                "bootstrap.servers",
                bootstrap,
                "enable.auto.commit",
                "false",
                "isolation.level",
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      c.partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.currentTimeMillis() + timeout.toMillis();
      while (System.currentTimeMillis() < deadline && !done.test(out)) {
        c.poll(Duration.ofMillis(250)).forEach(out::add);
      }
    }
    return out;
  }
}
