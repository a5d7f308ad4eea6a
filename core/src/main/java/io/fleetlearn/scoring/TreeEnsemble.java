package io.fleetlearn.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlearn.training.FleetBaseline;
import java.io.IOException;

/**
 * A pure-Java evaluator of an XGBoost tree ensemble, read from XGBoost's UBJ model (the form models
 * travel in) or its JSON form. It reproduces xgboost4j's CPU prediction step by step: the margin
 * starts at the base score's margin, each tree's leaf is added in tree order in float arithmetic, a
 * missing value ({@code NaN}) follows the node's default direction, a present one goes left when
 * {@code value < split condition}, and the logistic objectives apply the sigmoid. A test checks it
 * against xgboost4j's {@code inplace_predict} within 1e-6 on many models and inputs.
 *
 * <p>Supported: {@code gbtree} boosters (any number of parallel trees) with one output and numeric
 * splits, objectives {@code binary:logistic}, {@code reg:logistic} and {@code binary:logitraw}.
 * Anything else (dart, gblinear, categorical splits, multi-class or multi-target models) is refused
 * with {@link UnsupportedModelException}, and {@link ModelEvaluators} falls back to xgboost4j.
 *
 * <p>All trees live in flat primitive arrays (one node = one index), so scoring allocates nothing.
 * Immutable and thread-safe.
 */
public final class TreeEnsemble implements ModelEvaluator, FleetBaseline.Scorer {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final int[] roots;
  private final int[] left;
  private final int[] right;
  private final int[] feature;
  private final float[] value;
  private final boolean[] defaultLeft;
  private final float baseMargin;
  private final boolean sigmoid;
  private final int numFeatures;

  private TreeEnsemble(
      int[] roots,
      int[] left,
      int[] right,
      int[] feature,
      float[] value,
      boolean[] defaultLeft,
      float baseMargin,
      boolean sigmoid,
      int numFeatures) {
    this.roots = roots;
    this.left = left;
    this.right = right;
    this.feature = feature;
    this.value = value;
    this.defaultLeft = defaultLeft;
    this.baseMargin = baseMargin;
    this.sigmoid = sigmoid;
    this.numFeatures = numFeatures;
  }

  /** Parses XGBoost's JSON model ({@code Booster.toByteArray("json")}). */
  public static TreeEnsemble fromJson(byte[] json) throws UnsupportedModelException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UnsupportedModelException("not an XGBoost JSON model: " + e.getMessage());
    }
    return fromTree(root);
  }

  /**
   * Parses XGBoost's UBJ model (the form models travel in) directly, without xgboost4j: the same
   * model as {@link #fromJson} reads from the JSON form of it, float for float.
   */
  public static TreeEnsemble fromUbj(byte[] ubj) throws UnsupportedModelException {
    return fromTree(UbjReader.read(ubj));
  }

  private static TreeEnsemble fromTree(JsonNode root) throws UnsupportedModelException {
    if (root == null) {
      throw new UnsupportedModelException("not an XGBoost model: empty");
    }
    JsonNode learner = root.path("learner");
    String objective = learner.path("objective").path("name").asText("");
    boolean sigmoid;
    switch (objective) {
      case "binary:logistic":
      case "reg:logistic":
        sigmoid = true;
        break;
      case "binary:logitraw":
        sigmoid = false;
        break;
      default:
        throw new UnsupportedModelException("objective " + objective);
    }
    JsonNode param = learner.path("learner_model_param");
    if (param.path("num_class").asInt(0) > 1 || param.path("num_target").asInt(1) > 1) {
      throw new UnsupportedModelException("more than one output");
    }
    int numFeatures = param.path("num_feature").asInt(-1);
    float baseScore;
    try {
      baseScore = Float.parseFloat(param.path("base_score").asText("0.5"));
    } catch (NumberFormatException e) {
      throw new UnsupportedModelException("base_score " + param.path("base_score").asText());
    }
    // As XGBoost's logistic loss does, in float: margin = -log(1/p - 1); logitraw takes it as is.
    float baseMargin = sigmoid ? (float) -Math.log(1.0f / baseScore - 1.0f) : baseScore;
    JsonNode booster = learner.path("gradient_booster");
    if (!"gbtree".equals(booster.path("name").asText())) {
      throw new UnsupportedModelException("booster " + booster.path("name").asText());
    }
    JsonNode trees = booster.path("model").path("trees");
    if (!trees.isArray() || trees.isEmpty()) {
      throw new UnsupportedModelException("no trees");
    }
    int total = 0;
    for (JsonNode t : trees) {
      if (t.path("tree_param").path("size_leaf_vector").asInt(1) > 1) {
        throw new UnsupportedModelException("vector leaves (multi-target tree)");
      }
      total += t.path("left_children").size();
    }
    int[] roots = new int[trees.size()];
    int[] left = new int[total];
    int[] right = new int[total];
    int[] feature = new int[total];
    float[] value = new float[total];
    boolean[] defaultLeft = new boolean[total];
    int base = 0;
    int ti = 0;
    for (JsonNode t : trees) {
      JsonNode l = t.path("left_children");
      JsonNode r = t.path("right_children");
      JsonNode f = t.path("split_indices");
      JsonNode c = t.path("split_conditions");
      JsonNode d = t.path("default_left");
      JsonNode types = t.path("split_type");
      int n = l.size();
      if (n == 0 || r.size() != n || f.size() != n || c.size() != n || d.size() != n) {
        throw new UnsupportedModelException("tree " + ti + ": empty or inconsistent node arrays");
      }
      roots[ti++] = base;
      for (int i = 0; i < n; i++) {
        int li = l.get(i).asInt();
        boolean leaf = li == -1;
        if (!leaf && types.size() == n && types.get(i).asInt() != 0) {
          throw new UnsupportedModelException("categorical split");
        }
        int ri = r.get(i).asInt();
        if (!leaf && (li <= 0 || li >= n || ri <= 0 || ri >= n)) {
          throw new UnsupportedModelException("tree " + (ti - 1) + ": bad child index");
        }
        left[base + i] = leaf ? -1 : base + li;
        right[base + i] = leaf ? -1 : base + ri;
        feature[base + i] = f.get(i).asInt();
        if (!leaf
            && (feature[base + i] < 0 || (numFeatures > 0 && feature[base + i] >= numFeatures))) {
          throw new UnsupportedModelException("tree " + (ti - 1) + ": bad feature index");
        }
        value[base + i] = (float) c.get(i).asDouble();
        JsonNode dl = d.get(i);
        defaultLeft[base + i] = dl.isBoolean() ? dl.asBoolean() : dl.asInt() != 0;
      }
      checkIsATree(left, right, base, n, ti - 1);
      base += n;
    }
    if (numFeatures < 0) {
      int max = 0;
      for (int i = 0; i < total; i++) {
        max = Math.max(max, feature[i] + 1);
      }
      numFeatures = max;
    }
    return new TreeEnsemble(
        roots, left, right, feature, value, defaultLeft, baseMargin, sigmoid, numFeatures);
  }

  /**
   * Refuses a tree in which a node is reached twice from the root (a cycle, or a shared child), so
   * that scoring ends for any model bytes: models arrive from a topic, not only from xgboost4j.
   */
  private static void checkIsATree(int[] left, int[] right, int base, int n, int tree)
      throws UnsupportedModelException {
    boolean[] reached = new boolean[n];
    int[] stack = new int[n + 1];
    int top = 0;
    stack[top++] = base;
    while (top > 0) {
      int node = stack[--top];
      if (reached[node - base]) {
        throw new UnsupportedModelException("tree " + tree + ": a node is reached twice");
      }
      reached[node - base] = true;
      if (left[node] >= 0) {
        if (top + 2 > stack.length) {
          throw new UnsupportedModelException("tree " + tree + ": a node is reached twice");
        }
        stack[top++] = left[node];
        stack[top++] = right[node];
      }
    }
  }

  /** The raw margin (sum of leaves plus the base margin) of the row starting at {@code offset}. */
  float margin(float[] data, int offset) {
    float sum = baseMargin;
    for (int root : roots) {
      int n = root;
      while (left[n] >= 0) {
        float v = data[offset + feature[n]];
        if (v != v) {
          n = defaultLeft[n] ? left[n] : right[n];
        } else {
          n = v < value[n] ? left[n] : right[n];
        }
      }
      sum += value[n];
    }
    return sum;
  }

  private float transform(float margin) {
    // XGBoost's Sigmoid: 1 / (1 + exp(-x) + 1e-16) in float (the epsilon vanishes in float).
    return sigmoid ? 1.0f / (1.0f + (float) Math.exp(-margin)) : margin;
  }

  @Override
  public float predict(float[] row) {
    if (row.length < numFeatures) {
      throw new IllegalArgumentException(
          "the model needs " + numFeatures + " features, got " + row.length);
    }
    return transform(margin(row, 0));
  }

  @Override
  public void predict(float[] data, int rows, int cols, float[] out) {
    if (cols < numFeatures || data.length < rows * cols) {
      throw new IllegalArgumentException("a " + rows + "x" + cols + " matrix does not fit");
    }
    for (int i = 0; i < rows; i++) {
      out[i] = transform(margin(data, i * cols));
    }
  }

  @Override
  public int features() {
    return numFeatures;
  }

  /** Number of trees. */
  public int trees() {
    return roots.length;
  }

  /** Number of nodes over all trees. */
  public int nodes() {
    return left.length;
  }

  @Override
  public String kind() {
    return "java-trees";
  }

  @Override
  public void close() {}
}
