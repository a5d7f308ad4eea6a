package io.fleetlearn.training;

import java.util.Arrays;

/**
 * Computes {@link ClassificationMetrics} for a binary classifier from predicted probabilities and
 * 0/1 labels.
 *
 * <p>AUC is the Mann-Whitney statistic with tied scores counted as half a win, which equals the
 * area under the ROC curve drawn with trapezoids through tied groups. It costs one primitive sort,
 * O(n log n), and no boxing.
 */
public final class BinaryMetrics {

  /**
   * Probabilities are clipped to [EPS, 1 - EPS] so that a confident mistake costs a finite loss.
   */
  static final double LOG_LOSS_EPS = 1e-15;

  private BinaryMetrics() {}

  /**
   * Computes the metrics over the first {@code n} entries.
   *
   * <p>An entry is predicted positive iff {@code score >= threshold} and the threshold is below 1
   * ({@link AlertRule}). Log loss is the mean natural log loss with probabilities clipped to
   * [1e-15, 1 - 1e-15]. The conventions for degenerate inputs (single class, nothing predicted
   * positive, empty input) are those documented on {@link ClassificationMetrics}; in particular the
   * result never contains NaN. The result carries the confusion matrix at {@code threshold}.
   *
   * @param scores predicted probabilities of the positive class; only the first n are read; values
   *     outside [0, 1] are ranked and thresholded as given and clipped for the log loss
   * @param labels 0 or 1; only the first n are read
   * @param n number of entries to evaluate, 0 &lt;= n &lt;= min(scores.length, labels.length)
   * @param threshold decision threshold for precision, recall, F1 and accuracy
   * @throws IllegalArgumentException if n is out of range, the threshold or a score is NaN, or a
   *     label is neither 0 nor 1 (a NaN score means a broken model, and silently ranking it
   *     somewhere would hide that)
   */
  public static ClassificationMetrics compute(
      float[] scores, byte[] labels, int n, double threshold) {
    if (scores == null || labels == null) {
      throw new IllegalArgumentException("scores and labels must not be null");
    }
    if (n < 0 || n > scores.length || n > labels.length) {
      throw new IllegalArgumentException(
          "n="
              + n
              + " out of range for scores.length="
              + scores.length
              + ", labels.length="
              + labels.length);
    }
    if (Double.isNaN(threshold)) {
      throw new IllegalArgumentException("threshold must not be NaN");
    }

    long tp = 0;
    long fp = 0;
    long positives = 0;
    double lossSum = 0.0;
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      float s = scores[i];
      byte y = labels[i];
      if (Float.isNaN(s)) {
        throw new IllegalArgumentException("score at index " + i + " is NaN");
      }
      if (y != 0 && y != 1) {
        throw new IllegalArgumentException("label at index " + i + " is " + y + ", expected 0/1");
      }
      boolean predictedPositive = AlertRule.alerts(s, threshold);
      if (y == 1) {
        positives++;
        if (predictedPositive) {
          tp++;
        }
      } else if (predictedPositive) {
        fp++;
      }
      // Clipping the probability of the true label, rather than the score, keeps the two kinds of
      // certain mistake equally costly: 1 - (1 - 1e-15) is not exactly 1e-15 in doubles.
      double pTrue = y == 1 ? s : 1.0 - s;
      lossSum -= Math.log(Math.min(1.0 - LOG_LOSS_EPS, Math.max(LOG_LOSS_EPS, pTrue)));
      keys[i] = ((long) sortableBits(s) << 32) | y;
    }

    long negatives = n - positives;
    long fn = positives - tp;
    long tn = negatives - fp;
    double precision = tp + fp == 0 ? 0.0 : (double) tp / (tp + fp);
    double recall = positives == 0 ? 0.0 : (double) tp / positives;
    // 2TP / (2TP + FP + FN) equals 2PR / (P + R) but needs no special case when only one is 0.
    double f1 = tp == 0 ? 0.0 : (2.0 * tp) / (2.0 * tp + fp + fn);
    double accuracy = n == 0 ? 0.0 : (double) (tp + tn) / n;
    double logLoss = n == 0 ? 0.0 : lossSum / n;
    double auc = auc(keys, positives, negatives);
    return ClassificationMetrics.of(auc, f1, precision, recall, accuracy, logLoss)
        .withCounts(threshold, tp, fp, tn, fn);
  }

  /**
   * Mann-Whitney AUC over keys whose high 32 bits order the scores and whose low bit is the label.
   */
  private static double auc(long[] keys, long positives, long negatives) {
    if (positives == 0 || negatives == 0) {
      return 0.5;
    }
    Arrays.sort(keys);
    // Twice the U statistic stays an exact integer: each positive scores 2 per negative ranked
    // strictly below it and 1 per negative tied with it. With n < 2^31 it is < 2^61.
    long twiceU = 0;
    long negativesBelow = 0;
    int i = 0;
    int n = keys.length;
    while (i < n) {
      long score = keys[i] >> 32;
      long groupPositives = 0;
      long groupNegatives = 0;
      while (i < n && (keys[i] >> 32) == score) {
        if ((keys[i] & 1L) == 1L) {
          groupPositives++;
        } else {
          groupNegatives++;
        }
        i++;
      }
      twiceU += groupPositives * (2 * negativesBelow + groupNegatives);
      negativesBelow += groupNegatives;
    }
    return twiceU / (2.0 * positives * negatives);
  }

  /**
   * Maps a non-NaN float to an int whose signed order is the float's numeric order, so that the
   * score can ride in the high half of a long sort key.
   */
  private static int sortableBits(float s) {
    // Adding +0.0f turns -0.0f into +0.0f; the two zeros are equal scores and must tie.
    int bits = Float.floatToRawIntBits(s + 0.0f);
    // Negative floats order backwards as sign-magnitude; flipping their magnitude bits fixes that.
    return bits ^ ((bits >> 31) & 0x7fffffff);
  }
}
