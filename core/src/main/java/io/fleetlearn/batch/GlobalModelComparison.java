package io.fleetlearn.batch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.training.BinaryMetrics;
import io.fleetlearn.training.ClassificationMetrics;
import io.fleetlearn.training.FeatureMatrix;
import io.fleetlearn.training.ModelKind;
import io.fleetlearn.training.TrainingParams;
import io.fleetlearn.training.TrainingResult;
import io.fleetlearn.training.WindowOutcome;
import io.fleetlearn.training.XgbTrainer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The served per-entity models against the global model ({@link GlobalModel}), on the same holdout.
 * The global model is scored on each entity's holdout, and both sides on the pooled holdout (each
 * row scored by its own entity's served model, at that model's threshold, for the per-entity side).
 * An entity's served model may itself be the global model ({@link ModelKind#FLEET}) or start from
 * it ({@link ModelKind#FLEET_TUNED}): each entity names its kind. Pure function of the outcomes,
 * deterministic: entities are taken in key order.
 */
public final class GlobalModelComparison {
  /** One entity's holdout scored by its served model and by the global model. */
  public record EntityComparison(
      String entity,
      ModelKind kind,
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

  /** Trains the global model on the outcomes' samples, then compares (tests, one-off use). */
  public static GlobalModelComparison compare(List<WindowOutcome> outcomes, TrainingParams params)
      throws XGBoostError {
    List<WindowOutcome> sorted = new ArrayList<>(outcomes);
    sorted.sort(Comparator.comparing(WindowOutcome::machineId));
    List<WindowSample> samples = new ArrayList<>();
    for (WindowOutcome o : sorted) {
      samples.add(o.sample());
    }
    return compare(outcomes, GlobalModel.train(samples, params), params);
  }

  /** Compares the outcomes' served models with {@code global}; never throws for lack of data. */
  public static GlobalModelComparison compare(
      List<WindowOutcome> outcomes, GlobalModel global, TrainingParams params) throws XGBoostError {
    List<WindowOutcome> sorted = new ArrayList<>(outcomes);
    sorted.sort(Comparator.comparing(WindowOutcome::machineId));
    if (sorted.isEmpty()) {
      return skipped("no entities");
    }
    if (!global.isTrained()) {
      return skipped(global.skipReason());
    }
    Booster g = XgbTrainer.load(global.model());
    try {
      List<EntityComparison> rowsOut = new ArrayList<>();
      List<float[]> own = new ArrayList<>();
      List<float[]> glob = new ArrayList<>();
      List<byte[]> truth = new ArrayList<>();
      List<ClassificationMetrics> served = new ArrayList<>();
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
        float[] globalScores = XgbTrainer.predict(g, h.data(), h.rows(), h.cols());
        byte[] y = h.labelBytes();
        long p = 0;
        for (byte v : y) {
          p += v;
        }
        TrainingResult.Selection sel = o.result().selection();
        ClassificationMetrics mine = BinaryMetrics.compute(ownScores, y, h.rows(), sel.threshold());
        rowsOut.add(
            new EntityComparison(
                o.machineId(),
                sel.kind(),
                h.rows(),
                p,
                mine,
                BinaryMetrics.compute(globalScores, y, h.rows(), params.threshold())));
        own.add(ownScores);
        glob.add(globalScores);
        truth.add(y);
        served.add(mine);
      }
      if (rowsOut.isEmpty()) {
        return skipped("no entity got a model, so there is no holdout to compare on");
      }
      float[] ownAll = concat(own);
      float[] globAll = concat(glob);
      byte[] y = concatBytes(truth);
      return new GlobalModelComparison(
          null,
          global.model(),
          global.trainRows(),
          global.trainPositives(),
          y.length,
          pooled(ownAll, y, served),
          BinaryMetrics.compute(globAll, y, y.length, params.threshold()),
          rowsOut,
          global.trainingMillis());
    } finally {
      g.dispose();
    }
  }

  /**
   * Pooled metrics of rows scored by different models at different thresholds: AUC and log loss
   * over all scores, the threshold metrics from the summed confusion matrices (no single threshold:
   * each row was judged at its own model's).
   */
  static ClassificationMetrics pooled(float[] scores, byte[] y, List<ClassificationMetrics> parts) {
    ClassificationMetrics ranking = BinaryMetrics.compute(scores, y, y.length, 0.5);
    long tp = 0;
    long fp = 0;
    long tn = 0;
    long fn = 0;
    for (ClassificationMetrics m : parts) {
      tp += m.tp();
      fp += m.fp();
      tn += m.tn();
      fn += m.fn();
    }
    long n = tp + fp + tn + fn;
    return ClassificationMetrics.of(
            ranking.auc(),
            tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn),
            tp + fp == 0 ? 0 : (double) tp / (tp + fp),
            tp + fn == 0 ? 0 : (double) tp / (tp + fn),
            n == 0 ? 0 : (double) (tp + tn) / n,
            ranking.logLoss())
        .withCounts(Double.NaN, tp, fp, tn, fn);
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

  /** Each holdout row scored by its entity's served model, at that model's threshold. */
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
        r.put("kind", e.kind().name());
        r.put("holdout", e.holdoutRows());
        r.put("holdoutPositives", e.holdoutPositives());
        r.set("perEntityModel", EntityModelFiles.metrics(e.perEntity()));
        r.set("globalModel", EntityModelFiles.metrics(e.global()));
      }
    }
    return n;
  }
}
