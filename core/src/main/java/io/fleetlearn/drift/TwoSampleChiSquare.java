package io.fleetlearn.drift;

import java.util.Arrays;

/**
 * Pearson's chi-square test that a window's values of one variable (a feature, or the champion's
 * scores) come from the same distribution as a reference's, with the bins cut at quantiles of the
 * pooled sample.
 *
 * <p>Why pooled bins: when both samples come from one distribution, every split of the pooled
 * values into "reference" and "window" is equally likely, and bins that depend only on the pooled
 * values keep that symmetry, so the 2 x K table is a permutation test's table whatever n and m are,
 * and Pearson's statistic is close to chi-square(K - 1) as long as each cell expects enough events.
 * Bins cut at the reference's own quantiles (as PSI uses) lose that symmetry: their reference
 * counts are fixed by construction and the window counts follow a Dirichlet-multinomial, whose tail
 * is far heavier than chi-square's when the window is much larger than the reference (46 times the
 * nominal rate of false alarms at p = 1e-4 for 500 events against 50; docs/drift.md).
 *
 * <p>The reference enters as {@link ReferenceProfile} keeps it: its non-NaN values sorted, all of
 * them when there are at most {@link ReferenceProfile#QUANTILES}, otherwise that many evenly spaced
 * order statistics (point k is order statistic {@code round(k (M - 1) / (Q - 1))}, 0-based, of the
 * M values). In the second case the reference count of a bin is estimated from the empirical CDF
 * interpolated linearly between the points; the error of that estimate is about {@code sqrt(M / Q)
 * / 2} events per edge, a small fraction of the count's own sampling error.
 *
 * <p>K = min(10, floor(min(n, M) / 8)) value bins (at least one), plus a column of missing values;
 * {@link HypothesisTests#homogeneity(double[], double[], boolean)} merges columns that still expect
 * too few events (ties, few missing values).
 */
public final class TwoSampleChiSquare {
  /** Most value bins of the test. */
  public static final int MAX_BINS = 10;

  private TwoSampleChiSquare() {}

  /**
   * @param referencePoints the reference's sorted non-NaN values or evenly spaced order statistics
   *     of them (see the class comment), ascending, without -0.0
   * @param referenceValues how many non-NaN values the points stand for (M &gt;= points.length)
   * @param referenceMissing how many reference values were NaN
   * @param current the window's values; only the first {@code n} are read, NaN means missing
   * @return the test, or {@link HypothesisTests.ChiSquare#NONE} when a side is empty or everything
   *     falls into one column
   * @throws IllegalArgumentException if the arguments are inconsistent
   */
  public static HypothesisTests.ChiSquare test(
      float[] referencePoints,
      long referenceValues,
      long referenceMissing,
      float[] current,
      int n) {
    float[] sorted = new float[n];
    int values = QuantileBins.sortedNonNaN(current, n, sorted);
    return test(referencePoints, referenceValues, referenceMissing, current, n, sorted, values);
  }

  /**
   * {@link #test} with the window's values also given as {@link QuantileBins#sortedNonNaN} leaves
   * them ({@code values} of them in {@code sorted}), so that a column sorted once serves every
   * statistic.
   */
  public static HypothesisTests.ChiSquare test(
      float[] referencePoints,
      long referenceValues,
      long referenceMissing,
      float[] current,
      int n,
      float[] sorted,
      int values) {
    check(referencePoints, referenceValues, referenceMissing);
    int k =
        (int)
            Math.max(
                1,
                Math.min(
                    MAX_BINS,
                    Math.min(values, referenceValues) / (long) HypothesisTests.MIN_EXPECTED));
    float[] edges = pooledEdges(referencePoints, referenceValues, sorted, values, k);
    QuantileBins bins = QuantileBins.ofEdges(edges);
    long[] window = bins.histogram(current, n);
    double[] cur = new double[window.length];
    double[] ref = new double[window.length];
    double below = 0;
    for (int b = 0; b < edges.length; b++) {
      double upTo = referenceCountAtMost(referencePoints, referenceValues, edges[b]);
      ref[b] = upTo - below;
      below = upTo;
    }
    ref[edges.length] = referenceValues - below;
    ref[edges.length + 1] = referenceMissing;
    for (int b = 0; b < window.length; b++) {
      cur[b] = window[b];
      // Interpolation is monotone, but keep rounding from producing a negative count.
      ref[b] = Math.max(0.0, ref[b]);
    }
    return HypothesisTests.homogeneity(ref, cur, true);
  }

  private static void check(float[] referencePoints, long referenceValues, long referenceMissing) {
    if (referencePoints == null
        || referenceValues < referencePoints.length
        || (referenceValues > 0 && referencePoints.length == 0)
        || referenceMissing < 0) {
      throw new IllegalArgumentException(
          "reference of "
              + referenceValues
              + " values cannot be represented by "
              + (referencePoints == null ? "no" : referencePoints.length)
              + " points");
    }
  }

  /**
   * Up to k - 1 edges at the pooled sample's k-quantiles: edge j is the smallest value (of the
   * window or a reference point) at or below which at least j/k of the pooled values lie. Equal
   * edges merge, and an edge at the pooled maximum is dropped (its bin above would be empty).
   */
  static float[] pooledEdges(
      float[] points, long referenceValues, float[] window, int windowValues, int k) {
    float[] edges = new float[Math.max(0, k - 1)];
    int count = 0;
    double total = referenceValues + (double) windowValues;
    if (k <= 1 || total == 0) {
      return edges;
    }
    float max =
        Math.max(
            points.length == 0 ? Float.NEGATIVE_INFINITY : points[points.length - 1],
            windowValues == 0 ? Float.NEGATIVE_INFINITY : window[windowValues - 1]);
    int i = 0;
    int j = 0;
    int next = 1;
    while ((i < windowValues || j < points.length) && next < k) {
      float x;
      if (j >= points.length || (i < windowValues && window[i] <= points[j])) {
        x = window[i];
      } else {
        x = points[j];
      }
      while (i < windowValues && window[i] <= x) {
        i++;
      }
      while (j < points.length && points[j] <= x) {
        j++;
      }
      double pooled = i + referenceCountAtMost(points, referenceValues, x, j);
      while (next < k && pooled >= next * total / k) {
        if (x < max && (count == 0 || x > edges[count - 1])) {
          edges[count++] = x;
        }
        next++;
      }
    }
    return Arrays.copyOf(edges, count);
  }

  /** Estimated number of reference values at most {@code x}. */
  static double referenceCountAtMost(float[] points, long referenceValues, float x) {
    int lo = 0;
    int hi = points.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (points[mid] <= x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return referenceCountAtMost(points, referenceValues, x, lo);
  }

  /**
   * As above, given {@code atOrBelow}, the number of points at most x. Exact when the points are
   * all the values; otherwise interpolated between the ranks of the points around x, and for a
   * value that several points share (a tie in the data) the middle of the range its count must lie
   * in.
   */
  private static double referenceCountAtMost(
      float[] points, long referenceValues, float x, int atOrBelow) {
    int q = points.length;
    if (referenceValues == q) {
      return atOrBelow;
    }
    if (atOrBelow == 0) {
      return 0;
    }
    if (atOrBelow == q) {
      return referenceValues;
    }
    float a = points[atOrBelow - 1];
    float b = points[atOrBelow];
    double low = ReferenceProfile.rankOfPoint(atOrBelow - 1, referenceValues, q) + 1.0;
    double high = ReferenceProfile.rankOfPoint(atOrBelow, referenceValues, q);
    if (x == a) {
      boolean tied = atOrBelow >= 2 && points[atOrBelow - 2] == a;
      return tied ? (low + high) / 2 : low;
    }
    return low + (high - low) * (((double) x - a) / ((double) b - a));
  }
}
