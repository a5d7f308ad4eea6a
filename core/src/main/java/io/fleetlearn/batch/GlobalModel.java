package io.fleetlearn.batch;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.training.FleetBaseline;
import io.fleetlearn.training.HoldoutSplit;
import io.fleetlearn.training.TrainingParams;
import io.fleetlearn.training.XgbTrainer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The batch job's global model: one model, with the per-entity parameters, trained on every
 * labelled row of every entity's sample that is not in that entity's holdout (the same stratified
 * {@link HoldoutSplit} the entity's own training makes). It is the fleet model of the batch job:
 * each entity's {@code FLEET} and {@code FLEET_TUNED} candidates start from it, and {@code
 * --compareGlobal} compares the served models with it. Immutable; {@link #model()} is null with a
 * {@link #skipReason()} when no model could be trained.
 */
public final class GlobalModel {
  private final byte @Nullable [] model;
  private final String skipReason;
  private final int trainRows;
  private final long trainPositives;
  private final long trainingMillis;

  private GlobalModel(
      byte @Nullable [] model,
      String skipReason,
      int trainRows,
      long trainPositives,
      long trainingMillis) {
    this.model = model;
    this.skipReason = skipReason;
    this.trainRows = trainRows;
    this.trainPositives = trainPositives;
    this.trainingMillis = trainingMillis;
  }

  static GlobalModel skipped(String reason) {
    return new GlobalModel(null, reason, 0, 0, 0);
  }

  /** Trains on the entities' samples, taken in the order given (sort them for determinism). */
  public static GlobalModel train(List<WindowSample> samples, TrainingParams params)
      throws XGBoostError {
    if (samples.isEmpty()) {
      return skipped("no entities");
    }
    int dim = samples.get(0).dim();
    int rows = 0;
    for (WindowSample s : samples) {
      rows += s.size();
    }
    float[] data = new float[rows * dim];
    float[] labels = new float[rows];
    int n = 0;
    long positives = 0;
    for (WindowSample s : samples) {
      byte[] l = s.labelArray();
      int[] holdout = holdoutRows(s, params);
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
    DMatrix d = new DMatrix(Arrays.copyOf(data, n * dim), n, dim, Float.NaN);
    try {
      d.setLabel(Arrays.copyOf(labels, n));
      Booster b =
          XGBoost.train(
              d, params.boosterParams(), params.rounds(), Collections.emptyMap(), null, null);
      try {
        byte[] model = b.toByteArray(XgbTrainer.MODEL_FORMAT);
        return new GlobalModel(model, "", n, positives, (System.nanoTime() - start) / 1_000_000);
      } finally {
        b.dispose();
      }
    } finally {
      d.dispose();
    }
  }

  /**
   * The holdout rows the entity's own training holds out (sorted); none when the sample has fewer
   * than two rows of a class, as then no model is trained for it.
   */
  static int[] holdoutRows(WindowSample s, TrainingParams params) {
    byte[] l = s.labelArray();
    int p = 0;
    int q = 0;
    for (int i = 0; i < s.size(); i++) {
      p += l[i] == 1 ? 1 : 0;
      q += l[i] == 0 ? 1 : 0;
    }
    if (p < 2 || q < 2) {
      return new int[0];
    }
    return HoldoutSplit.stratified(l, s.priorityArray(), s.size(), params.holdoutFraction())
        .holdoutRows();
  }

  public boolean isTrained() {
    return model != null;
  }

  public byte @Nullable [] model() {
    return model;
  }

  public String skipReason() {
    return skipReason;
  }

  public int trainRows() {
    return trainRows;
  }

  public long trainPositives() {
    return trainPositives;
  }

  public long trainingMillis() {
    return trainingMillis;
  }

  /** The model as the entities' candidates see it; null when there is none. */
  public @Nullable FleetBaseline asFleet(TrainingParams params) {
    return model == null ? null : new FleetBaseline(0, model, params.threshold());
  }

  /** Gathers samples for {@link #train}, sorted by entity key. */
  static List<WindowSample> sortedSamples(
      Iterable<? extends java.util.Map.Entry<String, WindowSample>> in) {
    List<java.util.Map.Entry<String, WindowSample>> all = new ArrayList<>();
    in.forEach(all::add);
    all.sort(java.util.Map.Entry.comparingByKey());
    List<WindowSample> out = new ArrayList<>();
    for (java.util.Map.Entry<String, WindowSample> e : all) {
      out.add(e.getValue());
    }
    return out;
  }

  /** Deterministic binary coder: presence, model bytes or reason, then the counts. */
  public static final class Coder extends AtomicCoder<GlobalModel> {
    private static final Coder INSTANCE = new Coder();

    public static Coder of() {
      return INSTANCE;
    }

    private Coder() {}

    @Override
    public void encode(GlobalModel g, OutputStream out) throws IOException {
      DataOutputStream d = new DataOutputStream(out);
      d.writeBoolean(g.model != null);
      d.writeUTF(g.skipReason);
      d.writeInt(g.trainRows);
      d.writeLong(g.trainPositives);
      d.writeLong(g.trainingMillis);
      d.flush();
      if (g.model != null) {
        ByteArrayCoder.of().encode(g.model, out);
      }
    }

    @Override
    public GlobalModel decode(InputStream in) throws IOException {
      DataInputStream d = new DataInputStream(in);
      boolean has = d.readBoolean();
      String reason = d.readUTF();
      int rows = d.readInt();
      long positives = d.readLong();
      long millis = d.readLong();
      byte[] model = has ? ByteArrayCoder.of().decode(in) : null;
      return new GlobalModel(model, reason, rows, positives, millis);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
