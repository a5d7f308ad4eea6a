package io.fleetlearn.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.drift.DriftReport;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.KafkaReadiness;
import io.fleetlearn.io.TopicAdmin;
import io.fleetlearn.io.embedded.EmbeddedKafkaBroker;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.sim.SensorSimulator;
import io.fleetlearn.sim.SimulatedRecord;
import io.fleetlearn.sim.SimulatorConfig;
import io.fleetlearn.testing.flink.FlinkJobs;
import io.fleetlearn.testing.kafka.KafkaTestSupport;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures on the real parts: a Kafka broker killed with SIGKILL mid-stream and restarted, and the
 * job itself failing mid-run and being restored by Flink from its last checkpoint (in both, every
 * (machine, window) still has exactly one model update, read with read_committed, and versions
 * continue without gaps or repeats), and a broker that is not there at start.
 */
class FaultToleranceIT {
  private static final long WINDOW_MS = 20_000;
  private static final long START = Instant.parse("2026-09-15T08:00:00Z").toEpochMilli();

  @TempDir Path dir;

  private static PipelineResult startJob(EmbeddedKafkaBroker broker, String prefix, String... extra)
      throws Exception {
    return FlinkJobs.start(
        broker.bootstrapServers(), prefix, concat(extra, "--checkpointingInterval=1000"));
  }

  /** Produces the simulator's events for windows [from, to) (3 machines, 20 events/s each). */
  private static void produce(
      EmbeddedKafkaBroker broker, String topic, SensorSimulator sim, int from, int to) {
    try (KafkaProducer<byte[], byte[]> p = KafkaTestSupport.producer(broker.bootstrapServers())) {
      for (long t = START + from * WINDOW_MS; t < START + to * WINDOW_MS; t += 1000 / 60) {
        SimulatedRecord r = sim.next(t);
        KafkaTestSupport.send(p, topic, r.key(), r.value(), System.currentTimeMillis());
      }
      KafkaTestSupport.flush(p);
    }
  }

  private static List<ModelUpdate> read(
      EmbeddedKafkaBroker broker, String topic, int atLeast, Duration timeout) throws IOException {
    List<ModelUpdate> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r :
        KafkaTestSupport.readUntil(
            broker.bootstrapServers(), topic, timeout, l -> l.size() >= atLeast)) {
      out.add(ModelUpdate.fromJson(r.value()));
    }
    return out;
  }

  /**
   * Exactly one update per machine for each of the first {@code windows} windows, and versions that
   * rise by one per promotion and otherwise repeat.
   */
  private static void assertExactlyOncePerWindowWithContiguousVersions(
      List<ModelUpdate> updates, int windows) {
    Map<String, List<ModelUpdate>> byMachine = new TreeMap<>();
    for (ModelUpdate u : updates) {
      byMachine.computeIfAbsent(u.machineId(), k -> new ArrayList<>()).add(u);
    }
    assertEquals(3, byMachine.size(), byMachine.keySet().toString());
    for (Map.Entry<String, List<ModelUpdate>> e : byMachine.entrySet()) {
      List<ModelUpdate> us = e.getValue();
      us.sort(Comparator.comparingLong(ModelUpdate::windowStart));
      List<Long> starts = us.stream().map(ModelUpdate::windowStart).toList();
      List<Long> expected = new ArrayList<>();
      for (int w = 0; w < windows; w++) {
        expected.add(START + w * WINDOW_MS);
      }
      assertEquals(
          expected, starts.subList(0, Math.min(windows, starts.size())), e.getKey() + ": " + us);
      assertEquals(starts.stream().distinct().count(), starts.size(), "no duplicate window: " + us);
      long version = 0;
      for (ModelUpdate u : us) {
        if (u.changesServedModel()) {
          version++; // a promotion, or the champion's threshold chosen again
        }
        assertEquals(version, u.version(), e.getKey() + " versions: " + us);
      }
    }
  }

  @Test
  void aBrokerKilledMidStreamLosesNoWindowAndDuplicatesNoVersion() throws Exception {
    String prefix = "kill-";
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder(dir.resolve("kafka")).partitions(4).start()) {
      TopicAdmin.createTopics(
          broker.adminProperties(),
          io.fleetlearn.io.TopicSpec.standard(
              prefix + "events", prefix + "updates", prefix + "drift", prefix + "dlq", 4));
      SensorSimulator sim =
          new SensorSimulator(SimulatorConfig.builder().machines(3).seed(21).build());
      produce(broker, prefix + "events", sim, 0, 3);
      PipelineResult job = startJob(broker, prefix);
      try {
        assertTrue(
            read(broker, prefix + "updates", 3, Duration.ofMinutes(3)).size() >= 3,
            "first window published");
        broker.kill();
        Thread.sleep(5000);
        broker.restart();
        produce(broker, prefix + "events", sim, 3, 7);
        // windows 0..5 close (window 6 holds the watermark's latest events)
        read(broker, prefix + "updates", 18, Duration.ofMinutes(4));
        Thread.sleep(5000);
        List<ModelUpdate> all =
            read(broker, prefix + "updates", Integer.MAX_VALUE, Duration.ofSeconds(10));
        assertEquals(18, all.size(), "3 machines x 6 windows, each exactly once: " + all);
        assertExactlyOncePerWindowWithContiguousVersions(all, 6);
      } finally {
        job.cancel();
      }
    }
  }

  /**
   * Every update carries the machine's current champion: a PROMOTED update a new model, any other
   * the same model as the update before it.
   */
  private static void assertChampionsCarriedForward(List<ModelUpdate> updates) {
    Map<String, List<ModelUpdate>> byMachine = new TreeMap<>();
    for (ModelUpdate u : updates) {
      byMachine.computeIfAbsent(u.machineId(), k -> new ArrayList<>()).add(u);
    }
    for (List<ModelUpdate> us : byMachine.values()) {
      us.sort(Comparator.comparingLong(ModelUpdate::windowStart));
      String champion = null;
      for (ModelUpdate u : us) {
        if (u.status() == ModelUpdate.Status.PROMOTED) {
          assertNotNull(u.modelSha256(), u.toString());
          assertTrue(!u.modelSha256().equals(champion), "a promotion brings a new model: " + u);
          assertEquals(u.windowStart(), u.modelWindowStart(), "trained on its own window: " + u);
          champion = u.modelSha256();
        } else {
          assertEquals(champion, u.modelSha256(), "the champion stays: " + u);
        }
      }
    }
  }

  @Test
  void aJobThatFailsMidRunIsRestoredFromItsCheckpointWithChampionsAndVersionsIntact()
      throws Exception {
    String prefix = "fail-";
    Path marker = dir.resolve("failed-once");
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder(dir.resolve("kafka")).partitions(4).start()) {
      TopicAdmin.createTopics(
          broker.adminProperties(),
          io.fleetlearn.io.TopicSpec.standard(
              prefix + "events", prefix + "updates", prefix + "drift", prefix + "dlq", 4));
      SensorSimulator sim =
          new SensorSimulator(SimulatorConfig.builder().machines(3).seed(22).build());
      produce(broker, prefix + "events", sim, 0, 4);
      // The job fails at its 12th model update: after windows 0..2 (9 updates, committed with a
      // checkpoint), while it publishes window 3. Flink restarts it from its last checkpoint.
      PipelineResult job =
          startJob(
              broker,
              prefix,
              "--failOnceAfterUpdates=12",
              "--failOnceMarker=" + marker,
              "--numberOfExecutionRetries=2",
              "--executionRetryDelay=2000");
      try {
        // windows 0..2 close (window 3 holds the watermark's latest events)
        assertEquals(9, read(broker, prefix + "updates", 9, Duration.ofMinutes(3)).size());
        assertTrue(!java.nio.file.Files.exists(marker), "no failure before the 12th update");
        produce(broker, prefix + "events", sim, 4, 8);
        // windows 3..6 close
        read(broker, prefix + "updates", 21, Duration.ofMinutes(3));
        assertTrue(java.nio.file.Files.exists(marker), "the job did fail once");
        Thread.sleep(5000);
        List<ModelUpdate> all =
            read(broker, prefix + "updates", Integer.MAX_VALUE, Duration.ofSeconds(10));
        assertEquals(21, all.size(), "3 machines x 7 windows, each exactly once: " + all);
        assertExactlyOncePerWindowWithContiguousVersions(all, 7);
        assertChampionsCarriedForward(all);
      } finally {
        job.cancel();
      }
    }
  }

  /**
   * The exactly-once sinks' replay path, with two shards per topic: the job fails right after a
   * sink's first commit, before the checkpoint that follows it completes. Flink restores the
   * checkpoint before the commit and hands the committed records over again; the sink skips them
   * (and logs "skipped N record(s) an earlier attempt had committed"), so every (machine, window)
   * still has exactly one model update and one drift report, read with read_committed. Without the
   * skip, the records of that commit appear twice.
   */
  @Test
  void aSinkThatFailsRightAfterItsCommitSkipsTheReplayedRecordsWithTwoShards() throws Exception {
    String prefix = "commit-";
    Path marker = dir.resolve("failed-after-commit");
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder(dir.resolve("kafka")).partitions(4).start()) {
      TopicAdmin.createTopics(
          broker.adminProperties(),
          io.fleetlearn.io.TopicSpec.standard(
              prefix + "events", prefix + "updates", prefix + "drift", prefix + "dlq", 4));
      SensorSimulator sim =
          new SensorSimulator(SimulatorConfig.builder().machines(3).seed(24).build());
      produce(broker, prefix + "events", sim, 0, 4);
      PipelineResult job =
          startJob(
              broker,
              prefix,
              "--sinkShards=2",
              "--failOnceAfterCommits=1",
              "--failOnceMarker=" + marker,
              "--numberOfExecutionRetries=2",
              "--executionRetryDelay=2000");
      try {
        // windows 0..2 close (window 3 holds the watermark's latest events)
        assertEquals(9, read(broker, prefix + "updates", 9, Duration.ofMinutes(3)).size());
        assertTrue(java.nio.file.Files.exists(marker), "the sink failed once after a commit");
        produce(broker, prefix + "events", sim, 4, 8);
        // windows 3..6 close
        read(broker, prefix + "updates", 21, Duration.ofMinutes(3));
        Thread.sleep(5000);
        List<ModelUpdate> all =
            read(broker, prefix + "updates", Integer.MAX_VALUE, Duration.ofSeconds(10));
        assertEquals(21, all.size(), "3 machines x 7 windows, each exactly once: " + all);
        assertExactlyOncePerWindowWithContiguousVersions(all, 7);
        List<String> reports = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r :
            KafkaTestSupport.readUntil(
                broker.bootstrapServers(), prefix + "drift", Duration.ofSeconds(10), l -> false)) {
          DriftReport d = DriftReport.fromJson(r.value());
          reports.add(d.machineId() + "@" + d.windowStart());
        }
        assertEquals(21, reports.size(), "one drift report per machine and window: " + reports);
        assertEquals(21, reports.stream().distinct().count(), "no duplicate: " + reports);
      } finally {
        job.cancel();
      }
    }
  }

  /**
   * At-least-once publishing ({@code --exactlyOnce=false}) and a failover that replays windows
   * whose decisions were already published: the registry finds each replayed window's record on the
   * topic and publishes that decision again, so every duplicate is the same record (status,
   * version, model, reason), and so is every duplicated drift report. The job has no checkpoint
   * when it fails, so the restarted job replays every window with an empty registry. Without the
   * recognition the replayed registry adopts the champion of the machine's latest record and
   * decides the first window again, as a REJECTED stale window instead of PROMOTED v1.
   */
  @Test
  void atLeastOnceDuplicatesAfterAFailoverAreTheSameDecisions() throws Exception {
    String prefix = "alo-";
    Path marker = dir.resolve("failed-once-alo");
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder(dir.resolve("kafka")).partitions(4).start()) {
      TopicAdmin.createTopics(
          broker.adminProperties(),
          io.fleetlearn.io.TopicSpec.standard(
              prefix + "events", prefix + "updates", prefix + "drift", prefix + "dlq", 4));
      SensorSimulator sim =
          new SensorSimulator(SimulatorConfig.builder().machines(3).seed(25).build());
      // windows 0..3 close (window 4 holds the watermark's latest events)
      produce(broker, prefix + "events", sim, 0, 5);
      PipelineResult job =
          FlinkJobs.start(
              broker.bootstrapServers(),
              prefix,
              "--exactlyOnce=false",
              "--checkpointingInterval=600000",
              "--failOnceAfterUpdates=10",
              "--failOnceMarker=" + marker,
              "--numberOfExecutionRetries=2",
              "--executionRetryDelay=2000");
      try {
        // 9 updates of windows 0..2 before the failure, 12 after it (every window replayed)
        read(broker, prefix + "updates", 21, Duration.ofMinutes(4));
        assertTrue(java.nio.file.Files.exists(marker), "the job did fail once");
        Thread.sleep(5000);
        List<ModelUpdate> all =
            read(broker, prefix + "updates", Integer.MAX_VALUE, Duration.ofSeconds(10));
        Map<String, List<ModelUpdate>> byWindow = new TreeMap<>();
        for (ModelUpdate u : all) {
          byWindow
              .computeIfAbsent(
                  u.machineId() + "@" + Instant.ofEpochMilli(u.windowStart()) + "/" + u.paneIndex(),
                  k -> new ArrayList<>())
              .add(u);
        }
        assertEquals(12, byWindow.size(), "3 machines x 4 windows: " + byWindow.keySet());
        int duplicated = 0;
        int promotedDuplicated = 0;
        List<ModelUpdate> decisions = new ArrayList<>();
        for (Map.Entry<String, List<ModelUpdate>> e : byWindow.entrySet()) {
          List<ModelUpdate> us = e.getValue();
          for (ModelUpdate u : us) {
            assertEquals(
                us.get(0).status() + " v" + us.get(0).version() + " " + us.get(0).modelSha256(),
                u.status() + " v" + u.version() + " " + u.modelSha256(),
                e.getKey() + ": the duplicates are one decision");
            assertEquals(us.get(0), u, e.getKey() + ": the same record");
          }
          if (us.size() > 1) {
            duplicated++;
            if (us.get(0).status() == ModelUpdate.Status.PROMOTED) {
              promotedDuplicated++;
            }
          }
          decisions.add(us.get(0));
        }
        assertTrue(duplicated >= 6, "the failover replayed published windows: " + byWindow);
        assertTrue(promotedDuplicated >= 3, "promotions among them: " + byWindow);
        assertExactlyOncePerWindowWithContiguousVersions(decisions, 4);
        assertChampionsCarriedForward(decisions);

        Map<String, List<String>> reports = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r :
            KafkaTestSupport.readUntil(
                broker.bootstrapServers(), prefix + "drift", Duration.ofSeconds(10), l -> false)) {
          DriftReport d = DriftReport.fromJson(r.value());
          reports
              .computeIfAbsent(
                  d.machineId() + "@" + d.windowStart() + "/" + d.paneIndex(),
                  k -> new ArrayList<>())
              .add(new String(r.value(), java.nio.charset.StandardCharsets.UTF_8));
        }
        assertEquals(12, reports.size(), "one drift report per machine and window (or more)");
        for (Map.Entry<String, List<String>> e : reports.entrySet()) {
          assertEquals(
              1,
              e.getValue().stream().distinct().count(),
              e.getKey() + ": duplicated drift reports are the same report: " + e.getValue());
        }
      } finally {
        job.cancel();
      }
    }
  }

  @Test
  void anUnreachableBrokerIsWaitedForWithBackoffAndAClearMessage() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    KafkaClientConfig nowhere = KafkaClientConfig.of("127.0.0.1:" + port, "");
    List<String> said = new ArrayList<>();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> KafkaReadiness.await(nowhere, Duration.ofSeconds(15), said::add));
    assertTrue(e.getMessage().contains("did not answer within 15 s"), e.getMessage());
    assertTrue(said.size() >= 2, "one line per attempt: " + said);
    assertTrue(
        said.get(0).contains("retrying in 1 s") && said.get(1).contains("retrying in 2 s"),
        said.toString());

    // The broker comes up while we wait: the wait ends.
    List<String> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
    CompletableFuture<Void> waiting =
        CompletableFuture.runAsync(
            () -> KafkaReadiness.await(nowhere, Duration.ofMinutes(2), progress::add));
    Thread.sleep(2500);
    // Still waiting while there is no broker. (Whether it has printed a retry line by now depends
    // on timing: one attempt may last up to 5 s, and may end by reaching the broker started below.
    // The lines themselves are checked above.)
    assertFalse(waiting.isDone(), "returned without a broker: " + progress);
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder(dir.resolve("late")).port(port).start()) {
      waiting.get(90, java.util.concurrent.TimeUnit.SECONDS);
      assertNotNull(broker.bootstrapServers());
    }
  }

  private static String[] concat(String[] a, String b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + 1);
    out[a.length] = b;
    return out;
  }
}
