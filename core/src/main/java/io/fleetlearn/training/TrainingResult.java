package io.fleetlearn.training;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The outcome of training on one window: either a model (XGBoost UBJ bytes) with its holdout
 * metrics and how it was chosen ({@link Selection}: its kind, alert threshold, the fleet model on
 * the same holdout), or SKIPPED with the reason no model was trained.
 */
public final class TrainingResult {
  /**
   * How the served model was chosen among the candidates.
   *
   * @param kind which candidate serves
   * @param threshold its alert threshold (the holdout metrics are measured at it)
   * @param thresholdSource how the threshold was found, e.g. {@code "validation f1"} or {@code
   *     "fallback: too few validation defects"}
   * @param reason why this kind serves
   * @param fleetVersion version of the fleet model the candidates started from; 0 without one
   * @param fleetMetrics the fleet model on the same holdout, at its own threshold; null without one
   * @param validationRows rows of the validation split (0 when none was carved)
   * @param validationPositives defects among them
   * @param validationAuc each candidate's validation AUC by kind; absent kinds were not candidates
   */
  public record Selection(
      ModelKind kind,
      double threshold,
      String thresholdSource,
      String reason,
      long fleetVersion,
      @Nullable ClassificationMetrics fleetMetrics,
      int validationRows,
      int validationPositives,
      Map<ModelKind, Double> validationAuc) {
    public Selection {
      Objects.requireNonNull(kind);
      Objects.requireNonNull(thresholdSource);
      Objects.requireNonNull(reason);
      EnumMap<ModelKind, Double> aucs = new EnumMap<>(ModelKind.class);
      aucs.putAll(validationAuc);
      validationAuc = Collections.unmodifiableMap(aucs);
      if (!(threshold >= 0 && threshold <= 1)) {
        throw new IllegalArgumentException("threshold must be in [0, 1], got " + threshold);
      }
    }

    /** An own model at a fixed threshold, chosen from nothing (records before the candidates). */
    public static Selection own(double threshold) {
      return new Selection(
          ModelKind.OWN, threshold, "fixed", "", 0, null, 0, 0, new EnumMap<>(ModelKind.class));
    }
  }

  /** Whether a model was trained. */
  public enum Status {
    TRAINED,
    SKIPPED
  }

  private final Status status;
  private final String reason;
  private final byte @Nullable [] model;
  private final @Nullable ClassificationMetrics metrics;
  private final int trainRows;
  private final int holdoutRows;
  private final int[] holdoutIndex;
  private final long trainingMillis;
  private final float @Nullable [] sampleScores;
  private final @Nullable Selection selection;

  private TrainingResult(
      Status status,
      String reason,
      byte @Nullable [] model,
      @Nullable ClassificationMetrics metrics,
      int trainRows,
      int holdoutRows,
      int[] holdoutIndex,
      long trainingMillis,
      float @Nullable [] sampleScores,
      @Nullable Selection selection) {
    this.status = status;
    this.reason = Objects.requireNonNull(reason);
    this.model = model;
    this.metrics = metrics;
    this.trainRows = trainRows;
    this.holdoutRows = holdoutRows;
    this.holdoutIndex = holdoutIndex;
    this.trainingMillis = trainingMillis;
    this.sampleScores = sampleScores;
    this.selection = selection;
  }

  public static TrainingResult trained(
      byte[] model,
      ClassificationMetrics metrics,
      int trainRows,
      int[] holdoutIndex,
      long trainingMillis) {
    return trained(model, metrics, trainRows, holdoutIndex, trainingMillis, null);
  }

  /**
   * @param sampleScores the model's score of every row of the window's sample, in sample order, or
   *     null; the registry uses them for the new model's reference profile instead of loading the
   *     model again to compute them
   */
  public static TrainingResult trained(
      byte[] model,
      ClassificationMetrics metrics,
      int trainRows,
      int[] holdoutIndex,
      long trainingMillis,
      float @Nullable [] sampleScores) {
    return trained(
        model,
        metrics,
        trainRows,
        holdoutIndex,
        trainingMillis,
        sampleScores,
        Selection.own(metrics.hasCounts() ? clamp(metrics.threshold()) : 0.5));
  }

  /** A trained model chosen as {@code selection} says. */
  public static TrainingResult trained(
      byte[] model,
      ClassificationMetrics metrics,
      int trainRows,
      int[] holdoutIndex,
      long trainingMillis,
      float @Nullable [] sampleScores,
      Selection selection) {
    return new TrainingResult(
        Status.TRAINED,
        "",
        Objects.requireNonNull(model),
        Objects.requireNonNull(metrics),
        trainRows,
        holdoutIndex.length,
        holdoutIndex,
        trainingMillis,
        sampleScores,
        Objects.requireNonNull(selection));
  }

  private static double clamp(double t) {
    return Math.max(0, Math.min(1, t));
  }

  public static TrainingResult skipped(String reason) {
    return new TrainingResult(Status.SKIPPED, reason, null, null, 0, 0, new int[0], 0, null, null);
  }

  /** How the model was chosen; only for trained results. */
  public Selection selection() {
    if (selection == null) {
      throw new IllegalStateException("skipped: " + reason);
    }
    return selection;
  }

  /** The model's score of every row of the sample it was trained on, or null if not kept. */
  public float @Nullable [] sampleScores() {
    return sampleScores;
  }

  public Status status() {
    return status;
  }

  public boolean isTrained() {
    return status == Status.TRAINED;
  }

  /** Why the window was skipped; empty for trained results. */
  public String reason() {
    return reason;
  }

  /** The model in XGBoost's UBJ format; only for trained results. */
  public byte[] model() {
    if (model == null) {
      throw new IllegalStateException("skipped: " + reason);
    }
    return model;
  }

  /** Holdout metrics; only for trained results. */
  public ClassificationMetrics metrics() {
    if (metrics == null) {
      throw new IllegalStateException("skipped: " + reason);
    }
    return metrics;
  }

  public int trainRows() {
    return trainRows;
  }

  public int holdoutRows() {
    return holdoutRows;
  }

  /** Rows of the window sample that form the holdout (sorted). */
  public int[] holdoutIndex() {
    return holdoutIndex;
  }

  public long trainingMillis() {
    return trainingMillis;
  }
}
