package io.fleetlearn.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
    assertSamePredictions(b, seed, TreeEnsemble.fromJson(json));
    // The UBJ bytes read without xgboost4j: the same trees, float for float.
    TreeEnsemble fromUbj = TreeEnsemble.fromUbj(b.toByteArray("ubj"));
    assertSamePredictions(b, seed, fromUbj);
    TreeEnsemble fromJson = TreeEnsemble.fromJson(json);
    int rows = 2000;
    float[] x = inputs(seed + 1, rows, json);
    float[] a = new float[rows];
    float[] c = new float[rows];
    fromJson.predict(x, rows, COLS, a);
    fromUbj.predict(x, rows, COLS, c);
    assertArrayEquals(a, c, "UBJ and JSON forms give the same scores, bit for bit");
    assertEquals(fromJson.nodes(), fromUbj.nodes());
    assertEquals(fromJson.features(), fromUbj.features());
  }

  private static void assertSamePredictions(Booster b, long seed, TreeEnsemble trees)
      throws Exception {
    byte[] json = b.toByteArray("json");
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
  void refusesUbjThatIsNotATreeModelWithItsOwnException() throws Exception {
    Booster linear = train(3, Map.of("booster", "gblinear"), 5);
    Booster trees = train(4, Map.of(), 20);
    try {
      assertThrows(
          UnsupportedModelException.class, () -> TreeEnsemble.fromUbj(linear.toByteArray("ubj")));
      byte[] ubj = trees.toByteArray("ubj");
      // Every truncation, and every byte replaced, of a real model: refused or read, never thrown.
      for (int n = 0; n < ubj.length; n += 97) {
        byte[] cut = java.util.Arrays.copyOf(ubj, n);
        assertThrows(UnsupportedModelException.class, () -> TreeEnsemble.fromUbj(cut));
      }
      java.util.Random r = new java.util.Random(5);
      for (int k = 0; k < 3000; k++) {
        byte[] bad = ubj.clone();
        bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
        try {
          TreeEnsemble.fromUbj(bad);
        } catch (UnsupportedModelException expected) {
          // refused: fine
        }
      }
    } finally {
      linear.dispose();
      trees.dispose();
    }
    assertThrows(UnsupportedModelException.class, () -> TreeEnsemble.fromUbj(new byte[0]));
    byte[] deep = new byte[200];
    java.util.Arrays.fill(deep, (byte) '[');
    assertThrows(UnsupportedModelException.class, () -> TreeEnsemble.fromUbj(deep));
  }

  @Test
  void refusesATreeWhoseNodesAreReachedTwiceSoScoringAlwaysEnds() throws Exception {
    Booster b = train(4, Map.of(), 3);
    try {
      com.fasterxml.jackson.databind.ObjectMapper mapper =
          new com.fasterxml.jackson.databind.ObjectMapper();
      com.fasterxml.jackson.databind.JsonNode root = mapper.readTree(b.toByteArray("json"));
      com.fasterxml.jackson.databind.node.ArrayNode left =
          (com.fasterxml.jackson.databind.node.ArrayNode)
              root.path("learner")
                  .path("gradient_booster")
                  .path("model")
                  .path("trees")
                  .get(0)
                  .path("left_children");
      assertTrue(left.get(2).asInt() > 0, "node 2 splits");
      TreeEnsemble.fromJson(mapper.writeValueAsBytes(root)); // as it is: read
      left.set(2, 1); // node 1 is now the child of node 0 and of node 2
      assertThrows(
          UnsupportedModelException.class,
          () -> TreeEnsemble.fromJson(mapper.writeValueAsBytes(root)));
    } finally {
      b.dispose();
    }
  }

  @Test
  void readsEveryUbjValueTypeAsJacksonDoes() throws Exception {
    // {"a":[1,-2,300,70000,5000000000,1.5f,2.25,true,false,null,"x",'c'],"b":[$d#2 ..],"c":{#1
    // "k":"v"}}
    java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
    java.io.DataOutputStream d = new java.io.DataOutputStream(o);
    d.writeByte('{');
    d.writeByte('U');
    d.writeByte(1);
    d.writeByte('a');
    d.writeByte('[');
    d.writeByte('i');
    d.writeByte(1);
    d.writeByte('N');
    d.writeByte('i');
    d.writeByte(-2);
    d.writeByte('I');
    d.writeShort(300);
    d.writeByte('l');
    d.writeInt(70000);
    d.writeByte('L');
    d.writeLong(5_000_000_000L);
    d.writeByte('d');
    d.writeFloat(1.5f);
    d.writeByte('D');
    d.writeDouble(2.25);
    d.writeByte('T');
    d.writeByte('F');
    d.writeByte('Z');
    d.writeByte('S');
    d.writeByte('U');
    d.writeByte(1);
    d.writeByte('x');
    d.writeByte('C');
    d.writeByte('c');
    d.writeByte(']');
    d.writeByte('U');
    d.writeByte(1);
    d.writeByte('b');
    d.writeByte('[');
    d.writeByte('$');
    d.writeByte('d');
    d.writeByte('#');
    d.writeByte('U');
    d.writeByte(2);
    d.writeFloat(0.5f);
    d.writeFloat(-3f);
    d.writeByte('U');
    d.writeByte(1);
    d.writeByte('c');
    d.writeByte('{');
    d.writeByte('#');
    d.writeByte('U');
    d.writeByte(1);
    d.writeByte('U');
    d.writeByte(1);
    d.writeByte('k');
    d.writeByte('S');
    d.writeByte('U');
    d.writeByte(1);
    d.writeByte('v');
    d.writeByte('}');
    com.fasterxml.jackson.databind.JsonNode n = UbjReader.read(o.toByteArray());
    assertEquals(
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(
                "{\"a\":[1,-2,300,70000,5000000000,1.5,2.25,true,false,null,\"x\",\"c\"],"
                    + "\"b\":[0.5,-3.0],\"c\":{\"k\":\"v\"}}")
            .toString(),
        n.toString());
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
