package io.fleetlearn.training;

import java.io.Serializable;

/**
 * Immutable quality metrics of a binary classifier on one evaluation set.
 *
 * <p>No metric is ever NaN, so values can be compared against thresholds and exported as gauges
 * without special cases. Degenerate inputs follow these conventions:
 *
 * <ul>
 *   <li>precision = 0 when nothing is predicted positive;
 *   <li>recall = 0 when the labels contain no positive;
 *   <li>F1 = 0 when precision + recall = 0;
 *   <li>AUC = 0.5 (a random ranker) when the labels contain only one class or are empty;
 *   <li>accuracy = 0 and log loss = 0 on an empty evaluation set.
 * </ul>
 *
 * <p>The factory rejects NaN and out-of-range values, so every instance honours these rules.
 *
 * <p>Metrics computed from scores also carry the confusion matrix ({@link #tp()}, {@link #fp()},
 * {@link #tn()}, {@link #fn()}) at the decision {@link #threshold()} that precision, recall, F1 and
 * accuracy were measured at; metrics read from records written before they existed do not ({@link
 * #hasCounts()}).
 */
public final class ClassificationMetrics implements Serializable {

  private static final long serialVersionUID = 1L;

  // Metric names accepted by get(String), so configuration can refer to them without typos.
  public static final String AUC = "auc";
  public static final String F1 = "f1";
  public static final String PRECISION = "precision";
  public static final String RECALL = "recall";
  public static final String ACCURACY = "accuracy";
  public static final String LOG_LOSS = "logLoss";

  private final double auc;
  private final double f1;
  private final double precision;
  private final double recall;
  private final double accuracy;
  private final double logLoss;
  // -1 when unknown (then threshold is 0 and hasCounts() is false).
  private final double threshold;
  private final long tp;
  private final long fp;
  private final long tn;
  private final long fn;

  private ClassificationMetrics(
      double auc,
      double f1,
      double precision,
      double recall,
      double accuracy,
      double logLoss,
      double threshold,
      long tp,
      long fp,
      long tn,
      long fn) {
    this.auc = auc;
    this.f1 = f1;
    this.precision = precision;
    this.recall = recall;
    this.accuracy = accuracy;
    this.logLoss = logLoss;
    this.threshold = threshold;
    this.tp = tp;
    this.fp = fp;
    this.tn = tn;
    this.fn = fn;
  }

  /**
   * Creates a metrics value.
   *
   * @throws IllegalArgumentException if a metric is NaN, a ratio lies outside [0, 1], or the log
   *     loss is negative or infinite
   */
  public static ClassificationMetrics of(
      double auc, double f1, double precision, double recall, double accuracy, double logLoss) {
    checkUnit(AUC, auc);
    checkUnit(F1, f1);
    checkUnit(PRECISION, precision);
    checkUnit(RECALL, recall);
    checkUnit(ACCURACY, accuracy);
    // The negated form also rejects NaN.
    if (!(logLoss >= 0.0 && logLoss < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("logLoss must be finite and >= 0, got " + logLoss);
    }
    return new ClassificationMetrics(
        auc, f1, precision, recall, accuracy, logLoss, 0, -1, -1, -1, -1);
  }

  /**
   * These metrics with the confusion matrix they were computed from, at {@code threshold}.
   *
   * @param threshold the decision threshold, or NaN when the counts add up rows judged at different
   *     thresholds (pooled over models)
   * @throws IllegalArgumentException if a count is negative
   */
  public ClassificationMetrics withCounts(double threshold, long tp, long fp, long tn, long fn) {
    if (tp < 0 || fp < 0 || tn < 0 || fn < 0) {
      throw new IllegalArgumentException(
          "confusion counts must be >= 0: tp=" + tp + " fp=" + fp + " tn=" + tn + " fn=" + fn);
    }
    return new ClassificationMetrics(
        auc, f1, precision, recall, accuracy, logLoss, threshold, tp, fp, tn, fn);
  }

  /** Whether the confusion matrix and its threshold are known. */
  public boolean hasCounts() {
    return tp >= 0;
  }

  /**
   * The decision threshold of precision, recall, F1, accuracy and the counts; 0 without counts, NaN
   * when the counts pool rows judged at different thresholds.
   */
  public double threshold() {
    return threshold;
  }

  /** True positives at {@link #threshold()}; -1 if unknown. */
  public long tp() {
    return tp;
  }

  /** False positives (false alarms) at {@link #threshold()}; -1 if unknown. */
  public long fp() {
    return fp;
  }

  /** True negatives at {@link #threshold()}; -1 if unknown. */
  public long tn() {
    return tn;
  }

  /** False negatives (missed defects) at {@link #threshold()}; -1 if unknown. */
  public long fn() {
    return fn;
  }

  private static void checkUnit(String name, double value) {
    if (!(value >= 0.0 && value <= 1.0)) {
      throw new IllegalArgumentException(name + " must lie in [0, 1], got " + value);
    }
  }

  public double auc() {
    return auc;
  }

  public double f1() {
    return f1;
  }

  public double precision() {
    return precision;
  }

  public double recall() {
    return recall;
  }

  public double accuracy() {
    return accuracy;
  }

  public double logLoss() {
    return logLoss;
  }

  /**
   * Returns the metric with the given name, so that a configured metric (e.g. the one a retrained
   * model must improve) can be looked up without a switch at every call site.
   *
   * @param name one of "auc", "f1", "precision", "recall", "accuracy", "logLoss" (case-sensitive)
   * @throws IllegalArgumentException for any other name
   */
  public double get(String name) {
    if (name == null) {
      throw new IllegalArgumentException("metric name must not be null");
    }
    return switch (name) {
      case AUC -> auc;
      case F1 -> f1;
      case PRECISION -> precision;
      case RECALL -> recall;
      case ACCURACY -> accuracy;
      case LOG_LOSS -> logLoss;
      default ->
          throw new IllegalArgumentException(
              "unknown metric '"
                  + name
                  + "', expected one of auc, f1, precision, recall, accuracy, logLoss");
    };
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ClassificationMetrics)) {
      return false;
    }
    ClassificationMetrics other = (ClassificationMetrics) o;
    // Double.compare keeps equals consistent with Double.hashCode.
    return Double.compare(auc, other.auc) == 0
        && Double.compare(f1, other.f1) == 0
        && Double.compare(precision, other.precision) == 0
        && Double.compare(recall, other.recall) == 0
        && Double.compare(accuracy, other.accuracy) == 0
        && Double.compare(logLoss, other.logLoss) == 0
        && Double.compare(threshold, other.threshold) == 0
        && tp == other.tp
        && fp == other.fp
        && tn == other.tn
        && fn == other.fn;
  }

  @Override
  public int hashCode() {
    int h = Double.hashCode(auc);
    h = 31 * h + Double.hashCode(f1);
    h = 31 * h + Double.hashCode(precision);
    h = 31 * h + Double.hashCode(recall);
    h = 31 * h + Double.hashCode(accuracy);
    h = 31 * h + Double.hashCode(logLoss);
    h = 31 * h + Long.hashCode(tp);
    h = 31 * h + Long.hashCode(fp);
    return h;
  }

  @Override
  public String toString() {
    return "ClassificationMetrics{auc="
        + auc
        + ", f1="
        + f1
        + ", precision="
        + precision
        + ", recall="
        + recall
        + ", accuracy="
        + accuracy
        + ", logLoss="
        + logLoss
        + (hasCounts()
            ? ", threshold=" + threshold + ", tp=" + tp + ", fp=" + fp + ", tn=" + tn + ", fn=" + fn
            : "")
        + '}';
  }
}
