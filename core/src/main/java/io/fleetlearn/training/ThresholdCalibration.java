package io.fleetlearn.training;

import java.util.Arrays;
import java.util.Objects;

/**
 * A served model's scores on labelled rows it never saw, accumulated over the windows after the one
 * it was trained on, so that its alert threshold can be chosen again on far more rows than one
 * window's validation split holds. At 150 events a window a machine has two or three validation
 * defects: no threshold can show a precision floor on them, and {@link ThresholdChoice} leaves the
 * model silent. Ten windows later the same model has been scored on some 100 defects it never
 * trained on.
 *
 * <p>The scores are kept as two histograms (defects and non-defects) of {@link #BINS} bins, equal
 * in logit space over [{@value #LOGIT_MIN}, {@value #LOGIT_MAX}] (probabilities from 0.00005 to
 * 0.99995): fine where XGBoost's scores crowd near 0 and 1, and a fixed {@value #BINS} × 2 floats
 * of state a machine whatever the number of rows. A threshold is a bin's lower edge (or halfway, in
 * logit space, to the next lower bin that holds rows), so a cut classifies the accumulated rows as
 * the bins do.
 *
 * <p>When more than {@link #MAX_ROWS} rows have accumulated, every count is halved: older windows
 * weigh less, and a machine whose relation drifts slowly moves its threshold with it.
 *
 * <p>A threshold is chosen again ({@link #due}) when the defects behind the accumulated rows have
 * at least doubled since the last choice (so a model's threshold changes a logarithmic number of
 * times over its life, each time on twice the evidence), or at once when the served threshold
 * clearly misses the precision floor on the accumulated rows (the upper end of its confidence
 * interval below the floor). Immutable; one per machine in the registry's state, tied to the
 * model's SHA-256 so that a new champion starts from nothing.
 */
public final class ThresholdCalibration {
  /** Bins per class. */
  public static final int BINS = 160;

  static final double LOGIT_MIN = -10;
  static final double LOGIT_MAX = 10;
  private static final double WIDTH = (LOGIT_MAX - LOGIT_MIN) / BINS;

  /** Accumulated rows beyond which every count is halved. */
  public static final double MAX_ROWS = 4000;

  private final String modelSha256;
  private final float[] negatives;
  private final float[] positives;
  private final double basis;
  private final int windows;

  /**
   * @param basis defects the model's current threshold was chosen on (its validation defects)
   */
  public static ThresholdCalibration start(String modelSha256, double basis) {
    return new ThresholdCalibration(modelSha256, new float[BINS], new float[BINS], basis, 0);
  }

  /** For the coder: the arrays are taken as they are. */
  public ThresholdCalibration(
      String modelSha256, float[] negatives, float[] positives, double basis, int windows) {
    if (negatives.length != BINS || positives.length != BINS) {
      throw new IllegalArgumentException("a calibration has " + BINS + " bins a class");
    }
    this.modelSha256 = Objects.requireNonNull(modelSha256);
    this.negatives = negatives;
    this.positives = positives;
    this.basis = basis;
    this.windows = windows;
  }

  public String modelSha256() {
    return modelSha256;
  }

  /** Whether this calibration belongs to the model with this SHA-256. */
  public boolean isOf(String sha256) {
    return modelSha256.equals(sha256);
  }

  float[] negativeCounts() {
    return negatives;
  }

  float[] positiveCounts() {
    return positives;
  }

  /** Defects the current threshold was chosen on (halved with the counts). */
  public double basis() {
    return basis;
  }

  /** Later windows whose rows were added (the holdout is not one). */
  public int windows() {
    return windows;
  }

  /** Accumulated defects (after halving, not necessarily whole). */
  public double positives() {
    return sum(positives);
  }

  /** Accumulated rows. */
  public double rows() {
    return sum(positives) + sum(negatives);
  }

  /**
   * With the labelled rows among the first {@code n} (label 0 or 1; others are skipped) of one
   * later window.
   */
  public ThresholdCalibration add(float[] scores, byte[] labels, int n) {
    return add(scores, labels, n, 1);
  }

  /** With the model's holdout rows: not a later window, so {@link #windows()} stays. */
  public ThresholdCalibration addHoldout(float[] scores, byte[] labels, int n) {
    return add(scores, labels, n, 0);
  }

  private ThresholdCalibration add(float[] scores, byte[] labels, int n, int window) {
    float[] neg = negatives.clone();
    float[] pos = positives.clone();
    int added = 0;
    for (int i = 0; i < n; i++) {
      if (labels[i] == 1) {
        pos[bin(scores[i])]++;
        added++;
      } else if (labels[i] == 0) {
        neg[bin(scores[i])]++;
        added++;
      }
    }
    double b = basis;
    if (sum(pos) + sum(neg) > MAX_ROWS) {
      for (int k = 0; k < BINS; k++) {
        pos[k] *= 0.5f;
        neg[k] *= 0.5f;
      }
      b *= 0.5;
    }
    return new ThresholdCalibration(modelSha256, neg, pos, b, windows + (added > 0 ? window : 0));
  }

  /** The same rows, with the current threshold chosen on all of them. */
  public ThresholdCalibration rebased() {
    return new ThresholdCalibration(modelSha256, negatives, positives, positives(), windows);
  }

  /**
   * Whether the threshold should be chosen again: both classes have at least {@link
   * ThresholdChoice#MIN_PER_CLASS} rows, and either the defects have doubled since the last choice
   * or the served {@code threshold} alerts below {@code minPrecision} even at the upper end of the
   * 80% confidence interval of its precision on these rows.
   */
  public boolean due(double threshold, double minPrecision) {
    double pos = sum(positives);
    double neg = sum(negatives);
    if (pos < ThresholdChoice.MIN_PER_CLASS || neg < ThresholdChoice.MIN_PER_CLASS) {
      return false;
    }
    if (pos >= 2 * basis) {
      return true;
    }
    if (minPrecision <= 0 || !(threshold < AlertRule.NO_ALERTS)) {
      return false;
    }
    double tp = 0;
    double fp = 0;
    for (int k = Double.isNaN(threshold) ? 0 : bin((float) threshold); k < BINS; k++) {
      tp += positives[k];
      fp += negatives[k];
    }
    return tp + fp >= ThresholdChoice.MIN_PER_CLASS
        && ThresholdChoice.wilsonUpper(tp, tp + fp) < minPrecision;
  }

  /**
   * The threshold of the best cut of the accumulated rows under the objective and floor, as {@link
   * ThresholdChoice} chooses on validation rows: {@link AlertRule#NO_ALERTS} when the best is to
   * alert on nothing, NaN when no cut qualifies (too few rows of a class, {@link
   * ThresholdObjective#FIXED}, or none reaching the target or floor).
   */
  public double choose(
      ThresholdObjective objective,
      double targetPrecision,
      double missedDefectCost,
      double minPrecision) {
    if (objective == ThresholdObjective.FIXED) {
      return Double.NaN;
    }
    double allPositives = sum(positives);
    double allNegatives = sum(negatives);
    if (allPositives < ThresholdChoice.MIN_PER_CLASS
        || allNegatives < ThresholdChoice.MIN_PER_CLASS) {
      return Double.NaN;
    }
    double best = Double.NEGATIVE_INFINITY;
    int bestBin = -1; // the lowest bin that alerts; BINS = no alerts
    if (objective == ThresholdObjective.COST) {
      best = -missedDefectCost * allPositives;
      bestBin = BINS;
    }
    double tp = 0;
    double fp = 0;
    for (int k = BINS - 1; k >= 0; k--) {
      if (positives[k] == 0 && negatives[k] == 0) {
        continue; // no rows: the same cut as the bin above
      }
      tp += positives[k];
      fp += negatives[k];
      double value =
          ThresholdChoice.cutValue(
              objective, tp, fp, allPositives, targetPrecision, missedDefectCost, minPrecision);
      if (value > best) {
        best = value;
        bestBin = k;
      }
    }
    if (bestBin < 0) {
      return Double.NaN;
    }
    if (bestBin == BINS) {
      return AlertRule.NO_ALERTS;
    }
    int below = bestBin - 1;
    while (below >= 0 && positives[below] == 0 && negatives[below] == 0) {
      below--;
    }
    // Halfway (in logit space) between the cut's lower edge and the top of the next bin with rows.
    double edge = LOGIT_MIN + bestBin * WIDTH;
    double logit = below < 0 ? edge : (edge + LOGIT_MIN + (below + 1) * WIDTH) / 2;
    return bestBin == 0 && below < 0 ? 0.0 : sigmoid(logit);
  }

  /** The bin of a probability. */
  static int bin(float score) {
    double p = score;
    if (!(p > 0)) {
      return 0;
    }
    if (p >= 1) {
      return BINS - 1;
    }
    double logit = Math.log(p / (1 - p));
    int k = (int) Math.floor((logit - LOGIT_MIN) / WIDTH);
    return Math.max(0, Math.min(BINS - 1, k));
  }

  private static double sigmoid(double logit) {
    return 1 / (1 + Math.exp(-logit));
  }

  private static double sum(float[] a) {
    double s = 0;
    for (float v : a) {
      s += v;
    }
    return s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ThresholdCalibration c
        && modelSha256.equals(c.modelSha256)
        && Arrays.equals(negatives, c.negatives)
        && Arrays.equals(positives, c.positives)
        && basis == c.basis
        && windows == c.windows;
  }

  @Override
  public int hashCode() {
    return Objects.hash(modelSha256, windows, basis);
  }
}
