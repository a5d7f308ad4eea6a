package io.fleetlearn.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.training.ClassificationMetrics;
import io.fleetlearn.training.MetricsJson;
import io.fleetlearn.training.SelectionJson;
import io.fleetlearn.training.TrainingResult;
import io.fleetlearn.training.WindowOutcome;
import io.fleetlearn.training.XgbTrainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The files written per entity under {@code OUTPUT/entities/}: the model ({@code <entity>.ubj} or
 * {@code .json}) and its metadata ({@code <entity>.metadata.json}: encoding, label mapping,
 * parameters, sample counts, holdout metrics and which candidate serves: {@code model.kind}, with
 * its own {@code threshold}). Entity keys are made file-name safe: characters outside {@code
 * [A-Za-z0-9._-]} become {@code _} and a short hash of the key is appended, so two keys never share
 * a file.
 */
public final class EntityModelFiles {
  /** Directory of the per-entity files, relative to the output directory. */
  public static final String DIR = "entities/";

  public static final String METADATA_SUFFIX = ".metadata.json";

  static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  private EntityModelFiles() {}

  /** The file-name stem of an entity's files. */
  public static String stem(String entity) {
    if (SAFE.matcher(entity).matches()) {
      return entity;
    }
    String cleaned = entity.replaceAll("[^A-Za-z0-9._-]", "_");
    if (cleaned.length() > 80) {
      cleaned = cleaned.substring(0, 80);
    }
    String hash = ModelUpdate.sha256(entity.getBytes(StandardCharsets.UTF_8)).substring(0, 8);
    return "_" + cleaned + "-" + hash;
  }

  public static String modelFile(String entity, ModelFormat format) {
    return stem(entity) + "." + format.extension();
  }

  public static String metadataFile(String entity) {
    return stem(entity) + METADATA_SUFFIX;
  }

  /** The model bytes in {@code format}, converted from the trainer's UBJ when needed. */
  static byte[] modelBytes(byte[] ubj, ModelFormat format) throws XGBoostError {
    if (format == ModelFormat.UBJ) {
      return ubj;
    }
    Booster b = XgbTrainer.load(ubj);
    try {
      return b.toByteArray(format.extension());
    } finally {
      b.dispose();
    }
  }

  /**
   * The metadata of one entity's outcome.
   *
   * @param modelFileBytes the model file's content when a model was trained, else null
   */
  public static ObjectNode metadata(
      BatchTrainingConfig config,
      TabularEncoder encoder,
      WindowOutcome o,
      byte @Nullable [] modelFileBytes) {
    TabularSchema schema = config.schema();
    TrainingResult r = o.result();
    WindowSample s = o.sample();
    ObjectNode n = MAPPER.createObjectNode();
    n.put("runId", config.runId());
    n.put("entity", o.machineId());
    ArrayNode keys = n.putArray("entityColumns");
    schema.entityColumns().forEach(keys::add);
    n.put("status", r.status().name());
    n.put("reason", r.reason());
    n.put("input", config.input());
    if (modelFileBytes != null) {
      ObjectNode m = n.putObject("model");
      m.put("file", modelFile(o.machineId(), config.modelFormat()));
      m.put("format", config.modelFormat().label());
      m.put("sha256", ModelUpdate.sha256(modelFileBytes));
      m.put("bytes", modelFileBytes.length);
      m.put("kind", r.selection().kind().name());
      m.put("threshold", r.selection().threshold());
    }
    ArrayNode features = n.putArray("features");
    encoder.featureNames().forEach(features::add);
    n.set("encoding", encoder.toJson());
    ObjectNode label = n.putObject("label");
    label.put("column", schema.labelColumn());
    ObjectNode mapping = label.putObject("mapping");
    for (Map.Entry<String, Integer> e : schema.labels().entries().entrySet()) {
      mapping.put(e.getKey(), e.getValue());
    }
    label.put("positiveClass", 1);
    label.put("missing", "unlabelled: counted in samples.rows, not trained on");
    ObjectNode time = n.putObject("time");
    if (schema.timeColumn() == null) {
      time.putNull("column");
    } else {
      time.put("column", schema.timeColumn());
      time.put("start", Instant.ofEpochMilli(o.windowStart()).toString());
      time.put("end", Instant.ofEpochMilli(o.windowEnd()).toString());
    }
    n.set("params", MAPPER.valueToTree(config.training().describe()));
    // The served threshold: the model's own once trained, else the configured one.
    n.put("threshold", r.isTrained() ? r.selection().threshold() : config.training().threshold());
    n.put("holdoutFraction", config.training().holdoutFraction());
    ObjectNode samples = n.putObject("samples");
    samples.put("rows", s.seen());
    samples.put("labelled", s.labelled());
    samples.put("positives", s.positives());
    samples.put("sampled", s.size());
    samples.put("train", r.trainRows());
    samples.put("holdout", r.holdoutRows());
    if (r.isTrained()) {
      n.set("metrics", metrics(r.metrics()));
      if (r.selection().fleetMetrics() != null) {
        n.set("fleetMetrics", metrics(r.selection().fleetMetrics()));
      }
      n.set("selection", SelectionJson.toNode(r.selection()));
      n.put("trainingMillis", r.trainingMillis());
    }
    return n;
  }

  static ObjectNode metrics(ClassificationMetrics m) {
    return MetricsJson.toNode(m);
  }

  static ClassificationMetrics metrics(JsonNode m) {
    return MetricsJson.read(m);
  }

  static byte[] pretty(JsonNode n) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
