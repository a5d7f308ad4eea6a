package io.fleetlearn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.io.embedded.EmbeddedKafkaBroker;
import io.fleetlearn.testing.kafka.KafkaTestSupport;
import io.fleetlearn.tools.TopicsCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real broker: history with months-old timestamps in an input topic that deletes records after
 * 7 days gets a warning from {@code topics} (and from {@code run}, which calls the same check); the
 * same history in a topic with {@code retention.ms=-1}, and recent records in one with 7 days, get
 * none.
 */
class RetentionCheckIT {
  private static final long WEEK_MS = Duration.ofDays(7).toMillis();

  @TempDir static Path dir;
  static EmbeddedKafkaBroker broker;
  static KafkaClientConfig kafka;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka")).partitions(1).start();
    kafka = KafkaClientConfig.of(Map.of("bootstrap.servers", broker.bootstrapServers()));
    TopicAdmin.createTopics(
        broker.adminProperties(),
        List.of(
            topic("history-week", Long.toString(WEEK_MS)),
            topic("history-kept", "-1"),
            topic("live-week", Long.toString(WEEK_MS))));
    long now = System.currentTimeMillis();
    long monthsAgo = now - Duration.ofDays(90).toMillis();
    try (KafkaProducer<byte[], byte[]> p = KafkaTestSupport.producer(broker.bootstrapServers())) {
      for (String t : List.of("history-week", "history-kept")) {
        for (int i = 0; i < 5; i++) {
          send(p, t, monthsAgo + i * 1000L);
        }
        // A record stamped now keeps the segment (its newest timestamp) from the broker's
        // retention check while the test runs; the months-old records come first.
        send(p, t, now);
      }
      send(p, "live-week", now - 60_000);
      KafkaTestSupport.flush(p);
    }
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  private static TopicSpec topic(String name, String retentionMs) {
    return new TopicSpec(
        name, 2, (short) 1, Map.of("cleanup.policy", "delete", "retention.ms", retentionMs));
  }

  private static void send(KafkaProducer<byte[], byte[]> p, String topic, long timestamp) {
    byte[] value = ("{\"at\":" + timestamp + "}").getBytes(StandardCharsets.UTF_8);
    KafkaTestSupport.send(p, topic, 0, "m-1".getBytes(StandardCharsets.UTF_8), value, timestamp);
  }

  private static String topicsCommand(String inputTopic) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int code =
        new TopicsCommand()
            .run(
                new String[] {
                  "--bootstrapServers=" + broker.bootstrapServers(),
                  "--sensorEventsTopic=" + inputTopic,
                  "--topicPartitions=2"
                },
                out);
    assertEquals(0, code);
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void topicsWarnsWhenTheInputTopicsRetentionIsShorterThanTheAgeOfItsOldestRecords()
      throws Exception {
    String out = topicsCommand("history-week");
    assertTrue(
        out.contains("warning: topic history-week keeps records for retention.ms=604800000"), out);
    assertTrue(out.contains("(7 days)") && out.contains("(90 days ago)"), out);
    assertTrue(out.contains("retention.ms=-1") && out.contains("LogAppendTime"), out);
  }

  @Test
  void topicsDoesNotWarnWhenTheInputTopicKeepsRecordsForever() throws Exception {
    String out = topicsCommand("history-kept");
    assertFalse(out.contains("warning"), out);
    Optional<String> warning =
        RetentionCheck.check(kafka, "history-kept", Instant.now(), Duration.ofSeconds(15));
    assertEquals(Optional.empty(), warning);
    RetentionCheck.TopicRetention read =
        RetentionCheck.read(kafka, "history-kept", Duration.ofSeconds(15));
    assertEquals(-1, read.retentionMs());
    assertTrue(
        read.oldestRecord().isBefore(Instant.now().minus(Duration.ofDays(89))),
        "the months-old records are there: " + read);
  }

  @Test
  void recentRecordsAndMissingTopicsGetNoWarning() throws Exception {
    assertEquals(
        Optional.empty(),
        RetentionCheck.check(kafka, "live-week", Instant.now(), Duration.ofSeconds(15)));
    assertEquals(
        Optional.empty(),
        RetentionCheck.check(kafka, "no-such-topic", Instant.now(), Duration.ofSeconds(15)));
  }
}
