package io.fleetlearn.batch;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.training.ModelKind;
import io.fleetlearn.training.SelectionJson;
import io.fleetlearn.training.XgbTrainer;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.apache.beam.sdk.io.FileSystems;

/**
 * Turns a run's trained models into version-1 champions for the model-updates topic: one {@link
 * ModelUpdate} per trained entity with status PROMOTED and version 1, its window the time span of
 * the entity's rows ([0, 0] without a time column), its metrics the holdout metrics, and the model
 * as UBJ (converted when the files are JSON), with the kind that serves the entity and its
 * threshold. Skipped entities get no update.
 */
public final class WarmStart {
  /** Machine ids the model-update contract (and the sensor-event parser) accept. */
  private static final Pattern MACHINE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private WarmStart() {}

  /**
   * The updates for the trained entities of {@code summary} whose key is a valid machine id (see
   * {@link #isValidMachineId}); the others cannot be the key of a streaming machine.
   */
  public static List<ModelUpdate> updates(TrainingSummary summary) throws IOException {
    List<ModelUpdate> out = new ArrayList<>();
    for (JsonNode n : summary.entities()) {
      if (n.path("status").asText().equals("TRAINED")
          && isValidMachineId(n.path("entity").asText())) {
        out.add(update(n, readModel(summary.output(), n)));
      }
    }
    return out;
  }

  /** 1 to 128 characters of {@code [A-Za-z0-9._:-]}, as sensor events and model updates require. */
  public static boolean isValidMachineId(String entity) {
    return MACHINE_ID.matcher(entity).matches();
  }

  /** The update for one entity's metadata and its model file's bytes. */
  static ModelUpdate update(JsonNode n, byte[] modelFile) throws IOException {
    byte[] ubj = toUbj(modelFile, n.path("model").path("format").asText());
    JsonNode t = n.path("time");
    long start = 0;
    long end = 0;
    if (t.hasNonNull("column")) {
      start = Instant.parse(t.path("start").asText()).toEpochMilli();
      end = Instant.parse(t.path("end").asText()).toEpochMilli();
    }
    List<String> features = new ArrayList<>();
    n.path("features").forEach(f -> features.add(f.asText()));
    JsonNode s = n.path("samples");
    return ModelUpdate.builder()
        .machineId(n.path("entity").asText())
        .version(1)
        .status(ModelUpdate.Status.PROMOTED)
        .reason(
            "warm start: trained on the history "
                + n.path("input").asText()
                + " (batch run "
                + n.path("runId").asText()
                + ")")
        .window(start, end)
        .pane(0, false)
        .samples(
            s.path("rows").asLong(),
            s.path("labelled").asLong(),
            s.path("positives").asLong(),
            s.path("train").asInt(),
            s.path("holdout").asInt())
        .metrics(EntityModelFiles.metrics(n.path("metrics")))
        .features(features)
        .params(params(n.path("params")))
        .trainingMillis(n.path("trainingMillis").asLong())
        .model(ubj, start, end)
        .modelMetrics(EntityModelFiles.metrics(n.path("metrics")))
        .modelKind(ModelKind.parse(n.path("model").path("kind").asText("OWN")))
        .modelThreshold(
            n.path("model").path("threshold").isNumber()
                ? n.path("model").path("threshold").asDouble()
                : Double.NaN)
        .selection(
            SelectionJson.read(
                n.get("selection"), EntityModelFiles.metrics(n.path("fleetMetrics"))))
        .build();
  }

  private static byte[] readModel(String outputDir, JsonNode n) throws IOException {
    String path = outputDir + EntityModelFiles.DIR + n.path("model").path("file").asText();
    byte[] bytes = TrainingSummary.readAll(FileSystems.matchNewResource(path, false));
    String declared = n.path("model").path("sha256").asText();
    if (!ModelUpdate.sha256(bytes).equalsIgnoreCase(declared)) {
      throw new IOException(path + " does not match the sha256 in its metadata");
    }
    return bytes;
  }

  private static byte[] toUbj(byte[] model, String format) throws IOException {
    if (format.equals(ModelFormat.UBJ.label())) {
      return model;
    }
    try {
      Booster b = XgbTrainer.load(model);
      try {
        return b.toByteArray(XgbTrainer.MODEL_FORMAT);
      } finally {
        b.dispose();
      }
    } catch (XGBoostError e) {
      throw new IOException("cannot convert the " + format + " model to UBJ: " + e.getMessage());
    }
  }

  private static Map<String, Object> params(JsonNode p) {
    Map<String, Object> m = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      m.put(
          e.getKey(),
          v.isIntegralNumber()
              ? (Object) v.asLong()
              : v.isNumber() ? (Object) v.asDouble() : v.asText());
    }
    return m;
  }
}
