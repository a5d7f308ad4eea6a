package io.fleetlearn.training;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * How each machine's model is trained: XGBoost booster parameters, boosting rounds, the holdout
 * fraction, and the minimum data a window needs before a model is trained at all. Immutable.
 *
 * <p>{@code nthread} is always 1: a model is small and the runner parallelises across machines, so
 * one OpenMP thread per model is the fastest arrangement and never oversubscribes the cores.
 */
public final class TrainingParams implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int rounds;
  private final int maxDepth;
  private final double eta;
  private final double minChildWeight;
  private final int minLabelledEvents;
  private final int minPerClass;
  private final double holdoutFraction;
  private final double threshold;
  private final long seed;
  private final Map<String, String> extraParams;

  private TrainingParams(Builder b) {
    if (b.rounds < 1 || b.maxDepth < 1 || b.eta <= 0 || b.minPerClass < 2) {
      throw new IllegalArgumentException(
          "rounds and maxDepth must be >= 1, eta > 0, minPerClass >= 2");
    }
    if (!(b.holdoutFraction > 0 && b.holdoutFraction < 1)) {
      throw new IllegalArgumentException("holdoutFraction must be in (0, 1)");
    }
    if (b.extraParams.containsKey("nthread")) {
      throw new IllegalArgumentException("nthread is fixed at 1 per model");
    }
    if (b.extraParams.containsKey("objective")) {
      // Metrics, thresholds and the promotion policy all assume a binary probability.
      throw new IllegalArgumentException("objective is fixed at binary:logistic");
    }
    this.rounds = b.rounds;
    this.maxDepth = b.maxDepth;
    this.eta = b.eta;
    this.minChildWeight = b.minChildWeight;
    this.minLabelledEvents = Math.max(b.minLabelledEvents, 2 * b.minPerClass);
    this.minPerClass = b.minPerClass;
    this.holdoutFraction = b.holdoutFraction;
    this.threshold = b.threshold;
    this.seed = b.seed;
    this.extraParams = Collections.unmodifiableMap(new TreeMap<>(b.extraParams));
  }

  public static Builder builder() {
    return new Builder();
  }

  public static TrainingParams defaults() {
    return builder().build();
  }

  /** The booster parameters passed to xgboost4j. */
  public Map<String, Object> boosterParams() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("objective", "binary:logistic");
    p.put("tree_method", "hist");
    p.put("nthread", 1);
    p.put("max_depth", maxDepth);
    p.put("eta", eta);
    p.put("min_child_weight", minChildWeight);
    p.put("seed", seed);
    p.put("eval_metric", "logloss");
    p.put("verbosity", 0);
    for (Map.Entry<String, String> e : extraParams.entrySet()) {
      p.put(e.getKey(), numberOrString(e.getValue()));
    }
    return p;
  }

  /** Parameters as published in model-update records (booster parameters plus rounds). */
  public Map<String, Object> describe() {
    Map<String, Object> p = boosterParams();
    p.remove("verbosity");
    p.put("num_round", rounds);
    return p;
  }

  private static Object numberOrString(String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      try {
        return Double.parseDouble(v);
      } catch (NumberFormatException e2) {
        return v;
      }
    }
  }

  public int rounds() {
    return rounds;
  }

  public int maxDepth() {
    return maxDepth;
  }

  public double eta() {
    return eta;
  }

  public int minLabelledEvents() {
    return minLabelledEvents;
  }

  public int minPerClass() {
    return minPerClass;
  }

  public double holdoutFraction() {
    return holdoutFraction;
  }

  /** Score at or above which an event is predicted defective. */
  public double threshold() {
    return threshold;
  }

  /** Builder with the documented defaults. */
  public static final class Builder {
    private int rounds = 50;
    private int maxDepth = 4;
    private double eta = 0.3;
    private double minChildWeight = 1;
    private int minLabelledEvents = 50;
    private int minPerClass = 5;
    private double holdoutFraction = 0.2;
    private double threshold = 0.5;
    private long seed = 0;
    private Map<String, String> extraParams = new TreeMap<>();

    public Builder rounds(int v) {
      rounds = v;
      return this;
    }

    public Builder maxDepth(int v) {
      maxDepth = v;
      return this;
    }

    public Builder eta(double v) {
      eta = v;
      return this;
    }

    public Builder minChildWeight(double v) {
      minChildWeight = v;
      return this;
    }

    public Builder minLabelledEvents(int v) {
      minLabelledEvents = v;
      return this;
    }

    public Builder minPerClass(int v) {
      minPerClass = v;
      return this;
    }

    public Builder holdoutFraction(double v) {
      holdoutFraction = v;
      return this;
    }

    public Builder threshold(double v) {
      threshold = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /** Extra booster parameters as {@code key=value} pairs separated by commas. */
    public Builder extraParams(String csv) {
      extraParams = new TreeMap<>();
      if (csv != null) {
        for (String kv : csv.split(",")) {
          if (kv.isBlank()) {
            continue;
          }
          int eq = kv.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("extra XGBoost parameter must be key=value: " + kv);
          }
          extraParams.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
      }
      return this;
    }

    public TrainingParams build() {
      return new TrainingParams(this);
    }
  }
}
