package io.fleetlearn.registry;

import io.fleetlearn.training.ClassificationMetrics;
import java.io.Serializable;
import java.util.Locale;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Decides whether a window's challenger replaces the machine's champion. Both are scored on the
 * challenger's holdout (the freshest labelled data), on one metric (default AUC):
 *
 * <ul>
 *   <li>challenger below {@code floor} (default AUC 0.5, no better than chance): REJECTED, even
 *       without a champion;
 *   <li>no champion yet: PROMOTED;
 *   <li>challenger ≥ champion + {@code minImprovement}: PROMOTED;
 *   <li>champion decayed: its score on this holdout fell more than {@code decayTolerance} below its
 *       own score at training time, and the challenger does at least as well: PROMOTED;
 *   <li>otherwise REJECTED, and the champion stays.
 * </ul>
 *
 * A challenger trained on a window that ends before the champion's is REJECTED as stale: a late or
 * replayed window can never replace a newer model.
 */
public final class PromotionPolicy implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Slack for the improvement test, so that 0.57 counts as 0.01 better than 0.56. */
  private static final double EPSILON = 1e-9;

  private final String metric;
  private final double minImprovement;
  private final double decayTolerance;
  private final double floor;

  /** As the four-argument constructor without a floor. */
  public PromotionPolicy(String metric, double minImprovement, double decayTolerance) {
    this(metric, minImprovement, decayTolerance, 0);
  }

  /**
   * @param floor a challenger scoring below this on its holdout is never promoted
   */
  public PromotionPolicy(
      String metric, double minImprovement, double decayTolerance, double floor) {
    ClassificationMetrics.of(0.5, 0, 0, 0, 0, 0).get(metric); // validates the name
    if (ClassificationMetrics.LOG_LOSS.equals(metric)) {
      // Every comparison below takes higher as better; log loss is lower-is-better.
      throw new IllegalArgumentException(
          "logLoss cannot be a promotion metric: use auc, f1, precision, recall or accuracy");
    }
    if (minImprovement < 0 || decayTolerance < 0) {
      throw new IllegalArgumentException("minImprovement and decayTolerance must be >= 0");
    }
    this.metric = metric;
    this.minImprovement = minImprovement;
    this.decayTolerance = decayTolerance;
    if (!(floor >= 0 && floor <= 1)) {
      throw new IllegalArgumentException("the promotion floor must be within [0, 1]: " + floor);
    }
    this.floor = floor;
  }

  /** AUC, at least 0.01 better to replace, decay beyond 0.05 AUC, never below AUC 0.5. */
  public static PromotionPolicy defaults() {
    return new PromotionPolicy("auc", 0.01, 0.05, 0.5);
  }

  public String metric() {
    return metric;
  }

  /** The decision and its human-readable reason. */
  public static final class Decision {
    private final ModelUpdate.Status status;
    private final String reason;

    Decision(ModelUpdate.Status status, String reason) {
      this.status = status;
      this.reason = reason;
    }

    public ModelUpdate.Status status() {
      return status;
    }

    public boolean promoted() {
      return status == ModelUpdate.Status.PROMOTED;
    }

    public String reason() {
      return reason;
    }
  }

  /**
   * @param challenger the challenger's holdout metrics
   * @param championOnHoldout the champion scored on the same holdout, null if no champion
   * @param championAtTraining the champion's holdout metrics when it was trained
   */
  public Decision decide(
      ClassificationMetrics challenger,
      @Nullable ClassificationMetrics championOnHoldout,
      @Nullable ClassificationMetrics championAtTraining) {
    double c = challenger.get(metric);
    if (c < floor - EPSILON) {
      return new Decision(
          ModelUpdate.Status.REJECTED,
          "challenger "
              + fmt(c)
              + " is below the promotion floor "
              + floor
              + (championOnHoldout == null ? "; no champion yet" : "; the champion stays"));
    }
    if (championOnHoldout == null) {
      return new Decision(ModelUpdate.Status.PROMOTED, "first model: challenger " + fmt(c));
    }
    double h = championOnHoldout.get(metric);
    if (c - h >= minImprovement - EPSILON) {
      return new Decision(
          ModelUpdate.Status.PROMOTED,
          "challenger " + fmt(c) + " > champion " + fmt(h) + " on the same holdout");
    }
    if (championAtTraining != null) {
      double t = championAtTraining.get(metric);
      if (h < t - decayTolerance && c >= h) {
        return new Decision(
            ModelUpdate.Status.PROMOTED,
            "champion decayed: "
                + fmt(h)
                + " now vs "
                + fmt(t)
                + " at training (tolerance "
                + decayTolerance
                + "); challenger "
                + fmt(c));
      }
    }
    return new Decision(
        ModelUpdate.Status.REJECTED,
        "challenger " + fmt(c) + " does not beat champion " + fmt(h) + " by " + minImprovement);
  }

  private String fmt(double v) {
    return String.format(Locale.ROOT, "%s %.3f", metric.equals("auc") ? "AUC" : metric, v);
  }
}
