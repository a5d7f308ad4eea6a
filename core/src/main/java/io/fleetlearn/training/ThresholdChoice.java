package io.fleetlearn.training;

import java.util.Arrays;

/**
 * Chooses an alert threshold from a model's scores of labelled validation rows ({@link
 * ThresholdObjective}). Every distinct score is a candidate cut ("alert when score ≥ s"); the
 * threshold returned for the best cut is the midpoint between its score and the next lower distinct
 * score, so that it classifies the validation rows as the cut does while leaving the same margin on
 * both sides. Among cuts that are equally good the higher threshold (fewer alerts) wins. O(n log
 * n), one primitive sort.
 *
 * <p>With fewer than {@link #MIN_PER_CLASS} validation rows of either class no threshold is chosen
 * ({@code NaN}): the caller decides what serves instead ({@link XgbTrainer}: no alerts under a
 * precision floor, else the fleet model's threshold or the configured one). A threshold chosen on
 * fewer defects follows their luck: replayed on the simulator, models whose first window held 3-7
 * validation defects alerted at a precision 0.1-0.3 below the one their threshold was chosen for.
 */
public final class ThresholdChoice {
  /** Fewest validation rows of each class a threshold is chosen from. */
  public static final int MIN_PER_CLASS = 8;

  private ThresholdChoice() {}

  /**
   * The threshold for the first {@code n} scores and 0/1 labels, or NaN when either class has fewer
   * than {@link #MIN_PER_CLASS} rows, the objective is {@link ThresholdObjective#FIXED}, or no cut
   * reaches the target of {@link ThresholdObjective#PRECISION}.
   *
   * @param targetPrecision the precision {@link ThresholdObjective#PRECISION} must reach
   * @param missedDefectCost the cost of a missed defect in false alarms, for {@link
   *     ThresholdObjective#COST}
   */
  public static double choose(
      float[] scores,
      byte[] labels,
      int n,
      ThresholdObjective objective,
      double targetPrecision,
      double missedDefectCost) {
    return choose(
        scores, labels, n, objective, targetPrecision, missedDefectCost, 0.0, MIN_PER_CLASS);
  }

  /**
   * As above, and only among cuts whose precision reaches {@code minPrecision} at the lower end of
   * its confidence interval (0: every cut): with a floor, NaN also when no cut reaches it.
   */
  public static double choose(
      float[] scores,
      byte[] labels,
      int n,
      ThresholdObjective objective,
      double targetPrecision,
      double missedDefectCost,
      double minPrecision) {
    return choose(
        scores,
        labels,
        n,
        objective,
        targetPrecision,
        missedDefectCost,
        minPrecision,
        MIN_PER_CLASS);
  }

  /** As above, with another minimum of rows per class. */
  static double choose(
      float[] scores,
      byte[] labels,
      int n,
      ThresholdObjective objective,
      double targetPrecision,
      double missedDefectCost,
      double minPrecision,
      int minPerClass) {
    if (objective == ThresholdObjective.FIXED) {
      return Double.NaN;
    }
    long positives = 0;
    for (int i = 0; i < n; i++) {
      positives += labels[i];
    }
    long negatives = n - positives;
    if (positives < minPerClass || negatives < minPerClass) {
      return Double.NaN;
    }
    // Descending by score: sort ascending keys and walk them from the end.
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = ((long) sortableBits(scores[i]) << 32) | labels[i];
    }
    Arrays.sort(keys);
    double bestValue = Double.NEGATIVE_INFINITY;
    int bestEnd = -1; // index in keys of the lowest row of the best cut's group; n = no alerts
    long tp = 0;
    long fp = 0;
    if (objective == ThresholdObjective.COST) {
      bestValue = -missedDefectCost * positives; // alert on nothing: every defect missed
      bestEnd = n;
    }
    int i = n - 1;
    while (i >= 0) {
      long score = keys[i] >> 32;
      while (i >= 0 && (keys[i] >> 32) == score) {
        if ((keys[i] & 1L) == 1L) {
          tp++;
        } else {
          fp++;
        }
        i--;
      }
      int end = i + 1;
      double value =
          cutValue(objective, tp, fp, positives, targetPrecision, missedDefectCost, minPrecision);
      if (value > bestValue) {
        bestValue = value;
        bestEnd = end;
      }
    }
    if (bestEnd < 0) {
      // No cut reaches the target or floor precision: alerting widely would be the opposite of
      // what was asked, so the caller decides what serves instead.
      return Double.NaN;
    }
    return thresholdAt(keys, bestEnd);
  }

  /**
   * How good the cut is that alerts on {@code tp} defects and {@code fp} non-defects of {@code
   * positives} defects, under the objective (higher is better); negative infinity for a cut below
   * the floor or, for {@link ThresholdObjective#PRECISION}, below the target. Counts may be
   * fractional (accumulated and halved, {@link ThresholdCalibration}).
   */
  static double cutValue(
      ThresholdObjective objective,
      double tp,
      double fp,
      double positives,
      double targetPrecision,
      double missedDefectCost,
      double minPrecision) {
    if (minPrecision > 0 && wilsonLower(tp, tp + fp) < minPrecision) {
      return Double.NEGATIVE_INFINITY; // below the floor: never served, whatever the objective
    }
    double fn = positives - tp;
    return switch (objective) {
      case F1 -> (2.0 * tp) / (2.0 * tp + fp + fn);
      case PRECISION ->
          // Recall among cuts whose precision reaches the target even at the lower end of its
          // confidence interval (a few validation defects make the plain ratio too hopeful); the
          // others never qualify.
          wilsonLower(tp, tp + fp) >= Math.max(targetPrecision, minPrecision)
              ? tp / positives
              : Double.NEGATIVE_INFINITY;
      case COST -> -(missedDefectCost * fn + fp);
      default -> throw new IllegalStateException(objective.name());
    };
  }

  /** z of a one-sided 80% confidence bound. */
  private static final double Z = 0.8416;

  /** Lower Wilson score bound of a proportion of {@code k} in {@code n}. */
  static double wilsonLower(double k, double n) {
    if (n <= 0) {
      return 0;
    }
    double p = (double) k / n;
    double z2 = Z * Z;
    double centre = p + z2 / (2 * n);
    double spread = Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return Math.max(0, (centre - spread) / (1 + z2 / n));
  }

  /** Upper Wilson score bound of a proportion of {@code k} in {@code n} (80%, one-sided). */
  static double wilsonUpper(double k, double n) {
    if (n <= 0) {
      return 1;
    }
    double p = k / n;
    double z2 = Z * Z;
    double centre = p + z2 / (2 * n);
    double spread = Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
    return Math.min(1, (centre + spread) / (1 + z2 / n));
  }

  /** The midpoint between the score of keys[end] and the next lower distinct score. */
  private static double thresholdAt(long[] keys, int end) {
    if (end >= keys.length) {
      // No alerts at all: just above the highest score.
      return Math.min(1.0, Math.nextUp((double) score(keys[keys.length - 1])));
    }
    float at = score(keys[end]);
    if (end == 0) {
      return at;
    }
    float below = score(keys[end - 1]);
    double mid = ((double) at + below) / 2;
    // Rounding could put the midpoint on the lower score; the cut must still exclude it.
    return mid > below ? mid : at;
  }

  private static float score(long key) {
    int bits = (int) (key >> 32);
    return Float.intBitsToFloat(bits ^ ((bits >> 31) & 0x7fffffff));
  }

  private static int sortableBits(float s) {
    int bits = Float.floatToRawIntBits(s + 0.0f);
    return bits ^ ((bits >> 31) & 0x7fffffff);
  }
}
