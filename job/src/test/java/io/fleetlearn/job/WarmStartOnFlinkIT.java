package io.fleetlearn.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.event.EventLimits;
import io.fleetlearn.event.FeatureSchema;
import io.fleetlearn.event.ParseResult;
import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.event.SensorEventParser;
import io.fleetlearn.io.TopicAdmin;
import io.fleetlearn.io.TopicSpec;
import io.fleetlearn.io.embedded.EmbeddedKafkaBroker;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.sim.SensorSimulator;
import io.fleetlearn.sim.SimulatedRecord;
import io.fleetlearn.sim.SimulatorConfig;
import io.fleetlearn.testing.flink.FlinkJobs;
import io.fleetlearn.testing.kafka.KafkaTestSupport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A warm start carried into the stream, on the real parts: {@code train --publishModels} (the
 * command's own code path, batch job on the Flink runner) publishes champions for two of three
 * machines to a KRaft broker in its own JVM; then the retraining job starts on the Flink runner
 * against the same topic. The warm-started machines' first streaming decisions are taken against
 * their warm champions and number on from them; the third machine starts at version 1.
 */
class WarmStartOnFlinkIT {
  private static final int PARTITIONS = 2;
  private static final long WINDOW_MS = 20_000;
  private static final Set<String> WARM = Set.of("press-000", "press-001");

  @TempDir static Path dir;
  static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka")).partitions(PARTITIONS).start();
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void warmStartedMachinesContinueFromTheirChampionsAndANewMachineStartsAtVersionOne()
      throws Exception {
    String prefix = "warm-";
    TopicAdmin.createTopics(
        broker.adminProperties(),
        TopicSpec.standard(
            prefix + "events", prefix + "updates", prefix + "drift", prefix + "dlq", PARTITIONS));
    SimulatorConfig sim =
        SimulatorConfig.builder().machines(3).eventsPerSecondPerMachine(20).seed(23).build();
    SensorSimulator simulator = new SensorSimulator(sim);
    SensorEventParser parser =
        new SensorEventParser(FeatureSchema.defaults(), EventLimits.defaults());

    // History of two machines, one minute of it, a day before the stream.
    long historyStart = Instant.parse("2026-08-31T08:00:00Z").toEpochMilli();
    List<String> lines = new ArrayList<>();
    for (long t = historyStart; t < historyStart + 60_000; t += 1000 / 60) {
      SimulatedRecord r = simulator.next(t);
      ParseResult p = parser.parse(r.value(), t);
      if (!p.isAccepted() || !WARM.contains(p.event().machineId())) {
        continue;
      }
      SensorEvent e = p.event();
      float[] f = e.features();
      lines.add(
          String.format(
              Locale.ROOT,
              "{\"machineId\":\"%s\",\"ts\":\"%s\",\"temperature\":%s,\"vibration\":%s,"
                  + "\"pressure\":%s,\"current\":%s,\"defect\":%s}",
              e.machineId(),
              Instant.ofEpochMilli(e.timestampMillis()),
              f[0],
              f[1],
              f[2],
              f[3],
              e.label() == 1));
    }
    Path history = dir.resolve("history.jsonl");
    Files.write(history, lines);

    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code =
        new TrainCommand()
            .run(
                new String[] {
                  "--input=" + history,
                  "--output=" + dir.resolve("models"),
                  "--entityColumns=machineId",
                  "--labelColumn=defect",
                  "--numericColumns=temperature,vibration,pressure,current",
                  "--timeColumn=ts",
                  "--publishModels=true",
                  "--bootstrapServers=" + broker.bootstrapServers(),
                  "--modelUpdatesTopic=" + prefix + "updates",
                  "--topicPartitions=" + PARTITIONS,
                  "--parallelism=2"
                },
                new PrintStream(buf, true, StandardCharsets.UTF_8));
    String printed = buf.toString(StandardCharsets.UTF_8);
    System.out.println(printed);
    assertEquals(0, code, printed);
    assertTrue(printed.contains("Warm start: published 2 model(s)"), printed);
    Map<String, ModelUpdate> warm = new TreeMap<>();
    for (ModelUpdate u :
        updates(
            KafkaTestSupport.readUntil(
                broker.bootstrapServers(),
                prefix + "updates",
                Duration.ofSeconds(30),
                r -> r.size() >= 2))) {
      warm.put(u.machineId(), u);
    }
    assertEquals(WARM, warm.keySet());

    // The stream: three machines, three windows of 20 s (two close), after the history.
    long start = Instant.parse("2026-09-01T08:00:00Z").toEpochMilli();
    try (KafkaProducer<byte[], byte[]> p = KafkaTestSupport.producer(broker.bootstrapServers())) {
      for (long t = start; t < start + 3 * WINDOW_MS; t += 1000 / 60) {
        SimulatedRecord r = simulator.next(t);
        KafkaTestSupport.send(p, prefix + "events", r.key(), r.value(), System.currentTimeMillis());
      }
      KafkaTestSupport.flush(p);
    }

    PipelineResult job = FlinkJobs.start(broker.bootstrapServers(), prefix);
    try {
      // 2 warm-start records + 3 machines x 2 closed windows.
      KafkaTestSupport.readUntil(
          broker.bootstrapServers(), prefix + "updates", Duration.ofMinutes(4), r -> r.size() >= 8);
      Thread.sleep(3000); // a duplicate or an extra window would show up now
      List<ModelUpdate> all =
          updates(
              KafkaTestSupport.readUntil(
                  broker.bootstrapServers(),
                  prefix + "updates",
                  Duration.ofSeconds(10),
                  r -> false));
      Map<String, List<ModelUpdate>> stream = new TreeMap<>();
      for (ModelUpdate u : all) {
        if (u.windowStart() >= start) {
          stream.computeIfAbsent(u.machineId(), k -> new ArrayList<>()).add(u);
        }
      }
      assertEquals(Set.of("press-000", "press-001", "press-002"), stream.keySet());
      for (Map.Entry<String, List<ModelUpdate>> e : stream.entrySet()) {
        List<ModelUpdate> us = e.getValue();
        us.sort(Comparator.comparingLong(ModelUpdate::windowStart));
        assertEquals(2, us.size(), "one update per closed window: " + us);
        ModelUpdate first = us.get(0);
        assertEquals(start, first.windowStart());
        ModelUpdate w = warm.get(e.getKey());
        if (w == null) {
          assertEquals(ModelUpdate.Status.PROMOTED, first.status(), first.reason());
          assertEquals(1, first.version());
          assertNull(first.championMetrics());
          continue;
        }
        // Decided against the warm champion, on the challenger's holdout.
        assertNotNull(first.championMetrics(), first.reason());
        if (first.status() == ModelUpdate.Status.PROMOTED) {
          assertEquals(2, first.version(), first.reason());
          assertTrue(first.reason().startsWith("challenger"), first.reason());
        } else {
          assertEquals(ModelUpdate.Status.REJECTED, first.status(), first.reason());
          // a new version of the same model only if its threshold was chosen again
          assertEquals(first.changesServedModel() ? 2 : 1, first.version());
          assertEquals(w.modelSha256(), first.modelSha256(), "the warm champion stays");
        }
        ModelUpdate second = us.get(1);
        assertEquals(
            first.version() + (second.changesServedModel() ? 1 : 0),
            second.version(),
            second.reason());
      }
    } finally {
      job.cancel();
    }
  }

  private static List<ModelUpdate> updates(List<ConsumerRecord<byte[], byte[]>> records)
      throws Exception {
    List<ModelUpdate> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      ModelUpdate u = ModelUpdate.fromJson(r.value());
      assertEquals(u.machineId(), new String(r.key(), StandardCharsets.UTF_8));
      out.add(u);
    }
    return out;
  }
}
