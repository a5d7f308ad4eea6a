package io.fleetlearn.training;

import java.io.Serializable;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How each machine's model is trained: XGBoost booster parameters, boosting rounds, the holdout
 * fraction, and the minimum data a window needs before a model is trained at all. Immutable.
 *
 * <p>{@code nthread} is always 1: a model is small and the runner parallelises across machines, so
 * one OpenMP thread per model is the fastest arrangement and never oversubscribes the cores.
 *
 * <p>Also how the served model is chosen among the {@link ModelKind candidates} (which ones, the
 * validation split carved from the training rows, how many rounds the fleet model is continued
 * with, the margin and confidence another candidate needs to replace the fleet model) and how its
 * alert threshold is chosen ({@link ThresholdObjective}).
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
  private final EnumSet<ModelKind> candidates;
  private final double validationFraction;
  private final int fleetTuneRounds;
  private final double fleetTuneEta;
  private final double selectionMargin;
  private final double selectionConfidence;
  private final boolean refit;
  private final ThresholdObjective thresholdObjective;
  private final double targetPrecision;
  private final double minAlertPrecision;
  private final double missedDefectCost;
  private final boolean recalibrateThresholds;

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
    if (b.candidates.isEmpty()) {
      throw new IllegalArgumentException("at least one model candidate is needed");
    }
    if (!(b.validationFraction > 0 && b.validationFraction < 1)) {
      throw new IllegalArgumentException("validationFraction must be in (0, 1)");
    }
    if (b.fleetTuneRounds < 1 || !(b.fleetTuneEta > 0)) {
      throw new IllegalArgumentException("fleetTuneRounds must be >= 1 and fleetTuneEta > 0");
    }
    if (!(b.selectionMargin >= 0) || !(b.selectionConfidence >= 0 && b.selectionConfidence < 1)) {
      throw new IllegalArgumentException(
          "selectionMargin must be >= 0 and selectionConfidence in [0, 1)");
    }
    if (!(b.targetPrecision > 0 && b.targetPrecision <= 1) || !(b.missedDefectCost > 0)) {
      throw new IllegalArgumentException(
          "targetPrecision must be in (0, 1] and missedDefectCost > 0");
    }
    if (!(b.threshold >= 0 && b.threshold <= 1)) {
      throw new IllegalArgumentException("threshold must be in [0, 1]");
    }
    this.candidates = EnumSet.copyOf(b.candidates);
    this.validationFraction = b.validationFraction;
    this.fleetTuneRounds = b.fleetTuneRounds;
    this.fleetTuneEta = b.fleetTuneEta;
    this.selectionMargin = b.selectionMargin;
    this.selectionConfidence = b.selectionConfidence;
    this.refit = b.refit;
    this.thresholdObjective = b.thresholdObjective;
    this.targetPrecision = b.targetPrecision;
    if (!(b.minAlertPrecision >= 0 && b.minAlertPrecision < 1)) {
      throw new IllegalArgumentException(
          "minAlertPrecision must be in [0, 1): " + b.minAlertPrecision);
    }
    this.minAlertPrecision = b.minAlertPrecision;
    this.missedDefectCost = b.missedDefectCost;
    this.recalibrateThresholds = b.recalibrateThresholds;
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

  /** The booster parameters of continuing the fleet model on a machine's rows. */
  public Map<String, Object> fleetTuneParams() {
    Map<String, Object> p = boosterParams();
    p.put("eta", fleetTuneEta);
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

  /**
   * Score at or above which an event is predicted defective when no threshold is chosen for the
   * model (objective {@link ThresholdObjective#FIXED}, or too few validation rows).
   */
  public double threshold() {
    return threshold;
  }

  /** The candidates a served model is chosen from. */
  public Set<ModelKind> candidates() {
    return Collections.unmodifiableSet(candidates);
  }

  public boolean allows(ModelKind k) {
    return candidates.contains(k);
  }

  /** Fraction of each class of the training rows held back to choose the model and threshold. */
  public double validationFraction() {
    return validationFraction;
  }

  /** Boosting rounds added to the fleet model for {@link ModelKind#FLEET_TUNED}. */
  public int fleetTuneRounds() {
    return fleetTuneRounds;
  }

  public double fleetTuneEta() {
    return fleetTuneEta;
  }

  /** Validation AUC by which a candidate must beat the one it replaces. */
  public double selectionMargin() {
    return selectionMargin;
  }

  /** Share of bootstrap resamples of the validation rows in which it must beat it too. */
  public double selectionConfidence() {
    return selectionConfidence;
  }

  /** Whether the chosen candidate is trained again on all training rows, validation included. */
  public boolean refit() {
    return refit;
  }

  public ThresholdObjective thresholdObjective() {
    return thresholdObjective;
  }

  public double targetPrecision() {
    return targetPrecision;
  }

  /**
   * The precision an alert threshold must be shown to reach (the lower end of its 80% confidence
   * interval on the validation rows), whatever the objective but {@code fixed}; 0: no floor.
   */
  public double minAlertPrecision() {
    return minAlertPrecision;
  }

  public double missedDefectCost() {
    return missedDefectCost;
  }

  /**
   * Whether a model for which no threshold qualifies alerts on nothing ({@link
   * AlertRule#NO_ALERTS}) rather than falling back to another threshold: under a precision floor,
   * or a precision target, unless the objective is {@link ThresholdObjective#FIXED}. Training and
   * recalibration both follow it.
   */
  public boolean silentWithoutThreshold() {
    return thresholdObjective != ThresholdObjective.FIXED
        && (minAlertPrecision > 0 || thresholdObjective == ThresholdObjective.PRECISION);
  }

  /**
   * Whether the stream's registry chooses a champion's threshold again on its scores of later
   * windows ({@link ThresholdCalibration}); the batch trainer has no later windows.
   */
  public boolean recalibrateThresholds() {
    return recalibrateThresholds;
  }

  /** A builder holding these parameters, to change some of them. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.rounds = rounds;
    b.maxDepth = maxDepth;
    b.eta = eta;
    b.minChildWeight = minChildWeight;
    b.minLabelledEvents = minLabelledEvents;
    b.minPerClass = minPerClass;
    b.holdoutFraction = holdoutFraction;
    b.threshold = threshold;
    b.seed = seed;
    b.extraParams = new TreeMap<>(extraParams);
    b.candidates = EnumSet.copyOf(candidates);
    b.validationFraction = validationFraction;
    b.fleetTuneRounds = fleetTuneRounds;
    b.fleetTuneEta = fleetTuneEta;
    b.selectionMargin = selectionMargin;
    b.selectionConfidence = selectionConfidence;
    b.refit = refit;
    b.thresholdObjective = thresholdObjective;
    b.targetPrecision = targetPrecision;
    b.minAlertPrecision = minAlertPrecision;
    b.missedDefectCost = missedDefectCost;
    b.recalibrateThresholds = recalibrateThresholds;
    return b;
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
    private EnumSet<ModelKind> candidates = EnumSet.allOf(ModelKind.class);
    private double validationFraction = 0.25;
    private int fleetTuneRounds = 10;
    private double fleetTuneEta = 0.1;
    private double selectionMargin = 0.01;
    private double selectionConfidence = 0.9;
    private boolean refit = true;
    private ThresholdObjective thresholdObjective = ThresholdObjective.F1;
    private double targetPrecision = 0.8;
    private double minAlertPrecision = 0.7;
    private double missedDefectCost = 5;
    private boolean recalibrateThresholds = true;

    public Builder recalibrateThresholds(boolean v) {
      recalibrateThresholds = v;
      return this;
    }

    public Builder candidates(Set<ModelKind> v) {
      candidates = v.isEmpty() ? EnumSet.noneOf(ModelKind.class) : EnumSet.copyOf(v);
      return this;
    }

    /** Candidates as a comma-separated list of kinds, e.g. {@code own,fleet_tuned,fleet}. */
    public Builder candidates(String csv) {
      EnumSet<ModelKind> k = EnumSet.noneOf(ModelKind.class);
      for (String s : csv.split(",")) {
        if (!s.isBlank()) {
          k.add(ModelKind.parse(s));
        }
      }
      candidates = k;
      return this;
    }

    public Builder validationFraction(double v) {
      validationFraction = v;
      return this;
    }

    public Builder fleetTuneRounds(int v) {
      fleetTuneRounds = v;
      return this;
    }

    public Builder fleetTuneEta(double v) {
      fleetTuneEta = v;
      return this;
    }

    public Builder selectionMargin(double v) {
      selectionMargin = v;
      return this;
    }

    public Builder selectionConfidence(double v) {
      selectionConfidence = v;
      return this;
    }

    public Builder refit(boolean v) {
      refit = v;
      return this;
    }

    public Builder thresholdObjective(ThresholdObjective v) {
      thresholdObjective = v;
      return this;
    }

    public Builder thresholdObjective(String v) {
      return thresholdObjective(ThresholdObjective.parse(v.toUpperCase(Locale.ROOT)));
    }

    public Builder minAlertPrecision(double v) {
      minAlertPrecision = v;
      return this;
    }

    public Builder targetPrecision(double v) {
      targetPrecision = v;
      return this;
    }

    public Builder missedDefectCost(double v) {
      missedDefectCost = v;
      return this;
    }

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
