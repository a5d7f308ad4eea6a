package io.fleetlearn.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fleetlearn.io.TopicAdmin;
import io.fleetlearn.io.TopicSpec;
import io.fleetlearn.io.embedded.EmbeddedKafkaBroker;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.sim.SensorSimulator;
import io.fleetlearn.sim.SimulatedRecord;
import io.fleetlearn.sim.SimulatorConfig;
import io.fleetlearn.testing.flink.FlinkJobs;
import io.fleetlearn.testing.kafka.KafkaTestSupport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two deployments of the job at the same time, with one consumer group and the same output topics
 * (a blue/green pair), against a real broker on the embedded Flink runner. With their own {@code
 * --deploymentId} each keeps its transactional ids and neither is ever fenced; with the same one,
 * the job started later stops (its log says why: its ids are used by another job), and the earlier
 * one publishes on, every window exactly once.
 */
class DeploymentIdsIT {
  private static final long WINDOW_MS = 20_000;
  private static final long START = Instant.parse("2026-09-25T08:00:00Z").toEpochMilli();

  @TempDir static Path dir;
  static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka")).partitions(4).start();
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  /** A job on {@code prefix}updates/drift/dlq and consumer group {@code prefix}group. */
  private static PipelineResult start(String prefix, String input, String deploymentId, int retries)
      throws Exception {
    return FlinkJobs.start(
        broker.bootstrapServers(),
        prefix,
        "--sensorEventsTopic=" + input,
        "--deploymentId=" + deploymentId,
        "--checkpointingInterval=1000",
        "--numberOfExecutionRetries=" + retries,
        "--executionRetryDelay=1000");
  }

  private static SensorSimulator simulator(String machinePrefix, long seed) {
    return new SensorSimulator(
        SimulatorConfig.builder().machines(3).machineIdPrefix(machinePrefix).seed(seed).build());
  }

  /** The simulator's events for windows [from, to) (3 machines, 20 events/s each). */
  private static void produce(String topic, SensorSimulator sim, int from, int to) {
    try (KafkaProducer<byte[], byte[]> p = KafkaTestSupport.producer(broker.bootstrapServers())) {
      for (long t = START + from * WINDOW_MS; t < START + to * WINDOW_MS; t += 1000 / 60) {
        SimulatedRecord r = sim.next(t);
        KafkaTestSupport.send(p, topic, r.key(), r.value(), System.currentTimeMillis());
      }
      KafkaTestSupport.flush(p);
    }
  }

  /** The updates of the machines whose ids start with {@code machinePrefix}. */
  private static List<ModelUpdate> updates(String topic, String machinePrefix, int atLeast)
      throws Exception {
    Duration timeout =
        atLeast == Integer.MAX_VALUE ? Duration.ofSeconds(10) : Duration.ofMinutes(3);
    List<ModelUpdate> out = new ArrayList<>();
    List<ConsumerRecord<byte[], byte[]>> records =
        KafkaTestSupport.readUntil(
            broker.bootstrapServers(),
            topic,
            timeout,
            rs -> rs.stream().filter(r -> machine(r).startsWith(machinePrefix)).count() >= atLeast);
    for (ConsumerRecord<byte[], byte[]> r : records) {
      if (machine(r).startsWith(machinePrefix)) {
        out.add(ModelUpdate.fromJson(r.value()));
      }
    }
    return out;
  }

  private static String machine(ConsumerRecord<byte[], byte[]> r) {
    return new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * Each of the 3 machines has exactly one update for each of windows 0..{@code windows}-1, and
   * versions rise by one per promotion.
   */
  private static void assertOncePerWindow(List<ModelUpdate> updates, int windows) {
    Map<String, List<ModelUpdate>> byMachine = new TreeMap<>();
    for (ModelUpdate u : updates) {
      byMachine.computeIfAbsent(u.machineId(), k -> new ArrayList<>()).add(u);
    }
    assertEquals(3, byMachine.size(), byMachine.keySet().toString());
    for (List<ModelUpdate> us : byMachine.values()) {
      us.sort(Comparator.comparingLong(ModelUpdate::windowStart));
      List<Long> starts = us.stream().map(ModelUpdate::windowStart).toList();
      List<Long> expected = new ArrayList<>();
      for (int w = 0; w < windows; w++) {
        expected.add(START + w * WINDOW_MS);
      }
      assertEquals(expected, starts, "one update per window: " + us);
      long version = 0;
      for (ModelUpdate u : us) {
        version += u.changesServedModel() ? 1 : 0;
        assertEquals(version, u.version(), "versions: " + us);
      }
    }
  }

  /**
   * Waits for a job to end. On the embedded runner a detached job's mini-cluster shuts down with
   * it, and then answers no more questions about it.
   */
  private static void awaitEnd(PipelineResult job) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (job.getState().isTerminal()) {
          return;
        }
      } catch (IllegalStateException shutDown) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the job did not stop: " + job.getState());
  }

  @Test
  void twoDeploymentsWithTheirOwnIdsPublishSideBySideWithoutFencingEachOther() throws Exception {
    String prefix = "bg-";
    TopicAdmin.createTopics(
        broker.adminProperties(),
        List.of(
            TopicSpec.of(prefix + "blue-events", 4, (short) 1),
            TopicSpec.of(prefix + "green-events", 4, (short) 1)));
    TopicAdmin.createTopics(
        broker.adminProperties(),
        TopicSpec.standard(
            prefix + "unused", prefix + "updates", prefix + "drift", prefix + "dlq", 4));
    SensorSimulator blueSim = simulator("blue-", 31);
    SensorSimulator greenSim = simulator("green-", 32);
    produce(prefix + "blue-events", blueSim, 0, 4);
    produce(prefix + "green-events", greenSim, 0, 4);
    // No retries: a fenced producer would fail its job for good.
    PipelineResult blue = start(prefix, prefix + "blue-events", "fleetlearn-blue", 0);
    PipelineResult green = start(prefix, prefix + "green-events", "fleetlearn-green", 0);
    try {
      // windows 0..2 close for both (window 3 holds the watermark's latest events)
      updates(prefix + "updates", "blue-", 9);
      updates(prefix + "updates", "green-", 9);
      produce(prefix + "blue-events", blueSim, 4, 7);
      produce(prefix + "green-events", greenSim, 4, 7);
      updates(prefix + "updates", "blue-", 18);
      updates(prefix + "updates", "green-", 18);
      Thread.sleep(3000);
      assertOncePerWindow(updates(prefix + "updates", "blue-", Integer.MAX_VALUE), 6);
      assertOncePerWindow(updates(prefix + "updates", "green-", Integer.MAX_VALUE), 6);
      assertEquals(PipelineResult.State.RUNNING, blue.getState());
      assertEquals(PipelineResult.State.RUNNING, green.getState());
    } finally {
      blue.cancel();
      green.cancel();
    }
  }

  @Test
  void ofTwoJobsWithTheSameDeploymentIdTheOneStartedLaterStops() throws Exception {
    String prefix = "same-";
    TopicAdmin.createTopics(
        broker.adminProperties(),
        List.of(
            TopicSpec.of(prefix + "old-events", 4, (short) 1),
            TopicSpec.of(prefix + "new-events", 4, (short) 1)));
    TopicAdmin.createTopics(
        broker.adminProperties(),
        TopicSpec.standard(
            prefix + "unused", prefix + "updates", prefix + "drift", prefix + "dlq", 4));
    SensorSimulator oldSim = simulator("old-", 33);
    SensorSimulator newSim = simulator("new-", 34);
    produce(prefix + "old-events", oldSim, 0, 4);
    PipelineResult older = start(prefix, prefix + "old-events", "fleetlearn", 3);
    PipelineResult newer = null;
    try {
      updates(prefix + "updates", "old-", 9);
      produce(prefix + "new-events", newSim, 0, 4);
      newer = start(prefix, prefix + "new-events", "fleetlearn", 2);
      // The later job publishes its first windows: it has opened the ids, fencing the older one.
      updates(prefix + "updates", "new-", 9);
      // The older job fails at its next commit, is restored and takes its ids back.
      produce(prefix + "old-events", oldSim, 4, 7);
      updates(prefix + "updates", "old-", 18);
      // The later job fails at its next commit too, and then refuses the ids: it stops.
      produce(prefix + "new-events", newSim, 4, 7);
      awaitEnd(newer);
      produce(prefix + "old-events", oldSim, 7, 9);
      updates(prefix + "updates", "old-", 24);
      Thread.sleep(3000);
      assertEquals(PipelineResult.State.RUNNING, older.getState());
      assertOncePerWindow(updates(prefix + "updates", "old-", Integer.MAX_VALUE), 8);
      List<ModelUpdate> fromNewer = updates(prefix + "updates", "new-", Integer.MAX_VALUE);
      assertOncePerWindow(fromNewer, 3);
    } finally {
      older.cancel();
      if (newer != null) {
        try {
          newer.cancel();
        } catch (RuntimeException ended) {
          // Its mini-cluster is gone with it.
        }
      }
    }
  }
}
