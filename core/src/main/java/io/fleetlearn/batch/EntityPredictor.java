package io.fleetlearn.batch;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.training.XgbTrainer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.apache.beam.sdk.io.FileSystems;

/**
 * Scores raw rows (column → value, as in the history file) with one entity's model, encoding them
 * with the {@link TabularEncoder} stored in the model's metadata: the same columns, one-hot
 * vocabulary and missing-value rules as in training. A category the model never saw encodes as all
 * zeros. Holds a native booster: close it.
 */
public final class EntityPredictor implements AutoCloseable {
  private final String entity;
  private final TabularEncoder encoder;
  private final double threshold;
  private final Booster booster;

  private EntityPredictor(String entity, TabularEncoder encoder, double threshold, Booster b) {
    this.entity = entity;
    this.encoder = encoder;
    this.threshold = threshold;
    this.booster = b;
  }

  /** Loads from a metadata file's and its model file's bytes; checks the model's sha256. */
  public static EntityPredictor load(byte[] metadataJson, byte[] model) throws IOException {
    JsonNode n = EntityModelFiles.MAPPER.readTree(metadataJson);
    if (!n.path("status").asText().equals("TRAINED")) {
      throw new IOException(
          "entity " + n.path("entity").asText() + " has no model: " + n.path("reason").asText());
    }
    String declared = n.path("model").path("sha256").asText();
    if (!ModelUpdate.sha256(model).equalsIgnoreCase(declared)) {
      throw new IOException("the model does not match the sha256 in its metadata");
    }
    try {
      return new EntityPredictor(
          n.path("entity").asText(),
          TabularEncoder.fromJson(n.path("encoding")),
          n.path("threshold").asDouble(0.5),
          XgbTrainer.load(model));
    } catch (XGBoostError e) {
      throw new IOException("cannot load the model: " + e.getMessage(), e);
    }
  }

  /** Loads {@code <dir>/<entity>.metadata.json} and the model file it names (any filesystem). */
  public static EntityPredictor load(String entitiesDir, String entity) throws IOException {
    String dir = entitiesDir.endsWith("/") ? entitiesDir : entitiesDir + "/";
    byte[] meta =
        TrainingSummary.readAll(
            FileSystems.matchNewResource(dir + EntityModelFiles.metadataFile(entity), false));
    String modelFile = EntityModelFiles.MAPPER.readTree(meta).path("model").path("file").asText();
    byte[] model = TrainingSummary.readAll(FileSystems.matchNewResource(dir + modelFile, false));
    return load(meta, model);
  }

  public String entity() {
    return entity;
  }

  public TabularEncoder encoder() {
    return encoder;
  }

  /** The decision threshold the model was evaluated with. */
  public double threshold() {
    return threshold;
  }

  /** The probability of the positive class for one raw row. */
  public float score(Map<String, String> row) throws RowRejectedException, XGBoostError {
    return score(List.of(row))[0];
  }

  /** Probabilities for several raw rows at once. */
  public float[] score(List<Map<String, String>> rows) throws RowRejectedException, XGBoostError {
    int dim = encoder.dim();
    float[] data = new float[rows.size() * dim];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(encoder.encode(rows.get(i)), 0, data, i * dim, dim);
    }
    return XgbTrainer.predict(booster, data, rows.size(), dim);
  }

  @Override
  public void close() {
    booster.dispose();
  }
}
