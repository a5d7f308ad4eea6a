package io.fleetlearn.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.event.FeatureSchema;
import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.TopicAdmin;
import io.fleetlearn.io.TopicSpec;
import io.fleetlearn.io.embedded.EmbeddedKafkaBroker;
import io.fleetlearn.registry.FleetModel;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.scoring.ModelSource;
import io.fleetlearn.testing.kafka.KafkaTestSupport;
import io.fleetlearn.tools.ModelsCommand;
import io.fleetlearn.training.TrainingParams;
import io.fleetlearn.training.XgbTrainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import ml.dmlc.xgboost4j.java.Booster;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry client against a real KRaft broker: it keeps the highest promoted version per
 * machine (never a REJECTED record's, never an older replay, never a record whose sha256 does not
 * match), serves machines without a model with the fleet model, picks up a promotion published
 * while it runs, and scores from several threads while the model is replaced. Also the {@code
 * models} command on the same topic.
 */
class ModelRegistryClientIT {
  private static final String TOPIC = "client-updates";
  @TempDir static Path dir;
  static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.builder(dir.resolve("kafka")).partitions(2).start();
    TopicAdmin.createTopics(
        broker.adminProperties(), List.of(TopicSpec.standard("e", TOPIC, "d", "q", 2).get(1)));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  private static byte[] model(long seed, int cause) {
    Random r = new Random(seed);
    WindowSample s = new WindowSample(4, 2000);
    for (int i = 0; i < 600; i++) {
      float[] f = new float[4];
      for (int j = 0; j < 4; j++) {
        f[j] = (float) r.nextGaussian();
      }
      byte label = (byte) (r.nextDouble() < 1 / (1 + Math.exp(-(3 * f[cause] - 1))) ? 1 : 0);
      s.add(new SensorEvent("m", i, f, label));
    }
    return new XgbTrainer(TrainingParams.defaults()).train(s).model();
  }

  private static ModelUpdate update(String machine, long v, ModelUpdate.Status s, byte[] model) {
    return ModelUpdate.builder()
        .machineId(machine)
        .version(v)
        .status(s)
        .reason("test")
        .window(v * 60_000, (v + 1) * 60_000)
        .features(FeatureSchema.defaults().names())
        .model(model, v * 60_000, (v + 1) * 60_000)
        .build();
  }

  private static void publish(KafkaProducer<byte[], byte[]> p, String key, byte[] json) {
    KafkaTestSupport.send(
        p, TOPIC, key.getBytes(StandardCharsets.UTF_8), json, System.currentTimeMillis());
  }

  private static float xgboost(byte[] model, float[] row) throws Exception {
    Booster b = XgbTrainer.load(model);
    try {
      return XgbTrainer.predict(b, row, 1, 4)[0];
    } finally {
      b.dispose();
    }
  }

  @Test
  void keepsTheLatestPromotedModelPerMachineAndFallsBackToTheFleetModel() throws Exception {
    byte[] v1 = model(1, 0);
    byte[] v2 = model(2, 1);
    byte[] v3 = model(3, 2);
    byte[] tampered = model(4, 3);
    byte[] fleet = model(5, 0);
    try (KafkaProducer<byte[], byte[]> p = KafkaTestSupport.producer(broker.bootstrapServers())) {
      publish(p, "press-1", update("press-1", 1, ModelUpdate.Status.PROMOTED, v1).toJson());
      publish(p, "press-1", update("press-1", 2, ModelUpdate.Status.PROMOTED, v2).toJson());
      // REJECTED and SKIPPED records repeat the champion: they must not change it.
      publish(p, "press-1", update("press-1", 2, ModelUpdate.Status.REJECTED, v2).toJson());
      // An older version replayed after a newer one never rolls the machine back.
      publish(p, "press-1", update("press-1", 1, ModelUpdate.Status.PROMOTED, v1).toJson());
      // A record whose model does not match its sha256 is refused.
      String json =
          new String(
              update("press-1", 9, ModelUpdate.Status.PROMOTED, v1).toJson(),
              StandardCharsets.UTF_8);
      String forged =
          json.replace(
              java.util.Base64.getEncoder().encodeToString(v1),
              java.util.Base64.getEncoder().encodeToString(tampered));
      publish(p, "press-1", forged.getBytes(StandardCharsets.UTF_8));
      publish(
          p,
          "press-2",
          ModelUpdate.builder()
              .machineId("press-2")
              .status(ModelUpdate.Status.SKIPPED)
              .reason("too few labelled events")
              .window(0, 60_000)
              .build()
              .toJson());
      // The fleet model carries a threshold of its own; the machines' records (older) do not.
      ModelUpdate fleetUpdate = update(FleetModel.ID, 4, ModelUpdate.Status.PROMOTED, fleet);
      publish(
          p,
          FleetModel.ID,
          ModelUpdate.builder()
              .machineId(fleetUpdate.machineId())
              .version(fleetUpdate.version())
              .status(fleetUpdate.status())
              .reason(fleetUpdate.reason())
              .window(fleetUpdate.windowStart(), fleetUpdate.windowEnd())
              .features(fleetUpdate.features())
              .model(fleet, fleetUpdate.modelWindowStart(), fleetUpdate.modelWindowEnd())
              .modelThreshold(0.3)
              .build()
              .toJson());
      KafkaTestSupport.flush(p);
    }
    KafkaClientConfig kafka =
        KafkaClientConfig.of(Map.of("bootstrap.servers", broker.bootstrapServers()));
    float[] row = {0.4f, -1.2f, Float.NaN, 0.7f};
    try (ModelRegistryClient c = ModelRegistryClient.start(kafka, TOPIC)) {
      assertTrue(c.awaitCaughtUp(Duration.ofSeconds(60)), "caught up");
      assertEquals(7, c.recordsRead());
      assertEquals(1, c.refusedRecords());
      ModelRegistryClient.Prediction p1 = c.predict("press-1", row).orElseThrow();
      assertEquals(2, p1.version());
      assertEquals(ModelSource.MACHINE, p1.source());
      assertEquals(xgboost(v2, row), p1.probability(), 1e-6);
      assertEquals(ModelRegistryClient.DEFAULT_THRESHOLD, p1.threshold(), 0);
      assertEquals(p1.probability() >= 0.5, p1.alert());
      assertEquals(ModelUpdate.Status.PROMOTED, c.model("press-1").orElseThrow().latest().status());

      ModelRegistryClient.Prediction p2 = c.predict("press-2", row).orElseThrow();
      assertEquals(ModelSource.FLEET, p2.source());
      assertEquals(4, p2.version());
      assertEquals(xgboost(fleet, row), p2.probability(), 1e-6);
      assertEquals(0.3, p2.threshold(), 0, "the fleet model alerts at its own threshold");
      assertEquals(p2.probability() >= 0.3, p2.alert());
      assertEquals(
          ModelSource.FLEET,
          c.predict("never-seen", Map.of("temperature", 0.4)).orElseThrow().source());

      // Predictions keep flowing from other threads while a new version arrives.
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(3);
      List<Future<Integer>> workers = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        workers.add(
            pool.submit(
                () -> {
                  int n = 0;
                  while (!stop.get()) {
                    long v = c.predict("press-1", row).orElseThrow().version();
                    assertTrue(v == 2 || v == 3, "version " + v);
                    n++;
                  }
                  return n;
                }));
      }
      try (KafkaProducer<byte[], byte[]> p = KafkaTestSupport.producer(broker.bootstrapServers())) {
        publish(p, "press-1", update("press-1", 3, ModelUpdate.Status.PROMOTED, v3).toJson());
        KafkaTestSupport.flush(p);
      }
      long deadline = System.currentTimeMillis() + 30_000;
      while (c.predict("press-1", row).orElseThrow().version() != 3
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      stop.set(true);
      for (Future<Integer> w : workers) {
        assertTrue(w.get(30, TimeUnit.SECONDS) > 0);
      }
      pool.shutdown();
      ModelRegistryClient.Prediction p3 = c.predict("press-1", row).orElseThrow();
      assertEquals(3, p3.version(), "the promotion published while running is picked up");
      assertEquals(xgboost(v3, row), p3.probability(), 1e-6);
    }

    ByteArrayOutputStream text = new ByteArrayOutputStream();
    Path exported = dir.resolve("press-1.ubj");
    String[] common = {
      "--bootstrapServers=" + broker.bootstrapServers(), "--modelUpdatesTopic=" + TOPIC
    };
    PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);
    assertEquals(0, new ModelsCommand().run(new String[] {"list", common[0], common[1]}, out));
    String list = text.toString(StandardCharsets.UTF_8);
    assertTrue(list.matches("(?s).*press-1 +3 +OWN +0\\.500 +PROMOTED.*"), list);
    assertTrue(list.matches("(?s).*press-2 +- +- +- +SKIPPED.*"), list);
    assertTrue(list.matches("(?s).*@fleet +4 +OWN +0\\.300 +PROMOTED.*"), list);
    assertTrue(list.contains(FleetModel.ID), list);
    assertEquals(
        0,
        new ModelsCommand()
            .run(
                new String[] {
                  "export", common[0], common[1], "--machine=press-1", "--output=" + exported
                },
                out));
    assertArrayEquals(v3, Files.readAllBytes(exported));
  }
}
