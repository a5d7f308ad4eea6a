package io.fleetlearn.io;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Whether the broker may delete an input topic's records before the job reads them: time-based
 * retention ({@code cleanup.policy} with {@code delete}, {@code retention.ms} not -1) measures a
 * record's age by its timestamp, and with {@code message.timestamp.type=CreateTime} (Kafka's
 * default) that is the producer's: a replay of months-old history into a topic with 7 days'
 * retention is deleted at the broker's next retention check. {@code run} and {@code topics} call
 * {@link #check} at start and print the warning; the age is that of the earliest record of each
 * partition, so history appended behind newer records is not seen.
 */
public final class RetentionCheck {
  private RetentionCheck() {}

  /** What the check reads of a topic: its retention settings and its oldest record's timestamp. */
  public record TopicRetention(
      String topic,
      String cleanupPolicy,
      long retentionMs,
      String timestampType,
      @Nullable Instant oldestRecord) {}

  /**
   * The warning for {@code t} at {@code now}, if its oldest record is older than the topic keeps
   * records by their timestamps.
   */
  public static Optional<String> assess(TopicRetention t, Instant now) {
    if (!t.cleanupPolicy().contains("delete")
        || t.retentionMs() < 0
        || t.oldestRecord() == null
        || !"CreateTime".equals(t.timestampType())) {
      return Optional.empty();
    }
    Duration age = Duration.between(t.oldestRecord(), now);
    if (age.toMillis() <= t.retentionMs()) {
      return Optional.empty();
    }
    return Optional.of(
        "warning: topic "
            + t.topic()
            + " keeps records for retention.ms="
            + t.retentionMs()
            + " ("
            + human(Duration.ofMillis(t.retentionMs()))
            + ") by their own timestamps, and its oldest record is stamped "
            + t.oldestRecord()
            + " ("
            + human(age)
            + " ago): the broker deletes such records at its next retention check, possibly"
            + " before the job reads them. To replay history, set retention.ms=-1 on the topic"
            + " (kafka-configs.sh --alter --entity-type topics --entity-name "
            + t.topic()
            + " --add-config retention.ms=-1) or message.timestamp.type=LogAppendTime before"
            + " producing, and restore the retention afterwards (docs/reliability.md, Replaying"
            + " history)");
  }

  /**
   * Reads {@code topic}'s settings and the timestamps of its partitions' earliest records, and
   * returns the warning {@link #assess} gives; empty if the topic does not exist or has no record.
   */
  public static Optional<String> check(
      KafkaClientConfig kafka, String topic, Instant now, Duration timeout)
      throws InterruptedException {
    TopicRetention t = read(kafka, topic, timeout);
    return t == null ? Optional.empty() : assess(t, now);
  }

  /** How long {@link #warnIfShort} waits for the broker's answers. */
  static final Duration TIMEOUT = Duration.ofSeconds(15);

  /**
   * Passes {@link #check}'s warning for {@code topic} to {@code out}; a check that cannot be made
   * (no permission to describe the topic's configuration, say) is said too, and is no failure.
   */
  public static void warnIfShort(KafkaClientConfig kafka, String topic, Consumer<String> out)
      throws InterruptedException {
    try {
      check(kafka, topic, Instant.now(), TIMEOUT).ifPresent(out);
    } catch (KafkaException | IllegalStateException e) {
      out.accept(
          "warning: could not check the retention of topic "
              + topic
              + " against its oldest"
              + " record: "
              + e.getMessage());
    }
  }

  /** The topic's retention settings and oldest record; null if the topic does not exist. */
  public static @Nullable TopicRetention read(
      KafkaClientConfig kafka, String topic, Duration timeout) throws InterruptedException {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config;
    try (Admin admin = KafkaClients.admin(kafka)) {
      config =
          admin
              .describeConfigs(List.of(resource))
              .all()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .get(resource);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return null;
      }
      throw new IllegalStateException(
          "cannot read the configuration of topic " + topic + ": " + e.getCause(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "cannot read the configuration of topic " + topic + " within " + timeout, e);
    }
    return new TopicRetention(
        topic,
        value(config, "cleanup.policy", "delete"),
        Long.parseLong(value(config, "retention.ms", "604800000")),
        value(config, "message.timestamp.type", "CreateTime"),
        oldestRecord(kafka, topic, timeout));
  }

  private static String value(Config config, String name, String otherwise) {
    ConfigEntry e = config.get(name);
    return e == null || e.value() == null ? otherwise : e.value();
  }

  /** The earliest timestamp among the first records of the topic's partitions. */
  private static @Nullable Instant oldestRecord(
      KafkaClientConfig kafka, String topic, Duration timeout) {
    try (KafkaConsumer<byte[], byte[]> c =
        KafkaClients.reader(
            kafka, "fleetlearn-retention-check", Map.of("max.poll.records", "500"))) {
      List<TopicPartition> parts = KafkaClients.partitions(c, topic, timeout);
      Map<TopicPartition, Long> begin = c.beginningOffsets(parts, timeout);
      Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
      List<TopicPartition> withRecords = new ArrayList<>();
      for (TopicPartition p : parts) {
        if (end.get(p) > begin.get(p)) {
          withRecords.add(p);
        }
      }
      if (withRecords.isEmpty()) {
        return null;
      }
      c.assign(withRecords);
      c.seekToBeginning(withRecords);
      Map<TopicPartition, Long> first = new HashMap<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (first.size() < withRecords.size() && System.nanoTime() - deadline < 0) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          first.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.timestamp());
        }
        // A partition read to its end without a record (aborted transactions only) has none.
        for (TopicPartition p : withRecords) {
          if (!first.containsKey(p) && c.position(p, timeout) >= end.get(p)) {
            first.put(p, Long.MAX_VALUE);
          }
        }
      }
      long oldest = first.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
      return oldest == Long.MAX_VALUE || oldest < 0 ? null : Instant.ofEpochMilli(oldest);
    }
  }

  private static String human(Duration d) {
    long days = d.toDays();
    if (days >= 2) {
      return days + " days";
    }
    long hours = d.toHours();
    return hours >= 2 ? hours + " hours" : d.toMinutes() + " minutes";
  }
}
