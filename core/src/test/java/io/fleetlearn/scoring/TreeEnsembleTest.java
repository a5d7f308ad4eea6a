package io.fleetlearn.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlearn.training.TrainingParams;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;

/**
 * The pure-Java evaluator against xgboost4j's own prediction on the same inputs: several models
 * (depths, rounds, explicit and estimated base scores, parallel trees, missing values learned in
 * training), many random rows with missing values, and rows sitting exactly on split thresholds.
 */
class TreeEnsembleTest {
  private static final int COLS = 5;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Training data: the label depends on features 0 and 2, with 15 % missing values. */
  private static float[][] data(long seed, int rows) {
    Random r = new Random(seed);
    float[] x = new float[rows * COLS];
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < COLS; j++) {
        x[i * COLS + j] =
            r.nextDouble() < 0.15 ? Float.NaN : (float) (r.nextGaussian() * (j + 1) + j);
      }
      double f0 = Float.isNaN(x[i * COLS]) ? 1 : x[i * COLS];
      double f2 = Float.isNaN(x[i * COLS + 2]) ? -1 : x[i * COLS + 2] - 2;
      y[i] = r.nextDouble() < 1 / (1 + Math.exp(-(1.5 * f0 + 0.7 * f2 - 1))) ? 1 : 0;
    }
    return new float[][] {x, y};
  }

  private static Booster train(long seed, Map<String, Object> extra, int rounds) throws Exception {
    float[][] d = data(seed, 800);
    DMatrix m = new DMatrix(d[0], 800, COLS, Float.NaN);
    try {
      m.setLabel(d[1]);
      Map<String, Object> p = new LinkedHashMap<>(TrainingParams.defaults().boosterParams());
      p.putAll(extra);
      return XGBoost.train(m, p, rounds, Map.of(), null, null);
    } finally {
      m.dispose();
    }
  }

  /** Random rows (wider range than training, 20 % missing) plus rows on every split threshold. */
  private static float[] inputs(long seed, int rows, byte[] json) throws Exception {
    Random r = new Random(seed);
    List<Float> thresholds = new ArrayList<>();
    List<Integer> features = new ArrayList<>();
    for (JsonNode t : JSON.readTree(json).at("/learner/gradient_booster/model/trees")) {
      for (int i = 0; i < t.get("left_children").size(); i++) {
        if (t.get("left_children").get(i).asInt() != -1) {
          thresholds.add((float) t.get("split_conditions").get(i).asDouble());
          features.add(t.get("split_indices").get(i).asInt());
        }
      }
    }
    float[] x = new float[rows * COLS];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < COLS; j++) {
        x[i * COLS + j] =
            r.nextDouble() < 0.2 ? Float.NaN : (float) (r.nextGaussian() * 2 * (j + 1) + j);
      }
      if (i % 3 == 0 && !thresholds.isEmpty()) {
        // exactly on a threshold: the strict "<" decides
        int k = r.nextInt(thresholds.size());
        x[i * COLS + features.get(k)] = thresholds.get(k);
      }
    }
    return x;
  }

  private static void assertSamePredictions(Booster b, long seed) throws Exception {
    byte[] json = b.toByteArray("json");
    TreeEnsemble trees = TreeEnsemble.fromJson(json);
    int rows = 5000;
    float[] x = inputs(seed, rows, json);
    float[][] expected = b.inplace_predict(x, rows, COLS, Float.NaN);
    float[] batch = new float[rows];
    trees.predict(x, rows, COLS, batch);
    float[] row = new float[COLS];
    double maxDiff = 0;
    for (int i = 0; i < rows; i++) {
      System.arraycopy(x, i * COLS, row, 0, COLS);
      float one = trees.predict(row);
      assertEquals(batch[i], one, 0.0, "row-at-a-time and batch agree");
      maxDiff = Math.max(maxDiff, Math.abs(expected[i][0] - one));
      assertEquals(expected[i][0], one, 1e-6, "row " + i);
    }
    assertTrue(maxDiff <= 1e-6, "max difference " + maxDiff);
  }

  @Test
  void matchesXgboostOnTheProductsDefaultModel() throws Exception {
    Booster b = train(1, Map.of(), 50);
    try {
      assertSamePredictions(b, 101);
    } finally {
      b.dispose();
    }
  }

  @Test
  void matchesXgboostAcrossDepthsRoundsAndBaseScores() throws Exception {
    List<Map<String, Object>> variants =
        List.of(
            Map.of("max_depth", 2, "base_score", 0.3),
            Map.of("max_depth", 6, "eta", 0.1, "base_score", 0.8),
            Map.of("max_depth", 8, "min_child_weight", 0, "lambda", 0.1),
            Map.of("max_depth", 3, "subsample", 0.7, "num_parallel_tree", 3, "seed", 7),
            Map.of("max_depth", 5, "scale_pos_weight", 4.0, "tree_method", "exact"),
            Map.of("max_depth", 4, "objective", "binary:logitraw"));
    int[] rounds = {10, 120, 30, 8, 40, 25};
    for (int v = 0; v < variants.size(); v++) {
      Booster b = train(10 + v, variants.get(v), rounds[v]);
      try {
        assertSamePredictions(b, 200 + v);
      } finally {
        b.dispose();
      }
    }
  }

  @Test
  void loadsTheJavaEvaluatorForTreesAndFallsBackToXgboostOtherwise() throws Exception {
    Booster trees = train(3, Map.of(), 5);
    Booster linear = train(3, Map.of("booster", "gblinear"), 5);
    try (ModelEvaluator t = ModelEvaluators.load(trees.toByteArray("ubj"));
        ModelEvaluator l = ModelEvaluators.load(linear.toByteArray("ubj"))) {
      assertInstanceOf(TreeEnsemble.class, t);
      assertInstanceOf(XgbEvaluator.class, l);
      assertThrows(
          UnsupportedModelException.class, () -> TreeEnsemble.fromJson(linear.toByteArray("json")));
      float[] row = {1, Float.NaN, 2, 3, 4};
      DMatrix m = new DMatrix(row, 1, COLS, Float.NaN);
      try {
        assertEquals(linear.predict(m)[0][0], l.predict(row), 0.0);
      } finally {
        m.dispose();
      }
      assertEquals(trees.inplace_predict(row, 1, COLS, Float.NaN)[0][0], t.predict(row), 1e-6);
    } finally {
      trees.dispose();
      linear.dispose();
    }
  }

  @Test
  void refusesSomethingThatIsNotAModel() {
    assertThrows(UnsupportedModelException.class, () -> TreeEnsemble.fromJson(new byte[] {1, 2}));
    assertThrows(
        UnsupportedModelException.class,
        () ->
            TreeEnsemble.fromJson(
                "{\"learner\":{\"objective\":{\"name\":\"multi:softprob\"}}}".getBytes()));
  }
}
