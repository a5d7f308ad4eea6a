package io.fleetlearn.io;

import io.fleetlearn.registry.ModelUpdate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes model updates outside a pipeline (the batch warm start) with a plain producer, keyed
 * and configured as the pipeline's sink ({@link KafkaSinks}). It never overwrites: it first reads
 * the compacted topic to its end and leaves out every key that already has a record, because a
 * second "version 1" for an entity would reuse a version number.
 */
public final class ModelUpdatePublisher {
  /** What was published and which keys were left alone, with their current version. */
  public record Result(List<String> published, Map<String, Long> existing) {}

  private ModelUpdatePublisher() {}

  /**
   * Publishes the updates whose key has no record on {@code topic} yet, each also to {@code
   * historyTopic} unless it is empty; waits for every acknowledgement.
   */
  public static Result publishNew(
      KafkaClientConfig kafka,
      String topic,
      String historyTopic,
      List<ModelUpdate> updates,
      Duration timeout)
      throws IOException {
    Map<String, Long> existing = latestVersions(kafka, topic, timeout);
    Map<String, Object> props = KafkaSinks.producerConfig(kafka);
    props.put("bootstrap.servers", kafka.bootstrapServers());
    List<String> published = new ArrayList<>();
    try (KafkaProducer<String, byte[]> p =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (ModelUpdate u : updates) {
        if (!existing.containsKey(u.machineId())) {
          byte[] json = u.toJson();
          acks.add(p.send(new ProducerRecord<>(topic, u.machineId(), json)));
          if (!historyTopic.isEmpty()) {
            acks.add(p.send(new ProducerRecord<>(historyTopic, u.machineId(), json)));
          }
          published.add(u.machineId());
        }
      }
      p.flush();
      for (Future<RecordMetadata> a : acks) {
        a.get();
      }
    } catch (ExecutionException e) {
      throw new IOException("publishing to " + topic + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while publishing to " + topic, e);
    }
    return new Result(published, existing);
  }

  /**
   * The version in the latest record of every key on the compacted topic (-1 when that record is
   * not a readable model update), read from the beginning to the current end.
   */
  public static Map<String, Long> latestVersions(
      KafkaClientConfig kafka, String topic, Duration timeout) throws IOException {
    Map<String, Long> versions = new TreeMap<>();
    try (TopicTail tail = new TopicTail(kafka, List.of(topic), "fleetlearn-warm-start", Map.of())) {
      tail.readToEnd(
          timeout,
          r -> {
            if (r.key() == null) {
              return;
            }
            String key = new String(r.key(), StandardCharsets.UTF_8);
            if (r.value() == null) {
              versions.remove(key);
              return;
            }
            long v;
            try {
              v = ModelUpdate.fromJson(r.value()).version();
            } catch (IOException | RuntimeException e) {
              v = -1;
            }
            versions.put(key, v);
          });
    }
    return versions;
  }
}
