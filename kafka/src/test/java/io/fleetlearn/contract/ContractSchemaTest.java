package io.fleetlearn.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.drift.DriftDetector;
import io.fleetlearn.drift.DriftReport;
import io.fleetlearn.drift.DriftThresholds;
import io.fleetlearn.drift.ReferenceProfile;
import io.fleetlearn.event.FeatureSchema;
import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.scoring.DefectPrediction;
import io.fleetlearn.scoring.ModelSource;
import io.fleetlearn.testing.JsonSchemaCheck;
import io.fleetlearn.training.ClassificationMetrics;
import io.fleetlearn.training.TrainingParams;
import io.fleetlearn.training.TrainingResult;
import io.fleetlearn.training.XgbTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The JSON the pipeline publishes matches the contracts documented under config/: it validates
 * against its JSON Schema (types, enums, patterns, bounds, formats, required properties; {@link
 * JsonSchemaCheck}), and nothing is published that a schema does not name. Catches a code change
 * that forgets the documentation, and the reverse.
 */
class ContractSchemaTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode schema(String file) throws Exception {
    return JSON.readTree(Files.readAllBytes(Path.of("config", file)));
  }

  private static WindowSample sample(long seed, double shift) {
    Random r = new Random(seed);
    WindowSample s = new WindowSample(4, 1000);
    for (int i = 0; i < 500; i++) {
      float[] f = {
        (float) r.nextGaussian(),
        (float) (r.nextGaussian() + shift),
        (float) r.nextGaussian(),
        (float) r.nextGaussian()
      };
      s.add(new SensorEvent("press-1", i, f, (byte) (f[0] + r.nextGaussian() > 1.2 ? 1 : 0)));
    }
    return s;
  }

  @Test
  void modelUpdatesMatchTheModelUpdateSchema() throws Exception {
    TrainingResult t = new XgbTrainer(TrainingParams.defaults()).train(sample(1, 0));
    ModelUpdate promoted =
        ModelUpdate.builder()
            .machineId("press-1")
            .version(3)
            .status(ModelUpdate.Status.PROMOTED)
            .reason("challenger AUC 0.9 > champion AUC 0.8")
            .window(0, 60_000)
            .samples(500, 500, 80, t.trainRows(), t.holdoutRows())
            .metrics(t.metrics())
            .championMetrics(ClassificationMetrics.of(0.8, 0.5, 0.5, 0.5, 0.9, 0.3))
            .features(FeatureSchema.defaults().names())
            .params(TrainingParams.defaults().describe())
            .trainingMillis(t.trainingMillis())
            .model(t.model(), 0, 60_000)
            .build();
    ModelUpdate skipped =
        ModelUpdate.builder()
            .machineId("press-2")
            .status(ModelUpdate.Status.SKIPPED)
            .reason("single class")
            .window(0, 60_000)
            .features(FeatureSchema.defaults().names())
            .params(TrainingParams.defaults().describe())
            .build();
    JsonNode schema = schema("model-update.schema.json");
    for (ModelUpdate u : List.of(promoted, skipped)) {
      JsonNode v = JSON.readTree(u.toJson());
      assertEquals(List.of(), JsonSchemaCheck.problems(schema, v), u.toString());
    }
    JsonNode v = JSON.readTree(promoted.toJson());
    assertEquals("xgboost-ubj", v.at("/model/format").asText());
    assertTrue(v.at("/model/sha256").asText().matches("[0-9a-f]{64}"));
  }

  @Test
  void defectPredictionsMatchTheDefectPredictionSchemaAndRoundTrip() throws Exception {
    JsonNode schema = schema("defect-prediction.schema.json");
    List<DefectPrediction> predictions =
        List.of(
            new DefectPrediction(
                "press-1", 1_800_000_000_123L, 0.93f, 0.5, ModelSource.MACHINE, 4, (byte) 1),
            new DefectPrediction(
                "press-2",
                1_800_000_000_000L,
                0.02f,
                0.5,
                ModelSource.FLEET,
                2,
                SensorEvent.UNLABELLED));
    for (DefectPrediction d : predictions) {
      JsonNode v = JSON.readTree(d.toJson());
      assertEquals(List.of(), JsonSchemaCheck.problems(schema, v), d.toString());
      assertEquals(d, DefectPrediction.fromJson(d.toJson()));
    }
    JsonNode alert = JSON.readTree(predictions.get(0).toJson());
    assertTrue(alert.get("alert").asBoolean());
    assertEquals("MACHINE", alert.at("/model/source").asText());
    assertTrue(alert.get("defect").asBoolean());
    assertTrue(JSON.readTree(predictions.get(1).toJson()).path("defect").isMissingNode());
  }

  @Test
  void driftReportsMatchTheDriftReportSchema() throws Exception {
    WindowSample ref = sample(1, 0);
    WindowSample now = sample(2, 2);
    TrainingResult t = new XgbTrainer(TrainingParams.defaults()).train(ref);
    float[] scores = new float[ref.size()];
    ReferenceProfile profile = ReferenceProfile.of(ref, scores, t.holdoutIndex());
    DriftDetector d =
        new DriftDetector(FeatureSchema.defaults().names(), DriftThresholds.defaults());
    DriftReport drifted =
        d.compare("press-1", 0, 60_000, 0, 1, now, profile, new float[now.size()], t.metrics());
    DriftReport none = d.compare("press-1", 0, 60_000, 0, 0, now, null, null, null);
    assertEquals(DriftReport.Status.DRIFT, drifted.status());
    JsonNode schema = schema("drift-report.schema.json");
    JsonNode metrics = schema("model-update.schema.json").at("/$defs/metrics");
    ((com.fasterxml.jackson.databind.node.ObjectNode) schema.path("properties"))
        .set("championOnWindow", metrics);
    for (DriftReport r : List.of(drifted, none)) {
      assertEquals(
          List.of(), JsonSchemaCheck.problems(schema, JSON.readTree(r.toJson())), r.toString());
      assertEquals(r, DriftReport.fromJson(r.toJson()));
    }
    JsonNode json = JSON.readTree(drifted.toJson());
    assertTrue(json.at("/features/vibration/adjustedPValue").asDouble() < 0.001, json.toString());
    assertEquals("holm", json.at("/decision/correction").asText());
    assertEquals(now.size(), json.at("/decision/n").asLong());
    assertEquals(ref.size(), json.at("/decision/m").asLong());
    assertEquals("STABLE", json.at("/label/verdict").asText(), json.toString());
  }

  @Test
  void theExampleClientPropertiesLoadAndTheirSecretsAreRedacted() throws Exception {
    KafkaClientConfig c =
        KafkaClientConfig.of("127.0.0.1:9092", "config/kafka-client.properties.example");
    assertEquals("SASL_SSL", c.asMap().get("security.protocol"));
    assertTrue(c.asMap().get("sasl.jaas.config").toString().contains("CHANGE-ME"));
    assertTrue(!c.toString().contains("CHANGE-ME"), c.toString());
  }
}
