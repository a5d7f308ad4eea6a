package io.fleetlearn.job;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.io.TopicAdmin;
import io.fleetlearn.io.embedded.EmbeddedKafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} with more exactly-once sink shards than an output topic has partitions stops at
 * start, against a real broker, before any pipeline runs.
 */
class SinkShardsIT {
  @TempDir Path dir;

  @Test
  // Without the check, run would start the pipeline and never return: fail instead of hanging.
  @Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void moreShardsThanPartitionsStopsTheJobAtStartWithAClearMessage() throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka")).start()) {
      String bootstrap = broker.bootstrapServers();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  new RunCommand()
                      .run(
                          new String[] {
                            "--bootstrapServers=" + bootstrap,
                            "--sensorEventsTopic=shards-events",
                            "--modelUpdatesTopic=shards-updates",
                            "--driftMetricsTopic=shards-drift",
                            "--deadLetterTopic=shards-dlq",
                            "--predictionsTopic=",
                            "--topicPartitions=2",
                            "--sinkShards=3"
                          },
                          new PrintStream(out, true, StandardCharsets.UTF_8)));
      assertTrue(
          e.getMessage().startsWith("--sinkShards=3 needs at least 3 partitions"), e.getMessage());
      assertTrue(e.getMessage().contains("shards-updates (2)"), e.getMessage());
      assertTrue(e.getMessage().contains("shards-drift (2)"), e.getMessage());
      assertTrue(
          !out.toString(StandardCharsets.UTF_8).contains("running"), "no pipeline started: " + out);

      // As many shards as partitions pass the check.
      TopicAdmin.checkSinkShards(
          broker.adminProperties(), 2, List.of("shards-updates", "shards-drift", ""));
    }
  }
}
