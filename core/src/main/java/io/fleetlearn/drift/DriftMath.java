package io.fleetlearn.drift;

import java.util.Arrays;

/**
 * Distribution-shift statistics between a reference sample and a current sample of one feature.
 *
 * <p>No method returns NaN: a side without data yields 0 ("no evidence of drift"), so callers must
 * check sample sizes themselves before acting on a small value.
 */
public final class DriftMath {

  private static final double LN_2 = Math.log(2.0);

  private DriftMath() {}

  /**
   * Population stability index between two histograms over the same bins.
   *
   * <p>With B bins, totals R and C, each proportion is smoothed on the proportion scale:
   *
   * <pre>
   *   r_i = (ref_i / R + epsilon) / (1 + B * epsilon)
   *   c_i = (cur_i / C + epsilon) / (1 + B * epsilon)
   *   PSI = sum_i (c_i - r_i) * ln(c_i / r_i)
   * </pre>
   *
   * Smoothing the proportions rather than the counts makes epsilon mean the same at any sample
   * size, and keeps proportional histograms (e.g. [1, 2] and [2, 4]) at exactly 0. PSI is symmetric
   * in its arguments and 0 for identical distributions. Common reading: &lt; 0.1 stable, 0.1-0.25
   * moderate shift, &gt; 0.25 significant shift.
   *
   * @param epsilon proportion floor, e.g. 1e-4; must be &gt; 0 because a zero would let a single
   *     empty bin make the index infinite
   * @return the index, or 0 if either histogram is empty (all counts 0)
   * @throws IllegalArgumentException if the histograms differ in length, a count is negative or
   *     epsilon is not a finite positive number
   */
  public static double psi(long[] referenceCounts, long[] currentCounts, double epsilon) {
    checkHistograms(referenceCounts, currentCounts);
    if (!(epsilon > 0.0 && epsilon < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("epsilon must be finite and > 0, got " + epsilon);
    }
    long refTotal = total(referenceCounts);
    long curTotal = total(currentCounts);
    if (refTotal == 0 || curTotal == 0) {
      return 0.0;
    }
    double norm = 1.0 + referenceCounts.length * epsilon;
    double sum = 0.0;
    for (int i = 0; i < referenceCounts.length; i++) {
      double r = ((double) referenceCounts[i] / refTotal + epsilon) / norm;
      double c = ((double) currentCounts[i] / curTotal + epsilon) / norm;
      sum += (c - r) * Math.log(c / r);
    }
    // Every term is >= 0 mathematically; rounding must not report a negative index.
    return Math.max(0.0, sum);
  }

  /**
   * Two-sample Kolmogorov-Smirnov statistic D = sup_x |F_a(x) - F_b(x)| over the empirical CDFs.
   *
   * <p>All copies of a value enter both CDFs before the gap is measured, so ties between (and
   * within) the samples do not inflate D.
   *
   * @param a first sample; only the first na entries are read, NaN entries are ignored
   * @param b second sample; only the first nb entries are read, NaN entries are ignored
   * @return D in [0, 1], or 0 if either side has no non-NaN value; the inputs are not modified
   * @throws IllegalArgumentException if na or nb is out of range
   */
  public static double ksStatistic(float[] a, int na, float[] b, int nb) {
    float[] x = sortedWithoutNaN(a, na, "a");
    float[] y = sortedWithoutNaN(b, nb, "b");
    return ksStatisticOfSorted(x, x.length, y, y.length);
  }

  /**
   * {@link #ksStatistic} of the first {@code m} values of {@code x} and {@code n} of {@code y},
   * both already ascending and without NaN (as {@link QuantileBins#sortedNonNaN} leaves them), so
   * that a column sorted once serves every statistic.
   */
  public static double ksStatisticOfSorted(float[] x, int m, float[] y, int n) {
    if (m == 0 || n == 0) {
      return 0.0;
    }
    double d = 0.0;
    int i = 0;
    int j = 0;
    // Once either side is exhausted its CDF is 1 and the other only climbs towards 1, so the gap
    // cannot grow any more.
    while (i < m && j < n) {
      float v = x[i] <= y[j] ? x[i] : y[j];
      while (i < m && x[i] == v) {
        i++;
      }
      while (j < n && y[j] == v) {
        j++;
      }
      d = Math.max(d, Math.abs((double) i / m - (double) j / n));
    }
    return d;
  }

  /**
   * Jensen-Shannon distance between two histograms over the same bins: the square root of the
   * Jensen-Shannon divergence with base-2 logarithms, so the result lies in [0, 1] (1 for disjoint
   * supports) and, unlike the divergence, is a metric.
   *
   * @return the distance, or 0 if either histogram is empty (all counts 0)
   * @throws IllegalArgumentException if the histograms differ in length or a count is negative
   */
  public static double jensenShannonDistance(long[] p, long[] q) {
    checkHistograms(p, q);
    long pTotal = total(p);
    long qTotal = total(q);
    if (pTotal == 0 || qTotal == 0) {
      return 0.0;
    }
    double sum = 0.0;
    for (int i = 0; i < p.length; i++) {
      double pi = (double) p[i] / pTotal;
      double qi = (double) q[i] / qTotal;
      double mi = 0.5 * (pi + qi);
      // 0 * log(0 / m) is taken as its limit 0.
      if (pi > 0.0) {
        sum += pi * Math.log(pi / mi);
      }
      if (qi > 0.0) {
        sum += qi * Math.log(qi / mi);
      }
    }
    double divergence = 0.5 * sum / LN_2;
    // Rounding can push the divergence a hair outside [0, 1]; below 0 the square root is NaN.
    return Math.sqrt(Math.min(1.0, Math.max(0.0, divergence)));
  }

  /**
   * Returns {@code positives / total}, or 0 when total is 0.
   *
   * @throws IllegalArgumentException if either argument is negative
   */
  public static double rate(long positives, long total) {
    if (positives < 0 || total < 0) {
      throw new IllegalArgumentException(
          "counts must be >= 0, got positives=" + positives + ", total=" + total);
    }
    return total == 0 ? 0.0 : (double) positives / total;
  }

  private static float[] sortedWithoutNaN(float[] values, int n, String name) {
    if (values == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    if (n < 0 || n > values.length) {
      throw new IllegalArgumentException(
          "n" + name + "=" + n + " out of range for " + name + ".length=" + values.length);
    }
    float[] copy = new float[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      float v = values[i];
      if (!Float.isNaN(v)) {
        copy[m++] = v;
      }
    }
    Arrays.sort(copy, 0, m);
    return m == n ? copy : Arrays.copyOf(copy, m);
  }

  private static void checkHistograms(long[] p, long[] q) {
    if (p == null || q == null) {
      throw new IllegalArgumentException("histograms must not be null");
    }
    if (p.length != q.length) {
      throw new IllegalArgumentException(
          "histograms must have the same number of bins, got " + p.length + " and " + q.length);
    }
  }

  private static long total(long[] counts) {
    long sum = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] < 0) {
        throw new IllegalArgumentException("count at bin " + i + " is negative: " + counts[i]);
      }
      sum += counts[i];
    }
    return sum;
  }
}
