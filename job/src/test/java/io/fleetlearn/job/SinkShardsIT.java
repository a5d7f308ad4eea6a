package io.fleetlearn.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.io.TopicAdmin;
import io.fleetlearn.io.TopicSpec;
import io.fleetlearn.io.embedded.EmbeddedKafkaBroker;
import io.fleetlearn.job.options.RetrainingOptions;
import io.fleetlearn.sim.SensorSimulator;
import io.fleetlearn.sim.SimulatedRecord;
import io.fleetlearn.sim.SimulatorConfig;
import io.fleetlearn.testing.kafka.KafkaTestSupport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} and the exactly-once sink shards, against a real broker: more shards than an output
 * topic has partitions stop the job at start, before any pipeline runs; fewer shards than before
 * abort what the retired shards left open.
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

  /**
   * A job that ran with two sink shards stopped in the middle of shard 1's transaction; it is
   * started again with one. The transaction left open would hide every later record of the
   * partitions it wrote from read_committed consumers until the broker times it out (ten minutes
   * here): {@code run} aborts it at start, and the job's model updates can be read at once.
   */
  @Test
  void shrinkingTheShardsAbortsTheTransactionARetiredShardLeftOpen() throws Exception {
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder(dir.resolve("kafka")).partitions(2).start()) {
      String bootstrap = broker.bootstrapServers();
      String prefix = "shrink-";
      TopicAdmin.createTopics(
          broker.adminProperties(),
          TopicSpec.standard(
              prefix + "events", prefix + "updates", prefix + "drift", prefix + "dlq", 2));
      try (KafkaProducer<String, byte[]> dangling =
          new KafkaProducer<>(
              Map.of(
                  "bootstrap.servers",
                  bootstrap,
                  "transactional.id",
                  prefix + "group-" + prefix + "updates-1",
                  "transaction.timeout.ms",
                  "600000"),
              new StringSerializer(),
              new ByteArraySerializer())) {
        dangling.initTransactions();
        dangling.beginTransaction();
        for (int partition = 0; partition < 2; partition++) {
          dangling.send(
              new ProducerRecord<>(prefix + "updates", partition, "left-open", new byte[] {1}));
        }
        dangling.flush();

        RetrainingOptions o =
            RetrainingJob.parseOptions(
                new String[] {
                  "--bootstrapServers=" + bootstrap,
                  "--sensorEventsTopic=" + prefix + "events",
                  "--modelUpdatesTopic=" + prefix + "updates",
                  "--driftMetricsTopic=" + prefix + "drift",
                  "--deadLetterTopic=" + prefix + "dlq",
                  "--consumerGroup=" + prefix + "group",
                  "--predictionsTopic=",
                  "--sinkShards=1",
                  "--windowSize=20s",
                  "--allowedLateness=0s",
                  "--maxOutOfOrderness=1s",
                  "--idleTimeout=2s",
                  "--checkpointingInterval=1000",
                  "--parallelism=2"
                },
                RetrainingOptions.class);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RunCommand.prepare(o, new PrintStream(out, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains(prefix + "group-" + prefix + "updates-1"), printed);

        SensorSimulator sim =
            new SensorSimulator(SimulatorConfig.builder().machines(3).seed(25).build());
        long start = Instant.parse("2026-09-20T08:00:00Z").toEpochMilli();
        try (KafkaProducer<byte[], byte[]> p = KafkaTestSupport.producer(bootstrap)) {
          for (long t = start; t < start + 60_000; t += 1000 / 60) {
            SimulatedRecord r = sim.next(t);
            KafkaTestSupport.send(
                p, prefix + "events", r.key(), r.value(), System.currentTimeMillis());
          }
          KafkaTestSupport.flush(p);
        }
        PipelineResult job = RetrainingJob.build(o).run();
        try {
          // Windows 0 and 1 close: 6 updates, behind the aborted records on both partitions.
          List<ConsumerRecord<byte[], byte[]>> updates =
              KafkaTestSupport.readUntil(
                  bootstrap, prefix + "updates", Duration.ofMinutes(3), r -> r.size() >= 6);
          assertEquals(6, updates.size(), "model updates readable with read_committed");
          for (ConsumerRecord<byte[], byte[]> r : updates) {
            assertTrue(r.offset() > 0, "written after the aborted record: " + r);
          }
        } finally {
          job.cancel();
        }
      }
    }
  }
}
