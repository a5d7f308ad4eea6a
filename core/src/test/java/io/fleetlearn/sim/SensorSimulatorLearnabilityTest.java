package io.fleetlearn.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.junit.jupiter.api.Test;

/**
 * Checks that the simulated fleet is worth one model per machine: a small XGBoost model learns a
 * machine's defects from a few hundred of its events, better than one model of the whole fleet, and
 * concept drift makes a machine's old model stale.
 */
class SensorSimulatorLearnabilityTest {
  private static final long T0 = Instant.parse("2026-11-27T10:00:00Z").toEpochMilli();
  private static final int FEATURES = SimulatorConfig.DEFAULT_FEATURES.size();
  private static final SensorEventContract CONTRACT =
      new SensorEventContract(SimulatorConfig.DEFAULT_FEATURES);

  /** Rows of one machine, in event order: features row-major, labels 0/1. */
  private static final class Rows {
    final float[] x;
    final float[] y;
    int n;

    Rows(int capacity) {
      x = new float[capacity * FEATURES];
      y = new float[capacity];
    }

    void add(SimulatedRecord r) {
      double[] v = CONTRACT.read(r.value()).features;
      for (int j = 0; j < FEATURES; j++) {
        x[n * FEATURES + j] = (float) v[j];
      }
      y[n++] = r.defect() ? 1 : 0;
    }

    Rows slice(int from, int to) {
      Rows s = new Rows(to - from);
      System.arraycopy(x, from * FEATURES, s.x, 0, (to - from) * FEATURES);
      System.arraycopy(y, from, s.y, 0, to - from);
      s.n = to - from;
      return s;
    }
  }

  @Test
  void perMachineModelsLearnDefectsBetterThanOneFleetModel() throws XGBoostError {
    SimulatorConfig config = SimulatorConfig.builder().build();
    int machines = config.machines();
    int perMachine = 400;
    int train = 300;
    Rows[] rows = new Rows[machines];
    for (int m = 0; m < machines; m++) {
      rows[m] = new Rows(perMachine);
    }
    SensorSimulator sim = new SensorSimulator(config);
    for (int i = 0; i < perMachine * machines; i++) {
      SimulatedRecord r = sim.next(T0 + i * 6L);
      rows[r.machineIndex()].add(r);
    }
    Rows fleet = new Rows(train * machines);
    for (Rows r : rows) {
      Rows head = r.slice(0, train);
      System.arraycopy(head.x, 0, fleet.x, fleet.n * FEATURES, train * FEATURES);
      System.arraycopy(head.y, 0, fleet.y, fleet.n, train);
      fleet.n += train;
    }
    Booster fleetModel = train(fleet);
    double[] own = new double[machines];
    double[] shared = new double[machines];
    try {
      for (int m = 0; m < machines; m++) {
        Rows holdout = rows[m].slice(train, perMachine);
        Booster model = train(rows[m].slice(0, train));
        try {
          own[m] = auc(predict(model, holdout), holdout.y);
        } finally {
          model.dispose();
        }
        shared[m] = auc(predict(fleetModel, holdout), holdout.y);
      }
    } finally {
      fleetModel.dispose();
    }
    String report = "own " + Arrays.toString(own) + ", fleet " + Arrays.toString(shared);
    assertTrue(Arrays.stream(own).min().getAsDouble() > 0.75, report);
    assertTrue(mean(own) > 0.85, report);
    assertTrue(mean(own) > mean(shared) + 0.03, report);
  }

  @Test
  void conceptDriftMakesAMachinesOldModelStale() throws XGBoostError {
    int perPhase = 400;
    long driftStart = T0 + perPhase * 100L;
    SimulatorConfig config =
        SimulatorConfig.builder().machines(1).driftMachines(0).driftStartMillis(driftStart).build();
    SensorSimulator sim = new SensorSimulator(config);
    Rows before = new Rows(perPhase);
    Rows after = new Rows(perPhase);
    for (int i = 0; i < 2 * perPhase; i++) {
      long t = T0 + i * 100L;
      (t < driftStart ? before : after).add(sim.next(t));
    }
    Rows holdout = after.slice(300, perPhase);
    Booster old = train(before);
    Booster retrained = train(after.slice(0, 300));
    try {
      double stale = auc(predict(old, holdout), holdout.y);
      double fresh = auc(predict(retrained, holdout), holdout.y);
      String report = "old model " + stale + ", retrained " + fresh;
      assertTrue(fresh > 0.75, report);
      assertTrue(fresh > stale + 0.15, report);
    } finally {
      old.dispose();
      retrained.dispose();
    }
  }

  private static Booster train(Rows rows) throws XGBoostError {
    DMatrix data = new DMatrix(rows.x, rows.n, FEATURES, Float.NaN);
    try {
      data.setLabel(rows.y);
      Map<String, Object> params = new HashMap<>();
      params.put("objective", "binary:logistic");
      params.put("max_depth", 4);
      params.put("eta", 0.1);
      params.put("nthread", 1);
      params.put("tree_method", "hist");
      params.put("seed", 0);
      return XGBoost.train(data, params, 50, new HashMap<>(), null, null);
    } finally {
      data.dispose();
    }
  }

  private static float[] predict(Booster model, Rows rows) throws XGBoostError {
    DMatrix data = new DMatrix(rows.x, rows.n, FEATURES, Float.NaN);
    try {
      float[][] p = model.predict(data);
      float[] out = new float[rows.n];
      for (int i = 0; i < rows.n; i++) {
        out[i] = p[i][0];
      }
      return out;
    } finally {
      data.dispose();
    }
  }

  /** Area under the ROC curve: the chance a random positive outscores a random negative. */
  private static double auc(float[] score, float[] label) {
    double wins = 0;
    long pairs = 0;
    for (int i = 0; i < score.length; i++) {
      if (label[i] != 1) {
        continue;
      }
      for (int k = 0; k < score.length; k++) {
        if (label[k] == 0) {
          wins += score[i] > score[k] ? 1 : score[i] == score[k] ? 0.5 : 0;
          pairs++;
        }
      }
    }
    return wins / pairs;
  }

  private static double mean(double[] values) {
    return Arrays.stream(values).average().getAsDouble();
  }
}
