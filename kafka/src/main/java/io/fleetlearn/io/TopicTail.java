package io.fleetlearn.io;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads every partition of some topics from the beginning, without a consumer group (nothing is
 * committed: a reader that restarts reads the topics again, which for the compacted model-updates
 * topic is the whole registry). The product's one reader of its compacted topics: the registry's
 * seeds, the registry client, the fleet monitor and the warm start read through it. Partitions that
 * appear later, or topics that do not exist yet, are picked up by a periodic re-check. Only
 * committed transactional records are read ({@link KafkaClients#reader}). Not thread-safe except
 * {@link #wakeup()}.
 */
public final class TopicTail implements AutoCloseable {
  private static final long RECHECK_MILLIS = 30_000;
  private static final long RECHECK_INCOMPLETE_MILLIS = 5_000;
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<String> topics;
  private final Set<TopicPartition> assigned = new HashSet<>();
  private long nextCheckMillis;
  private boolean complete;

  /** A reader of {@code topics} with the default client settings. */
  public TopicTail(KafkaClientConfig kafka, List<String> topics) {
    this(kafka, topics, "fleetlearn-topic-tail", Map.of());
  }

  /**
   * @param clientId names the reader in the broker's logs and metrics
   * @param overrides consumer settings that win over the user's, e.g. a larger fetch size
   */
  public TopicTail(
      KafkaClientConfig kafka,
      List<String> topics,
      String clientId,
      Map<String, Object> overrides) {
    this.consumer = KafkaClients.reader(kafka, clientId, overrides);
    this.topics = List.copyOf(topics);
  }

  /**
   * Waits up to {@code timeout} for records and hands each one with a value to {@code handler} as
   * (topic, value); returns how many it handed over. Tombstones (null values) are skipped.
   */
  public int poll(Duration timeout, BiConsumer<String, byte[]> handler) {
    int[] n = {0};
    pollRecords(
        timeout,
        r -> {
          if (r.value() != null) {
            handler.accept(r.topic(), r.value());
            n[0]++;
          }
        });
    return n[0];
  }

  /**
   * Waits up to {@code timeout} for records and hands every one to {@code handler}, tombstones
   * included; returns how many.
   */
  public int pollRecords(Duration timeout, Consumer<ConsumerRecord<byte[], byte[]>> handler) {
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
      handler.accept(r);
      n++;
    }
    return n;
  }

  /**
   * Reads every record, tombstones included, from where this reader stands to the end each
   * partition has now (its last stable offset), and hands each to {@code handler}. Looks for new
   * partitions first.
   *
   * @throws IOException if the end is not reached within {@code timeout}
   */
  public void readToEnd(Duration timeout, Consumer<ConsumerRecord<byte[], byte[]>> handler)
      throws IOException {
    refreshAssignment();
    nextCheckMillis =
        System.currentTimeMillis() + (complete ? RECHECK_MILLIS : RECHECK_INCOMPLETE_MILLIS);
    if (assigned.isEmpty()) {
      return;
    }
    Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(assigned, timeout));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      end.entrySet().removeIf(e -> consumer.position(e.getKey(), timeout) >= e.getValue());
      if (end.isEmpty()) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IOException("could not read " + topics + " to their end within " + timeout);
      }
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        handler.accept(r);
      }
    }
  }

  /** Whether every topic exists (has partitions), as of the last check. */
  public boolean allTopicsFound() {
    return complete;
  }

  private void refreshAssignment() {
    Set<TopicPartition> all = new HashSet<>();
    boolean everyTopic = true;
    for (String topic : topics) {
      List<TopicPartition> parts = KafkaClients.partitions(consumer, topic, METADATA_TIMEOUT);
      if (parts.isEmpty()) {
        everyTopic = false;
      }
      all.addAll(parts);
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
