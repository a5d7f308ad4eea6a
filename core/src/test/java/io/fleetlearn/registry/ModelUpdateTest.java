package io.fleetlearn.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlearn.training.ClassificationMetrics;
import io.fleetlearn.training.ModelKind;
import io.fleetlearn.training.TrainingResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class ModelUpdateTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** 2026-11-27T10:00:00Z and 11:00:00Z; the champion was trained on 09:00..10:00. */
  private static final long START = 1_795_773_600_000L;

  private static final long END = START + 3_600_000L;

  private static final ClassificationMetrics CHALLENGER =
      ClassificationMetrics.of(0.91, 0.72, 0.8, 0.6545, 0.88, 0.31);
  private static final ClassificationMetrics CHAMPION =
      ClassificationMetrics.of(0.85, 0.6, 0.75, 0.5, 0.83, 0.42);

  private static byte[] modelBytes() {
    byte[] b = new byte[3001]; // not a multiple of 3: base64 ends in padding
    new Random(1).nextBytes(b);
    return b;
  }

  private static Map<String, Object> params() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("objective", "binary:logistic");
    p.put("max_depth", 4L);
    p.put("eta", 0.3);
    p.put("min_child_weight", 1.0);
    p.put("num_round", 50L);
    return p;
  }

  private static ModelUpdate promoted() {
    return ModelUpdate.builder()
        .machineId("press-017")
        .version(3)
        .status(ModelUpdate.Status.PROMOTED)
        .reason("challenger AUC 0.910 > champion AUC 0.850 on the same holdout")
        .window(START, END)
        .pane(2, true)
        .samples(4321, 1200, 97, 960, 240)
        .metrics(CHALLENGER)
        .championMetrics(CHAMPION)
        .features(List.of("temperature", "vibration", "pressure", "current"))
        .params(params())
        .trainingMillis(123)
        .model(modelBytes(), START - 3_600_000L, START)
        .build();
  }

  private static ModelUpdate skippedWithoutChampion() {
    return ModelUpdate.builder()
        .machineId("press-003")
        .version(0)
        .status(ModelUpdate.Status.SKIPPED)
        .reason("too few labelled events: 12 < 50")
        .window(START, END)
        .samples(40, 12, 3, 0, 0)
        .features(List.of("temperature", "vibration", "pressure", "current"))
        .params(params())
        .build();
  }

  @Test
  void theChampionsTrainingMetricsTravelWithItsModelAndOnlyWithIt() throws Exception {
    ModelUpdate withBaseline =
        ModelUpdate.builder()
            .machineId("press-017")
            .version(3)
            .status(ModelUpdate.Status.REJECTED)
            .window(START, END)
            .model(modelBytes(), START - 3_600_000L, START)
            .modelMetrics(CHAMPION)
            .build();
    JsonNode model = JSON.readTree(withBaseline.toJson()).path("model");
    assertEquals(0.85, model.path("metrics").path("auc").asDouble());
    assertEquals(CHAMPION, ModelUpdate.fromJson(withBaseline.toJson()).modelMetrics());
    // Records written before the field existed still parse, without it.
    assertNull(ModelUpdate.fromJson(promoted().toJson()).modelMetrics());
    ModelUpdate noModel =
        ModelUpdate.builder()
            .machineId("press-003")
            .status(ModelUpdate.Status.SKIPPED)
            .window(START, END)
            .modelMetrics(CHAMPION)
            .build();
    assertNull(noModel.modelMetrics());
    assertFalse(JSON.readTree(noModel.toJson()).has("model"));
  }

  @Test
  void jsonRoundTripKeepsEveryField() throws IOException {
    ModelUpdate u = promoted();
    ModelUpdate back = ModelUpdate.fromJson(u.toJson());

    assertEquals("press-017", back.machineId());
    assertEquals(3, back.version());
    assertEquals(ModelUpdate.Status.PROMOTED, back.status());
    assertEquals(u.reason(), back.reason());
    assertEquals(START, back.windowStart());
    assertEquals(END, back.windowEnd());
    assertEquals(2, back.paneIndex());
    assertTrue(back.isLate());
    assertEquals(4321, back.events());
    assertEquals(1200, back.labelled());
    assertEquals(97, back.positives());
    assertEquals(960, back.trainRows());
    assertEquals(240, back.holdoutRows());
    assertEquals(CHALLENGER, back.metrics());
    assertEquals(CHAMPION, back.championMetrics());
    assertEquals(List.of("temperature", "vibration", "pressure", "current"), back.features());
    assertEquals(params(), back.params());
    assertEquals(123, back.trainingMillis());
    assertArrayEquals(modelBytes(), back.model());
    assertEquals(ModelUpdate.sha256(modelBytes()), back.modelSha256());
    assertEquals(START - 3_600_000L, back.modelWindowStart());
    assertEquals(START, back.modelWindowEnd());
    assertEquals(u, back);
    assertArrayEquals(u.toJson(), back.toJson());
  }

  @Test
  void recordWithoutAModelRoundTrips() throws IOException {
    ModelUpdate u = skippedWithoutChampion();
    JsonNode n = JSON.readTree(u.toJson());
    assertFalse(n.has("model"), "no champion, no model object");
    assertFalse(n.has("metrics"), "skipped, no challenger metrics");
    assertFalse(n.has("championMetrics"));

    ModelUpdate back = ModelUpdate.fromJson(u.toJson());
    assertEquals(ModelUpdate.Status.SKIPPED, back.status());
    assertEquals(0, back.version());
    assertEquals("too few labelled events: 12 < 50", back.reason());
    assertNull(back.model());
    assertNull(back.modelSha256());
    assertNull(back.metrics());
    assertNull(back.championMetrics());
    assertEquals(40, back.events());
    assertEquals(0, back.modelWindowStart());
    assertEquals(u, back);
  }

  @Test
  void jsonHasTheFieldNamesOfTheContract() throws Exception {
    JsonNode n = JSON.readTree(promoted().toJson());

    assertEquals(
        fields(
            "machineId",
            "version",
            "status",
            "reason",
            "window",
            "samples",
            "metrics",
            "championMetrics",
            "features",
            "params",
            "trainingMillis",
            "model"),
        names(n));
    assertEquals("press-017", n.get("machineId").textValue());
    assertEquals(3, n.get("version").longValue());
    assertEquals("PROMOTED", n.get("status").textValue());
    assertTrue(n.get("reason").isTextual());

    JsonNode w = n.get("window");
    assertEquals(fields("start", "end", "pane", "late"), names(w));
    assertEquals("2026-11-27T10:00:00Z", w.get("start").textValue());
    assertEquals("2026-11-27T11:00:00Z", w.get("end").textValue());
    assertEquals(2, w.get("pane").intValue());
    assertTrue(w.get("late").booleanValue());

    JsonNode s = n.get("samples");
    assertEquals(fields("events", "labelled", "positives", "train", "holdout"), names(s));
    assertEquals(960, s.get("train").intValue());
    assertEquals(240, s.get("holdout").intValue());
    assertEquals(97, s.get("positives").intValue());

    Set<String> metricNames = fields("auc", "f1", "precision", "recall", "accuracy", "logLoss");
    assertEquals(metricNames, names(n.get("metrics")));
    assertEquals(metricNames, names(n.get("championMetrics")));
    assertEquals(0.91, n.get("metrics").get("auc").doubleValue());
    assertEquals(0.6545, n.get("metrics").get("recall").doubleValue());
    assertEquals(0.42, n.get("championMetrics").get("logLoss").doubleValue());

    assertTrue(n.get("features").isArray());
    assertEquals("vibration", n.get("features").get(1).textValue());
    assertTrue(n.get("params").get("max_depth").isIntegralNumber());
    assertEquals("binary:logistic", n.get("params").get("objective").textValue());
    assertEquals(123, n.get("trainingMillis").longValue());

    JsonNode m = n.get("model");
    assertEquals("xgboost-ubj", m.get("format").textValue());
    assertEquals(3, m.get("version").longValue());
    byte[] decoded = Base64.getDecoder().decode(m.get("base64").textValue());
    assertArrayEquals(modelBytes(), decoded);
    String sha = m.get("sha256").textValue();
    assertTrue(sha.matches("[0-9a-f]{64}"), sha);
    assertEquals(
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(modelBytes())), sha);
    assertEquals("2026-11-27T09:00:00Z", m.get("trainedOn").get("start").textValue());
    assertEquals("2026-11-27T10:00:00Z", m.get("trainedOn").get("end").textValue());
  }

  @Test
  void sha256IsLowercaseHexOfTheBytes() {
    // FIPS 180-2 test vector: SHA-256("abc").
    assertEquals(
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ModelUpdate.sha256("abc".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void tamperedModelBytesAreRefused() throws Exception {
    ObjectNode n = (ObjectNode) JSON.readTree(promoted().toJson());
    byte[] other = modelBytes();
    other[100] ^= 1;
    ((ObjectNode) n.get("model")).put("base64", Base64.getEncoder().encodeToString(other));

    IOException e =
        assertThrows(IOException.class, () -> ModelUpdate.fromJson(JSON.writeValueAsBytes(n)));
    assertTrue(e.getMessage().contains("sha256 mismatch for press-017"), e.getMessage());
    assertTrue(e.getMessage().contains(ModelUpdate.sha256(other)), e.getMessage());
  }

  @Test
  void wrongDeclaredSha256IsRefused() throws Exception {
    ObjectNode n = (ObjectNode) JSON.readTree(promoted().toJson());
    ((ObjectNode) n.get("model")).put("sha256", ModelUpdate.sha256(new byte[0]));
    assertThrows(IOException.class, () -> ModelUpdate.fromJson(JSON.writeValueAsBytes(n)));
  }

  @Test
  void uppercaseSha256IsTheSameDigest() throws Exception {
    ObjectNode n = (ObjectNode) JSON.readTree(promoted().toJson());
    ObjectNode m = (ObjectNode) n.get("model");
    m.put("sha256", m.get("sha256").textValue().toUpperCase(java.util.Locale.ROOT));
    ModelUpdate back = ModelUpdate.fromJson(JSON.writeValueAsBytes(n));
    assertArrayEquals(modelBytes(), back.model());
  }

  @Test
  void refusesNonObjectsAndRecordsWithoutRequiredFields() throws Exception {
    assertThrows(
        IOException.class, () -> ModelUpdate.fromJson("[]".getBytes(StandardCharsets.UTF_8)));
    assertThrows(
        IOException.class, () -> ModelUpdate.fromJson("null".getBytes(StandardCharsets.UTF_8)));
    for (String field : new String[] {"machineId", "version", "status", "window"}) {
      ObjectNode n = (ObjectNode) JSON.readTree(promoted().toJson());
      n.remove(field);
      IOException e =
          assertThrows(
              IOException.class, () -> ModelUpdate.fromJson(JSON.writeValueAsBytes(n)), field);
      assertEquals("model update lacks \"" + field + "\"", e.getMessage());
    }
    ObjectNode noSha = (ObjectNode) JSON.readTree(promoted().toJson());
    ((ObjectNode) noSha.get("model")).remove("sha256");
    assertThrows(IOException.class, () -> ModelUpdate.fromJson(JSON.writeValueAsBytes(noSha)));
  }

  @Test
  void binaryCoderKeepsEveryField() throws Exception {
    ModelUpdate withBaseline =
        ModelUpdate.builder()
            .machineId("press-018")
            .version(7)
            .status(ModelUpdate.Status.REJECTED)
            .reason("challenger AUC 0.700 < champion AUC 0.850")
            .window(START, END)
            .samples(500, 400, 20, 320, 80)
            .metrics(CHALLENGER)
            .features(List.of("temperature"))
            .params(params())
            .model(modelBytes(), START - 7_200_000L, START - 3_600_000L)
            .modelMetrics(CHAMPION)
            .build();
    for (ModelUpdate u : List.of(promoted(), skippedWithoutChampion(), withBaseline)) {
      CoderProperties.coderDecodeEncodeEqual(ModelUpdateCoder.of(), u);
      ModelUpdate back = CoderUtils.clone(ModelUpdateCoder.of(), u);
      // The published form is the contract: identical bytes, model and sha256 included.
      assertArrayEquals(u.toJson(), back.toJson());
      assertEquals(u.params(), back.params());
    }
  }

  private static ModelUpdate chosenAmongCandidates() {
    return chosenAmongCandidatesBuilder().build();
  }

  private static ModelUpdate.Builder chosenAmongCandidatesBuilder() {
    ClassificationMetrics fleet =
        ClassificationMetrics.of(0.83, 0.5, 0.6, 0.43, 0.9, 0.35).withCounts(0.41, 10, 7, 210, 13);
    return ModelUpdate.builder()
        .machineId("press-019")
        .version(4)
        .status(ModelUpdate.Status.PROMOTED)
        .reason("challenger AUC 0.910 > champion AUC 0.850 on the same holdout")
        .window(START, END)
        .samples(500, 400, 30, 320, 80)
        .metrics(
            ClassificationMetrics.of(0.91, 0.7, 0.75, 0.66, 0.95, 0.2)
                .withCounts(0.37, 6, 2, 70, 2))
        .selection(
            new TrainingResult.Selection(
                ModelKind.FLEET_TUNED,
                0.37,
                "validation f1",
                "FLEET_TUNED beat FLEET on validation",
                12,
                fleet,
                80,
                6,
                Map.of(ModelKind.OWN, 0.8, ModelKind.FLEET_TUNED, 0.93, ModelKind.FLEET, 0.85)))
        .features(List.of("temperature"))
        .params(params())
        .model(modelBytes(), START, END)
        .modelKind(ModelKind.FLEET_TUNED)
        .modelThreshold(0.37);
  }

  @Test
  void theChosenKindThresholdsFleetMetricsAndCountsSurviveJsonAndTheBinaryCoder() throws Exception {
    ModelUpdate u = chosenAmongCandidates();
    JsonNode n = JSON.readTree(u.toJson());
    assertEquals("FLEET_TUNED", n.at("/model/kind").asText());
    assertEquals(0.37, n.at("/model/threshold").asDouble(), 0.0);
    assertEquals(6, n.at("/metrics/tp").asLong());
    assertEquals(2, n.at("/metrics/fp").asLong());
    assertEquals(0.83, n.at("/fleetMetrics/auc").asDouble(), 0.0);
    assertEquals(0.93, n.at("/selection/validation/auc/FLEET_TUNED").asDouble(), 0.0);
    for (ModelUpdate back :
        List.of(ModelUpdate.fromJson(u.toJson()), CoderUtils.clone(ModelUpdateCoder.of(), u))) {
      assertArrayEquals(u.toJson(), back.toJson());
      assertEquals(ModelKind.FLEET_TUNED, back.modelKind());
      assertEquals(0.37, back.modelThreshold(), 0.0);
      assertEquals(u.fleetMetrics(), back.fleetMetrics());
      assertEquals(u.metrics(), back.metrics());
      assertEquals(12, back.selection().fleetVersion());
    }
  }

  @Test
  void aRecalibrationSurvivesJsonAndTheBinaryCoderAndChangesTheServedModel() throws Exception {
    ModelUpdate promoted = chosenAmongCandidates();
    assertTrue(promoted.changesServedModel());
    assertNull(promoted.recalibration());
    ModelUpdate u =
        chosenAmongCandidatesBuilder()
            .status(ModelUpdate.Status.REJECTED)
            .version(5)
            .modelThreshold(0.52)
            .recalibration(new ModelUpdate.Recalibration(4, 0.37, 1180, 94, 9))
            .build();
    assertTrue(u.changesServedModel());
    JsonNode n = JSON.readTree(u.toJson());
    assertEquals(4, n.at("/model/recalibrated/previousVersion").asLong());
    assertEquals(0.37, n.at("/model/recalibrated/previousThreshold").asDouble(), 0.0);
    assertEquals(94, n.at("/model/recalibrated/positives").asDouble(), 0.0);
    for (ModelUpdate back :
        List.of(ModelUpdate.fromJson(u.toJson()), CoderUtils.clone(ModelUpdateCoder.of(), u))) {
      assertArrayEquals(u.toJson(), back.toJson());
      assertEquals(u.recalibration(), back.recalibration());
      assertTrue(back.changesServedModel());
    }
    ModelUpdate rejected =
        chosenAmongCandidatesBuilder().status(ModelUpdate.Status.REJECTED).build();
    assertFalse(rejected.changesServedModel());
    // Without a model there is nothing to recalibrate: the field is dropped.
    assertNull(
        chosenAmongCandidatesBuilder()
            .model(null, 0, 0)
            .recalibration(new ModelUpdate.Recalibration(4, 0.37, 1180, 94, 9))
            .build()
            .recalibration());
  }

  @Test
  void aRecordWrittenBeforeKindsAndThresholdsReadsAsAnOwnModelWithoutAThreshold() throws Exception {
    ObjectNode old = (ObjectNode) JSON.readTree(promoted().toJson());
    ((ObjectNode) old.get("model")).remove(List.of("kind", "threshold"));
    ModelUpdate u = ModelUpdate.fromJson(JSON.writeValueAsBytes(old));
    assertEquals(ModelKind.OWN, u.modelKind());
    assertTrue(Double.isNaN(u.modelThreshold()));
    assertEquals(0.5, u.modelThresholdOr(0.5), 0.0);
    assertNull(u.selection());
    assertNull(u.fleetMetrics());
    assertFalse(u.metrics().hasCounts());
  }

  @Test
  void aDigestTheRegistryAlreadyComputedIsNotComputedAgain() {
    byte[] model = modelBytes();
    ModelUpdate u =
        ModelUpdate.builder()
            .machineId("press-017")
            .version(1)
            .status(ModelUpdate.Status.PROMOTED)
            .window(START, END)
            .model(model, ModelUpdate.sha256(model), START, END)
            .build();
    assertEquals(ModelUpdate.sha256(model), u.modelSha256());
    // What the builder is given is what it carries (the registry hashes each model once).
    ModelUpdate given =
        ModelUpdate.builder()
            .machineId("press-017")
            .version(1)
            .status(ModelUpdate.Status.PROMOTED)
            .window(START, END)
            .model(model, "precomputed", START, END)
            .build();
    assertEquals("precomputed", given.modelSha256());
  }

  @Test
  void theModelIsStandardPaddedBase64WithoutLineBreaks() throws Exception {
    Random r = new Random(3);
    for (int len : new int[] {1, 2, 3, 4, 57, 58, 59, 76, 77, 100_001}) {
      byte[] model = new byte[len];
      r.nextBytes(model);
      ModelUpdate u =
          ModelUpdate.builder()
              .machineId("m")
              .version(1)
              .status(ModelUpdate.Status.PROMOTED)
              .window(START, END)
              .model(model, START, END)
              .build();
      String base64 = JSON.readTree(u.toJson()).get("model").get("base64").asText();
      assertEquals(Base64.getEncoder().encodeToString(model), base64, "length " + len);
    }
  }

  @Test
  void equalityFollowsTheJsonForm() {
    assertEquals(promoted(), promoted());
    assertEquals(promoted().hashCode(), promoted().hashCode());
    ModelUpdate other =
        ModelUpdate.builder()
            .machineId("press-017")
            .version(3)
            .status(ModelUpdate.Status.PROMOTED)
            .window(START, END)
            .build();
    assertFalse(promoted().equals(other));
  }

  private static Set<String> fields(String... names) {
    return new TreeSet<>(List.of(names));
  }

  private static Set<String> names(JsonNode n) {
    Set<String> s = new TreeSet<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      s.add(it.next());
    }
    return s;
  }
}
