package io.fleetlearn.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.testing.JsonSchemaCheck;
import io.fleetlearn.training.TrainingParams;
import io.fleetlearn.training.TrainingResult;
import io.fleetlearn.training.WindowOutcome;
import io.fleetlearn.training.XgbTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The batch outputs match the contracts documented under config/ (every required property present,
 * nothing undocumented), the global comparison uses exactly the per-entity holdouts, and a warm
 * start turns metadata into a version-1 champion that satisfies the model-update contract.
 */
class BatchOutputContractTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long T0 = Instant.parse("2025-05-01T00:00:00Z").toEpochMilli();

  private static final TabularEncoder ENCODER =
      TabularEncoder.of(
          List.of("x", "y"),
          Map.of("c", List.of("a", "b")),
          List.of("c"),
          MissingValues.defaults());

  private static BatchTrainingConfig config() {
    return BatchTrainingConfig.builder()
        .input("history/*.csv")
        .output("/tmp/unused")
        .runId("contract")
        .schema(
            TabularSchema.builder()
                .entityColumns("id")
                .labelColumn("y_label")
                .numericColumns("x,y")
                .categoricalColumns("c")
                .timeColumn("ts")
                .build())
        .build();
  }

  /** A learnable entity: label 1 when x + noise > 1 or the category is b. */
  private static WindowOutcome outcome(String entity, int rows, long seed) {
    Random r = new Random(seed);
    WindowSample s = new WindowSample(ENCODER.dim(), 10_000);
    for (int i = 0; i < rows; i++) {
      float x = (float) r.nextGaussian();
      boolean b = r.nextInt(5) == 0;
      byte label = (byte) (x + 0.3 * r.nextGaussian() > 1 || b ? 1 : 0);
      s.add(
          new SensorEvent(
              entity,
              T0 + i * 1000L,
              new float[] {x, (float) r.nextGaussian(), b ? 0 : 1, b ? 1 : 0},
              label));
    }
    TrainingResult t = new XgbTrainer(TrainingParams.defaults()).train(s);
    return new WindowOutcome(entity, s.minTimestamp(), s.maxTimestamp(), 0, false, s, t);
  }

  private static JsonNode schema(String file) throws Exception {
    return JSON.readTree(Files.readAllBytes(Path.of("config", file)));
  }

  private static void assertMatches(String schemaFile, JsonNode value) throws Exception {
    JsonNode s = schema(schemaFile);
    List<String> problems = JsonSchemaCheck.problems(s, value);
    assertTrue(problems.isEmpty(), schemaFile + ": " + problems + "\n" + value.toPrettyString());
  }

  @Test
  void metadataOfTrainedAndSkippedEntitiesMatchesItsSchema() throws Exception {
    WindowOutcome trained = outcome("press-1", 600, 1);
    assertTrue(trained.result().isTrained(), trained.result().reason());
    ObjectNode m = EntityModelFiles.metadata(config(), ENCODER, trained, trained.result().model());
    assertMatches("entity-model-metadata.schema.json", m);
    assertEquals("2025-05-01T00:00:00Z", m.path("time").path("start").asText());
    assertEquals(4, m.path("features").size());

    WindowOutcome skipped = outcome("press-2", 20, 2);
    assertFalse(skipped.result().isTrained());
    ObjectNode s = EntityModelFiles.metadata(config(), ENCODER, skipped, null);
    assertMatches("entity-model-metadata.schema.json", s);
    assertFalse(s.has("model"));
    assertFalse(s.has("metrics"));
  }

  @Test
  void theGlobalModelTrainsOnEverythingButThePerEntityHoldoutsAndIsScoredOnThem() throws Exception {
    WindowOutcome a = outcome("a", 800, 3);
    WindowOutcome b = outcome("b", 500, 4);
    WindowOutcome tooSmall = outcome("c", 20, 5);
    GlobalModelComparison g =
        GlobalModelComparison.compare(List.of(b, tooSmall, a), TrainingParams.defaults());
    assertTrue(g.isTrained(), g.skipReason());
    int holdout = a.result().holdoutRows() + b.result().holdoutRows();
    assertEquals(holdout, g.holdoutRows());
    // Every labelled row except the holdouts; an entity without a model of its own still holds
    // its holdout out (a fleet candidate could serve it and is measured there).
    int tooSmallHoldout =
        GlobalModel.holdoutRows(tooSmall.sample(), TrainingParams.defaults()).length;
    assertTrue(tooSmallHoldout > 0);
    assertEquals(800 + 500 + 20 - holdout - tooSmallHoldout, g.trainRows());
    assertEquals(List.of("a", "b"), g.entities().stream().map(e -> e.entity()).toList());
    // The per-entity side is each entity's own model on its own holdout: its training metrics.
    assertEquals(a.result().metrics(), g.entities().get(0).perEntity());
    assertEquals(b.result().metrics(), g.entities().get(1).perEntity());
    assertTrue(g.pooledGlobal().auc() > 0.8, "global AUC " + g.pooledGlobal().auc());
    assertMatches(
        "global-comparison.schema.json",
        g.toJson("contract", ENCODER.featureNames(), TrainingParams.defaults(), "model.ubj"));

    GlobalModelComparison none =
        GlobalModelComparison.compare(List.of(tooSmall), TrainingParams.defaults());
    assertFalse(none.isTrained());
    assertMatches(
        "global-comparison.schema.json",
        none.toJson("contract", ENCODER.featureNames(), TrainingParams.defaults(), null));
  }

  @Test
  void warmStartMakesAVersionOneChampionThatMatchesTheModelUpdateContract() throws Exception {
    WindowOutcome o = outcome("press-7", 600, 6);
    byte[] model = o.result().model();
    ObjectNode meta = EntityModelFiles.metadata(config(), ENCODER, o, model);
    ModelUpdate u = WarmStart.update(meta, model);
    assertEquals("press-7", u.machineId());
    assertEquals(1, u.version());
    assertEquals(ModelUpdate.Status.PROMOTED, u.status());
    assertEquals(T0, u.windowStart());
    assertEquals(T0 + 599_000, u.windowEnd());
    assertEquals(T0, u.modelWindowStart());
    assertEquals(ModelUpdate.sha256(model), u.modelSha256());
    assertEquals(o.result().metrics(), u.metrics());
    assertEquals(ENCODER.featureNames(), u.features());
    assertEquals(600, u.events());
    ModelUpdate back = ModelUpdate.fromJson(u.toJson());
    assertEquals(u, back);
    assertMatches("model-update.schema.json", JSON.readTree(u.toJson()));

    ObjectNode noTime = meta.deepCopy();
    noTime.putObject("time").putNull("column");
    ModelUpdate zero = WarmStart.update(noTime, model);
    assertEquals(0, zero.windowStart());
    assertEquals(0, zero.windowEnd());
  }

  @Test
  void onlyKeysThatAreValidMachineIdsCanBeWarmStarted() {
    assertTrue(WarmStart.isValidMachineId("press-017"));
    assertTrue(WarmStart.isValidMachineId("plant.A:line_3"));
    assertFalse(WarmStart.isValidMachineId("Plant A"));
    assertFalse(WarmStart.isValidMachineId(""));
    assertFalse(WarmStart.isValidMachineId("x".repeat(129)));
  }
}
