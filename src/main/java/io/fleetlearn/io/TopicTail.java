package io.fleetlearn.io;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every partition of some topics from the beginning, without a consumer group (nothing is
 * committed: a reader that restarts reads the topics again, which for the compacted model-updates
 * topic is the whole registry). Partitions that appear later, or topics that do not exist yet, are
 * picked up by a periodic re-check. Only committed transactional records are read. Not thread-safe
 * except {@link #wakeup()}.
 */
public final class TopicTail implements AutoCloseable {
  private static final long RECHECK_MILLIS = 30_000;
  private static final long RECHECK_INCOMPLETE_MILLIS = 5_000;

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<String> topics;
  private final Set<TopicPartition> assigned = new HashSet<>();
  private long nextCheckMillis;
  private boolean complete;

  public TopicTail(KafkaClientConfig kafka, List<String> topics) {
    Map<String, Object> p = kafka.asMap();
    p.put("enable.auto.commit", "false");
    p.remove("group.id");
    p.putIfAbsent("auto.offset.reset", "earliest");
    p.putIfAbsent("isolation.level", "read_committed");
    p.putIfAbsent("client.id", "fleetlearn-topic-tail");
    this.consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.topics = List.copyOf(topics);
  }

  /**
   * Waits up to {@code timeout} for records and hands each one with a value to {@code handler} as
   * (topic, value); returns how many it handed over. Tombstones (null values) are skipped.
   */
  public int poll(Duration timeout, BiConsumer<String, byte[]> handler) {
    long now = System.currentTimeMillis();
    if (now >= nextCheckMillis) {
      refreshAssignment();
      nextCheckMillis = now + (complete ? RECHECK_MILLIS : RECHECK_INCOMPLETE_MILLIS);
    }
    if (assigned.isEmpty()) {
      sleep(Math.min(timeout.toMillis(), 100));
      return 0;
    }
    int n = 0;
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
      if (r.value() != null) {
        handler.accept(r.topic(), r.value());
        n++;
      }
    }
    return n;
  }

  private void refreshAssignment() {
    Set<TopicPartition> all = new HashSet<>();
    boolean everyTopic = true;
    for (String topic : topics) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
      if (infos == null || infos.isEmpty()) {
        everyTopic = false;
        continue;
      }
      for (PartitionInfo i : infos) {
        all.add(new TopicPartition(topic, i.partition()));
      }
    }
    complete = everyTopic;
    if (all.equals(assigned)) {
      return;
    }
    List<TopicPartition> added = new ArrayList<>(all);
    added.removeAll(assigned);
    consumer.assign(all);
    consumer.seekToBeginning(added);
    assigned.clear();
    assigned.addAll(all);
  }

  /** Partitions being read. */
  public int assignedPartitions() {
    return assigned.size();
  }

  /** Makes a blocked or the next {@link #poll} throw {@code WakeupException}; any thread. */
  public void wakeup() {
    consumer.wakeup();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }
}
