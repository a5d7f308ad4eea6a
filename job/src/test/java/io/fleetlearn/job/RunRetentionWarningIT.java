package io.fleetlearn.job;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.io.TopicAdmin;
import io.fleetlearn.io.TopicSpec;
import io.fleetlearn.io.embedded.EmbeddedKafkaBroker;
import io.fleetlearn.job.options.RetrainingOptions;
import io.fleetlearn.testing.kafka.KafkaTestSupport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run}'s start on a real broker: an input topic that deletes records 7 days after their
 * timestamps, holding history stamped months ago, gets a warning before the job is submitted; the
 * same history in a topic that keeps records forever gets none.
 */
class RunRetentionWarningIT {
  @TempDir Path dir;

  private static String prepare(String bootstrap, String events) throws Exception {
    RetrainingOptions o =
        RetrainingJob.parseOptions(
            new String[] {
              "--bootstrapServers=" + bootstrap,
              "--sensorEventsTopic=" + events,
              "--modelUpdatesTopic=rw-updates",
              "--driftMetricsTopic=rw-drift",
              "--deadLetterTopic=rw-dlq",
              "--predictionsTopic=",
              "--topicPartitions=1"
            },
            RetrainingOptions.class);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RunCommand.prepare(o, new PrintStream(out, true, StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void runWarnsAtStartWhenTheInputTopicWouldDeleteTheHistoryItHolds() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka")).start()) {
      String bootstrap = broker.bootstrapServers();
      TopicAdmin.createTopics(
          broker.adminProperties(),
          List.of(
              new TopicSpec(
                  "rw-week",
                  1,
                  (short) 1,
                  Map.of("retention.ms", Long.toString(Duration.ofDays(7).toMillis()))),
              new TopicSpec("rw-kept", 1, (short) 1, Map.of("retention.ms", "-1"))));
      long now = System.currentTimeMillis();
      long monthsAgo = now - Duration.ofDays(120).toMillis();
      try (KafkaProducer<byte[], byte[]> p = KafkaTestSupport.producer(bootstrap)) {
        for (String topic : List.of("rw-week", "rw-kept")) {
          byte[] key = "m-1".getBytes(StandardCharsets.UTF_8);
          KafkaTestSupport.send(p, topic, 0, key, "{}".getBytes(StandardCharsets.UTF_8), monthsAgo);
          // stamped now: the segment's newest timestamp keeps it from the retention check meanwhile
          KafkaTestSupport.send(p, topic, 0, key, "{}".getBytes(StandardCharsets.UTF_8), now);
        }
        KafkaTestSupport.flush(p);
      }

      String week = prepare(bootstrap, "rw-week");
      assertTrue(
          week.contains("warning: topic rw-week keeps records for retention.ms=604800000"), week);
      assertTrue(week.contains("(120 days ago)") && week.contains("retention.ms=-1"), week);

      String kept = prepare(bootstrap, "rw-kept");
      assertFalse(kept.contains("warning"), kept);
    }
  }
}
