package io.fleetlearn.batch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.training.BinaryMetrics;
import io.fleetlearn.training.ClassificationMetrics;
import io.fleetlearn.training.FeatureMatrix;
import io.fleetlearn.training.TrainingParams;
import io.fleetlearn.training.WindowOutcome;
import io.fleetlearn.training.XgbTrainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Per-entity models against one global model, on the same holdout. The global model is trained,
 * with the same parameters, on every labelled row that no per-entity model held out (rows of
 * entities that got no model included); it is then scored on each entity's holdout, and both kinds
 * of model are scored on the pooled holdout (each row scored by its own entity's model for the
 * per-entity side). Pure function of the outcomes, deterministic: entities are taken in key order.
 */
public final class GlobalModelComparison {
  /** One entity's holdout scored by its own model and by the global model. */
  public record EntityComparison(
      String entity,
      int holdoutRows,
      long holdoutPositives,
      ClassificationMetrics perEntity,
      ClassificationMetrics global) {}

  private final @Nullable String skipReason;
  private final byte @Nullable [] model;
  private final int trainRows;
  private final long trainPositives;
  private final int holdoutRows;
  private final @Nullable ClassificationMetrics pooledPerEntity;
  private final @Nullable ClassificationMetrics pooledGlobal;
  private final List<EntityComparison> entities;
  private final long trainingMillis;

  private GlobalModelComparison(
      @Nullable String skipReason,
      byte @Nullable [] model,
      int trainRows,
      long trainPositives,
      int holdoutRows,
      @Nullable ClassificationMetrics pooledPerEntity,
      @Nullable ClassificationMetrics pooledGlobal,
      List<EntityComparison> entities,
      long trainingMillis) {
    this.skipReason = skipReason;
    this.model = model;
    this.trainRows = trainRows;
    this.trainPositives = trainPositives;
    this.holdoutRows = holdoutRows;
    this.pooledPerEntity = pooledPerEntity;
    this.pooledGlobal = pooledGlobal;
    this.entities = Collections.unmodifiableList(entities);
    this.trainingMillis = trainingMillis;
  }

  private static GlobalModelComparison skipped(String reason) {
    return new GlobalModelComparison(reason, null, 0, 0, 0, null, null, List.of(), 0);
  }

  /**
   * Trains the global model and compares; never throws for lack of data (see {@link #isTrained}).
   */
  public static GlobalModelComparison compare(List<WindowOutcome> outcomes, TrainingParams params)
      throws XGBoostError {
    List<WindowOutcome> sorted = new ArrayList<>(outcomes);
    sorted.sort(Comparator.comparing(WindowOutcome::machineId));
    if (sorted.isEmpty()) {
      return skipped("no entities");
    }
    int dim = sorted.get(0).sample().dim();
    int rows = 0;
    for (WindowOutcome o : sorted) {
      rows += o.sample().size();
    }
    float[] data = new float[rows * dim];
    float[] labels = new float[rows];
    int n = 0;
    long positives = 0;
    for (WindowOutcome o : sorted) {
      WindowSample s = o.sample();
      int[] holdout = o.result().holdoutIndex();
      byte[] l = s.labelArray();
      for (int i = 0; i < s.size(); i++) {
        if (l[i] >= 0 && Arrays.binarySearch(holdout, i) < 0) {
          System.arraycopy(s.featureArray(), i * dim, data, n * dim, dim);
          labels[n++] = l[i];
          positives += l[i];
        }
      }
    }
    if (positives == 0 || positives == n) {
      return skipped("the pooled training rows hold a single class (" + n + " rows)");
    }
    long start = System.nanoTime();
    Booster global = train(data, labels, n, dim, params);
    try {
      long millis = (System.nanoTime() - start) / 1_000_000;
      List<EntityComparison> rowsOut = new ArrayList<>();
      List<float[]> own = new ArrayList<>();
      List<float[]> glob = new ArrayList<>();
      List<byte[]> truth = new ArrayList<>();
      for (WindowOutcome o : sorted) {
        if (!o.result().isTrained()) {
          continue;
        }
        FeatureMatrix h = o.holdout();
        float[] ownScores;
        Booster b = XgbTrainer.load(o.result().model());
        try {
          ownScores = XgbTrainer.predict(b, h.data(), h.rows(), h.cols());
        } finally {
          b.dispose();
        }
        float[] globalScores = XgbTrainer.predict(global, h.data(), h.rows(), h.cols());
        byte[] y = h.labelBytes();
        long p = 0;
        for (byte v : y) {
          p += v;
        }
        rowsOut.add(
            new EntityComparison(
                o.machineId(),
                h.rows(),
                p,
                BinaryMetrics.compute(ownScores, y, h.rows(), params.threshold()),
                BinaryMetrics.compute(globalScores, y, h.rows(), params.threshold())));
        own.add(ownScores);
        glob.add(globalScores);
        truth.add(y);
      }
      if (rowsOut.isEmpty()) {
        return skipped("no entity got a model, so there is no holdout to compare on");
      }
      float[] ownAll = concat(own);
      float[] globAll = concat(glob);
      byte[] y = concatBytes(truth);
      return new GlobalModelComparison(
          null,
          global.toByteArray(XgbTrainer.MODEL_FORMAT),
          n,
          positives,
          y.length,
          BinaryMetrics.compute(ownAll, y, y.length, params.threshold()),
          BinaryMetrics.compute(globAll, y, y.length, params.threshold()),
          rowsOut,
          millis);
    } finally {
      global.dispose();
    }
  }

  // The same booster parameters and rounds as XgbTrainer, on a matrix that spans all entities.
  private static Booster train(float[] data, float[] labels, int rows, int dim, TrainingParams p)
      throws XGBoostError {
    DMatrix d = new DMatrix(Arrays.copyOf(data, rows * dim), rows, dim, Float.NaN);
    try {
      d.setLabel(Arrays.copyOf(labels, rows));
      Map<String, Object> booster = p.boosterParams();
      return XGBoost.train(d, booster, p.rounds(), Collections.emptyMap(), null, null);
    } finally {
      d.dispose();
    }
  }

  private static float[] concat(List<float[]> parts) {
    int n = parts.stream().mapToInt(a -> a.length).sum();
    float[] out = new float[n];
    int o = 0;
    for (float[] a : parts) {
      System.arraycopy(a, 0, out, o, a.length);
      o += a.length;
    }
    return out;
  }

  private static byte[] concatBytes(List<byte[]> parts) {
    int n = parts.stream().mapToInt(a -> a.length).sum();
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] a : parts) {
      System.arraycopy(a, 0, out, o, a.length);
      o += a.length;
    }
    return out;
  }

  public boolean isTrained() {
    return model != null;
  }

  /** Why no comparison was made; null when it was. */
  public @Nullable String skipReason() {
    return skipReason;
  }

  /** The global model (UBJ); null when skipped. */
  public byte @Nullable [] model() {
    return model;
  }

  public int trainRows() {
    return trainRows;
  }

  public int holdoutRows() {
    return holdoutRows;
  }

  /** Each holdout row scored by its entity's own model. */
  public @Nullable ClassificationMetrics pooledPerEntity() {
    return pooledPerEntity;
  }

  /** Each holdout row scored by the global model. */
  public @Nullable ClassificationMetrics pooledGlobal() {
    return pooledGlobal;
  }

  public List<EntityComparison> entities() {
    return entities;
  }

  /** The comparison as written to {@code OUTPUT/global/comparison.json}. */
  public ObjectNode toJson(
      String runId, List<String> features, TrainingParams params, @Nullable String modelFile) {
    ObjectNode n = EntityModelFiles.MAPPER.createObjectNode();
    n.put("runId", runId);
    n.put("status", isTrained() ? "TRAINED" : "SKIPPED");
    n.put("reason", skipReason == null ? "" : skipReason);
    n.put(
        "holdout",
        "the union of the per-entity holdouts; the global model trains on every other labelled row");
    if (modelFile != null) {
      n.putObject("model").put("file", modelFile);
    }
    ArrayNode f = n.putArray("features");
    features.forEach(f::add);
    n.set("params", EntityModelFiles.MAPPER.valueToTree(params.describe()));
    n.put("threshold", params.threshold());
    ObjectNode samples = n.putObject("samples");
    samples.put("train", trainRows);
    samples.put("trainPositives", trainPositives);
    samples.put("holdout", holdoutRows);
    if (isTrained()) {
      n.put("trainingMillis", trainingMillis);
      ObjectNode pooled = n.putObject("pooledHoldout");
      pooled.set("perEntityModels", EntityModelFiles.metrics(pooledPerEntity));
      pooled.set("globalModel", EntityModelFiles.metrics(pooledGlobal));
      ArrayNode rows = n.putArray("entities");
      for (EntityComparison e : entities) {
        ObjectNode r = rows.addObject();
        r.put("entity", e.entity());
        r.put("holdout", e.holdoutRows());
        r.put("holdoutPositives", e.holdoutPositives());
        r.set("perEntityModel", EntityModelFiles.metrics(e.perEntity()));
        r.set("globalModel", EntityModelFiles.metrics(e.global()));
      }
    }
    return n;
  }
}
