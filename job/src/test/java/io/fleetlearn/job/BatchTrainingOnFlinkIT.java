package io.fleetlearn.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlearn.batch.EntityModelFiles;
import io.fleetlearn.io.embedded.EmbeddedKafkaBroker;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.testing.kafka.KafkaTestSupport;
import io.fleetlearn.training.XgbTrainer;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import ml.dmlc.xgboost4j.java.Booster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train} end to end on the real parts: the command's own code path, the batch job on the
 * Flink runner's embedded mini-cluster, the model files, and the warm start published to a KRaft
 * broker in its own JVM on 127.0.0.1.
 */
class BatchTrainingOnFlinkIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka")).partitions(2).start();
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  private static String train(int expectedExit, String... args) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code = new TrainCommand().run(args, new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);
    System.out.println(out);
    assertEquals(expectedExit, code, out);
    return out;
  }

  private static Map<String, ModelUpdate> published(String topic, int atLeast) throws Exception {
    List<ConsumerRecord<byte[], byte[]>> records =
        KafkaTestSupport.readUntil(
            broker.bootstrapServers(), topic, Duration.ofSeconds(30), r -> r.size() >= atLeast);
    // Linger a little: a duplicate would show up now.
    records =
        KafkaTestSupport.readUntil(
            broker.bootstrapServers(), topic, Duration.ofSeconds(3), r -> false);
    Map<String, ModelUpdate> byKey = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      ModelUpdate u = ModelUpdate.fromJson(r.value());
      assertEquals(u.machineId(), new String(r.key(), StandardCharsets.UTF_8));
      assertEquals(null, byKey.put(u.machineId(), u), "one record per entity");
    }
    return byKey;
  }

  @Test
  void trainOnAi4iByTypeRunsOnFlinkWritesModelsAndWarmStartsEachTypeExactlyOnce() throws Exception {
    String topic = "ai4i-model-updates";
    Path out = dir.resolve("ai4i-out");
    String[] args = {
      "--input=" + TrainCommandTest.ai4i(),
      "--output=" + out,
      "--entityColumns=Type",
      "--labelColumn=Machine failure",
      TrainCommandTest.AI4I_NUMERIC,
      "--compareGlobal=true",
      "--publishModels=true",
      "--bootstrapServers=" + broker.bootstrapServers(),
      "--modelUpdatesTopic=" + topic,
      "--modelHistoryTopic=ai4i-model-history",
      "--topicPartitions=2",
      "--parallelism=2"
    };
    String printed = train(0, args);
    assertTrue(printed.contains("on FlinkRunner [local]"), printed);
    assertTrue(printed.contains("Rows: 10000 read, 0 filtered out, 0 rejected, 10000 used"));
    for (String type : new String[] {"H", "L", "M"}) {
      // Each entity names the kind that serves it.
      assertTrue(
          printed.lines().anyMatch(l -> l.matches(type + " +TRAINED +(OWN|FLEET_TUNED|FLEET) .*")),
          type);
    }
    assertTrue(
        printed.contains("Served per-entity models vs one global model on the same holdout"));
    assertTrue(printed.contains("Warm start: published 3 model(s) as version 1 (PROMOTED)"));

    Map<String, ModelUpdate> updates = published(topic, 3);
    assertEquals(Set.of("H", "L", "M"), updates.keySet());
    for (ModelUpdate u : updates.values()) {
      JsonNode meta =
          JSON.readTree(
              out.resolve("entities")
                  .resolve(EntityModelFiles.metadataFile(u.machineId()))
                  .toFile());
      assertEquals(ModelUpdate.Status.PROMOTED, u.status());
      assertEquals(1, u.version());
      assertEquals(0, u.windowStart());
      assertEquals(0, u.windowEnd());
      assertEquals(meta.path("model").path("sha256").asText(), u.modelSha256());
      assertEquals(meta.path("metrics").path("auc").asDouble(), u.metrics().auc(), 0);
      assertEquals(meta.path("samples").path("rows").asLong(), u.events());
      assertEquals(5, u.features().size());
      assertEquals(50L, u.params().get("num_round"));
      // The warm start carries the served kind and its own threshold.
      assertEquals(meta.path("model").path("kind").asText(), u.modelKind().name());
      assertEquals(meta.path("threshold").asDouble(), u.modelThreshold(), 0);
    }
    assertTrue(updates.get("L").metrics().auc() > 0.8);
    assertTrue(updates.get("M").metrics().auc() > 0.8);
    assertEquals(updates.keySet(), published("ai4i-model-history", 3).keySet());

    // Training again must not publish a second "version 1" over the champions.
    args[1] = "--output=" + dir.resolve("ai4i-out-again");
    String again = train(0, args);
    assertTrue(again.contains("Warm start: published 0 model(s)"), again);
    assertTrue(again.contains("left L alone: the topic already holds its model version 1"), again);
    assertEquals(updates.keySet(), published(topic, 3).keySet());
    assertEquals(updates.keySet(), published("ai4i-model-history", 3).keySet());
  }

  @Test
  void jsonLinesWithATimeColumnGiveJsonModelsAndChampionsTrainedOnTheirTimeSpan() throws Exception {
    // AI4I as JSONL, one part per minute in production (UDI) order.
    long base = Instant.parse("2025-03-01T00:00:00Z").toEpochMilli();
    Path input = dir.resolve("ai4i.jsonl");
    Map<String, long[]> span = new HashMap<>();
    List<String> lines = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                getClass().getResourceAsStream("/ai4i2020/ai4i2020.csv"),
                StandardCharsets.UTF_8))) {
      in.readLine();
      for (String line; (line = in.readLine()) != null; ) {
        String[] c = line.strip().split(",");
        long ts = base + Long.parseLong(c[0]) * 60_000;
        span.computeIfAbsent(c[2], k -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
        span.get(c[2])[0] = Math.min(span.get(c[2])[0], ts);
        span.get(c[2])[1] = Math.max(span.get(c[2])[1], ts);
        lines.add(
            String.format(
                Locale.ROOT,
                "{\"machine\":\"%s\",\"ts\":\"%s\",\"air\":%s,\"process\":%s,\"speed\":%s,"
                    + "\"torque\":%s,\"wear\":%s,\"failure\":%s}",
                c[2],
                Instant.ofEpochMilli(ts),
                c[3],
                c[4],
                c[5],
                c[6],
                c[7],
                c[8].equals("1")));
      }
    }
    Files.write(input, lines);
    String topic = "jsonl-model-updates";
    Path out = dir.resolve("jsonl-out");
    train(
        0,
        "--input=" + input,
        "--output=" + out,
        "--entityColumns=machine",
        "--labelColumn=failure",
        "--numericColumns=air,process,speed,torque,wear",
        "--timeColumn=ts",
        "--modelFormat=json",
        "--publishModels=true",
        "--bootstrapServers=" + broker.bootstrapServers(),
        "--modelUpdatesTopic=" + topic,
        "--topicPartitions=2");
    JsonNode model = JSON.readTree(out.resolve("entities/L.json").toFile());
    assertTrue(model.has("learner"), "an XGBoost JSON model");
    Map<String, ModelUpdate> updates = published(topic, 3);
    for (Map.Entry<String, long[]> e : span.entrySet()) {
      ModelUpdate u = updates.get(e.getKey());
      assertEquals(e.getValue()[0], u.windowStart(), e.getKey());
      assertEquals(e.getValue()[1], u.windowEnd(), e.getKey());
      assertEquals(e.getValue()[0], u.modelWindowStart());
      // The published model is UBJ (the topic's contract) even though the files are JSON.
      Booster b = XgbTrainer.load(u.model());
      try {
        float[] s = XgbTrainer.predict(b, new float[] {298f, 309f, 1400f, 60f, 230f}, 1, 5);
        assertTrue(s[0] > 0 && s[0] < 1);
      } finally {
        b.dispose();
      }
    }
  }
}
