package io.fleetlearn.training;

import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The outcome of training on one window: either a model (XGBoost UBJ bytes) with its holdout
 * metrics, or SKIPPED with the reason no model was trained.
 */
public final class TrainingResult {
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

  private TrainingResult(
      Status status,
      String reason,
      byte @Nullable [] model,
      @Nullable ClassificationMetrics metrics,
      int trainRows,
      int holdoutRows,
      int[] holdoutIndex,
      long trainingMillis,
      float @Nullable [] sampleScores) {
    this.status = status;
    this.reason = Objects.requireNonNull(reason);
    this.model = model;
    this.metrics = metrics;
    this.trainRows = trainRows;
    this.holdoutRows = holdoutRows;
    this.holdoutIndex = holdoutIndex;
    this.trainingMillis = trainingMillis;
    this.sampleScores = sampleScores;
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
    return new TrainingResult(
        Status.TRAINED,
        "",
        Objects.requireNonNull(model),
        Objects.requireNonNull(metrics),
        trainRows,
        holdoutIndex.length,
        holdoutIndex,
        trainingMillis,
        sampleScores);
  }

  public static TrainingResult skipped(String reason) {
    return new TrainingResult(Status.SKIPPED, reason, null, null, 0, 0, new int[0], 0, null);
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
