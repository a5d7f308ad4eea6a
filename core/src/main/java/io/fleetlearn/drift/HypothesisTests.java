package io.fleetlearn.drift;

import java.util.Arrays;

/**
 * The significance tests behind a drift verdict, on primitive arrays: Pearson's chi-square test of
 * homogeneity of two histograms, Fisher's exact test of two rates, Holm's step-down adjustment of a
 * family of p-values, and the special functions they need (log-gamma, the regularized incomplete
 * gamma function, the chi-square survival function). No dependencies; unit-tested against values
 * from statistical tables and a reference implementation. See docs/drift.md for why these tests.
 */
public final class HypothesisTests {

  /**
   * Fewest expected events per cell, on the smaller side, that a chi-square column needs: fewer,
   * and the column is merged with a neighbour. Cochran's textbook rule says 5; simulation of the
   * drift tests at p-values of 1e-3 to 1e-4 with a reference of 30-50 rows showed 5 too lax (up to
   * 2.5 times the nominal rate of false alarms) and 8 within the nominal rate (docs/drift.md).
   */
  public static final double MIN_EXPECTED = 8.0;

  private static final double[] LANCZOS = {
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7
  };
  private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
  private static final int MAX_ITERATIONS = 10_000;
  private static final double EPS = 1e-15;
  private static final double TINY = 1e-300;

  private HypothesisTests() {}

  /** The result of a chi-square test: statistic, degrees of freedom and p-value. */
  public record ChiSquare(double statistic, int df, double pValue) {
    /** The result when the data cannot tell the distributions apart (e.g. a single bin). */
    public static final ChiSquare NONE = new ChiSquare(0.0, 0, 1.0);
  }

  /**
   * Pearson's chi-square test that two histograms over the same bins are samples of one
   * distribution (the 2 x B contingency table's test of homogeneity).
   *
   * <p>With totals R (reference) and C (current), N = R + C and column totals t_i = r_i + c_i,
   *
   * <pre>
   *   X^2 = sum over columns with t_i &gt; 0 of (C r_i - R c_i)^2 / (R C t_i)
   * </pre>
   *
   * which is the usual sum of (observed - expected)^2 / expected over the table's 2B cells, with df
   * = (non-empty columns) - 1 and the p-value from the chi-square distribution. Counts may be
   * fractional (an estimated reference count). Before the test, a column that expects fewer than
   * {@link #MIN_EXPECTED} events on the smaller side (t_i min(R, C) / N) is merged with its
   * neighbour, left to right, a short last column joining the one before it: the chi-square
   * approximation needs that many, and the merge looks only at column totals, which the null
   * hypothesis leaves free, so the merged test is as valid as the unmerged one.
   *
   * @param reference reference counts per bin
   * @param current current counts over the same bins
   * @param lastIsSeparate whether the last bin (e.g. missing values) is not adjacent to the others:
   *     when it is too small it joins the last of the others rather than being their neighbour
   * @return {@link ChiSquare#NONE} when either side is empty or fewer than two columns remain
   * @throws IllegalArgumentException if the arrays differ in length or a count is negative or NaN
   */
  public static ChiSquare homogeneity(
      double[] reference, double[] current, boolean lastIsSeparate) {
    if (reference == null || current == null || reference.length != current.length) {
      throw new IllegalArgumentException("histograms must be non-null and of the same length");
    }
    double total1 = 0;
    double total2 = 0;
    for (int i = 0; i < reference.length; i++) {
      if (!(reference[i] >= 0) || !(current[i] >= 0)) {
        throw new IllegalArgumentException("negative or NaN count at bin " + i);
      }
      total1 += reference[i];
      total2 += current[i];
    }
    if (total1 == 0 || total2 == 0) {
      return ChiSquare.NONE;
    }
    int[] group =
        mergeSparseColumns(
            reference, current, Math.min(total1, total2) / (total1 + total2), lastIsSeparate);
    int groups = 0;
    for (int g : group) {
      groups = Math.max(groups, g + 1);
    }
    double[] r = new double[groups];
    double[] c = new double[groups];
    for (int i = 0; i < reference.length; i++) {
      r[group[i]] += reference[i];
      c[group[i]] += current[i];
    }
    double x2 = 0;
    int columns = 0;
    for (int g = 0; g < groups; g++) {
      double t = r[g] + c[g];
      if (t <= 0) {
        continue;
      }
      columns++;
      double d = total2 * r[g] - total1 * c[g];
      x2 += d * d / (total1 * total2 * t);
    }
    if (columns < 2) {
      return ChiSquare.NONE;
    }
    int df = columns - 1;
    return new ChiSquare(x2, df, chiSquareSurvival(x2, df));
  }

  /** {@link #homogeneity(double[], double[], boolean)} on integer counts. */
  public static ChiSquare homogeneity(long[] reference, long[] current, boolean lastIsSeparate) {
    if (reference == null || current == null) {
      throw new IllegalArgumentException("histograms must not be null");
    }
    double[] r = new double[reference.length];
    double[] c = new double[current.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = reference[i];
    }
    for (int i = 0; i < c.length; i++) {
      c[i] = current[i];
    }
    return homogeneity(r, c, lastIsSeparate);
  }

  /**
   * Groups columns so that each group expects at least {@link #MIN_EXPECTED} events on the smaller
   * side: {@code (r + c) * smallerShare >= MIN_EXPECTED}.
   *
   * @return for each column the index of its group, groups numbered 0, 1, ... in column order
   */
  static int[] mergeSparseColumns(
      double[] reference, double[] current, double smallerShare, boolean lastIsSeparate) {
    int bins = reference.length;
    int[] group = new int[bins];
    int valueBins = lastIsSeparate ? bins - 1 : bins;
    int g = 0;
    double acc = 0;
    for (int i = 0; i < valueBins; i++) {
      group[i] = g;
      acc += (reference[i] + current[i]) * smallerShare;
      if (acc >= MIN_EXPECTED && i < valueBins - 1) {
        g++;
        acc = 0;
      }
    }
    if (valueBins > 0 && acc < MIN_EXPECTED && g > 0) {
      // The last group did not reach the minimum: it joins the one before it.
      for (int i = valueBins - 1; i >= 0 && group[i] == g; i--) {
        group[i] = g - 1;
      }
      g--;
    }
    if (lastIsSeparate && bins > 0) {
      double last = (reference[bins - 1] + current[bins - 1]) * smallerShare;
      // Too small to stand alone: it joins the last value group, if there is one.
      group[bins - 1] = valueBins > 0 && last < MIN_EXPECTED ? g : valueBins > 0 ? g + 1 : 0;
    }
    return group;
  }

  /**
   * Fisher's exact test, two-sided, that two binomial rates are equal: the 2 x 2 table (a successes
   * of a + b in the first sample, c of c + d in the second). The p-value sums the hypergeometric
   * probabilities, given the margins, of every table no more likely than the one observed (the
   * usual two-sided definition, as in R's fisher.test), with a relative tolerance of 1e-7 for ties.
   * Exact at any sample size, and conservative: a rare event counted 5 of 150 times gets no more
   * significance than it deserves.
   *
   * @return the p-value in [0, 1]; 1 when either sample or either outcome is empty
   * @throws IllegalArgumentException if a count is negative
   */
  public static double fisherExact(long a, long b, long c, long d) {
    if (a < 0 || b < 0 || c < 0 || d < 0) {
      throw new IllegalArgumentException("counts must be >= 0");
    }
    long row1 = a + b;
    long row2 = c + d;
    long col1 = a + c;
    long n = row1 + row2;
    if (row1 == 0 || row2 == 0 || col1 == 0 || col1 == n) {
      return 1.0;
    }
    long lo = Math.max(0, col1 - row2);
    long hi = Math.min(row1, col1);
    double observed = logHypergeometric(a, row1, row2, col1);
    // Sum relative to the largest term (at the mode) to avoid underflow of tiny probabilities.
    double mode = Double.NEGATIVE_INFINITY;
    for (long x = lo; x <= hi; x++) {
      mode = Math.max(mode, logHypergeometric(x, row1, row2, col1));
    }
    double all = 0;
    double tail = 0;
    double limit = observed + 1e-7;
    for (long x = lo; x <= hi; x++) {
      double lp = logHypergeometric(x, row1, row2, col1);
      double p = Math.exp(lp - mode);
      all += p;
      if (lp <= limit) {
        tail += p;
      }
    }
    return Math.min(1.0, tail / all);
  }

  /** log P(X = x) for X hypergeometric: x of col1 draws from row1 successes and row2 failures. */
  private static double logHypergeometric(long x, long row1, long row2, long col1) {
    return logChoose(row1, x) + logChoose(row2, col1 - x) - logChoose(row1 + row2, col1);
  }

  private static double logChoose(long n, long k) {
    return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
  }

  private static double logFactorial(long n) {
    return logGamma(n + 1.0);
  }

  /**
   * Holm's step-down adjustment: with the k finite p-values sorted ascending p(1) &lt;= ... &lt;=
   * p(k), the adjusted value of p(i) is max over j &lt;= i of min(1, (k - j + 1) p(j)). Rejecting
   * every hypothesis whose adjusted p-value is at most alpha keeps the probability of any false
   * rejection at most alpha, whatever the dependence between the tests (Holm 1979). NaN entries
   * (tests not run) stay NaN and do not count towards k.
   *
   * @return a new array of adjusted p-values in the input's order
   */
  public static double[] holm(double[] pValues) {
    int k = 0;
    for (double p : pValues) {
      if (!Double.isNaN(p)) {
        k++;
      }
    }
    Integer[] order = new Integer[k];
    int f = 0;
    for (int i = 0; i < pValues.length; i++) {
      if (!Double.isNaN(pValues[i])) {
        order[f++] = i;
      }
    }
    Arrays.sort(order, (x, y) -> Double.compare(pValues[x], pValues[y]));
    double[] adjusted = new double[pValues.length];
    Arrays.fill(adjusted, Double.NaN);
    double running = 0;
    for (int j = 0; j < k; j++) {
      running = Math.max(running, Math.min(1.0, (k - j) * pValues[order[j]]));
      adjusted[order[j]] = running;
    }
    return adjusted;
  }

  /**
   * Cohen's h, the effect size of a difference between two proportions: 2 asin(sqrt(p2)) - 2
   * asin(sqrt(p1)). The arcsine makes a change of a rare rate (2 % to 4 %) count more than the same
   * absolute change of a common one (50 % to 52 %); 0.2 is conventionally "small", 0.5 "medium".
   */
  public static double cohenH(double p1, double p2) {
    return 2 * Math.asin(Math.sqrt(p2)) - 2 * Math.asin(Math.sqrt(p1));
  }

  /**
   * P(X &gt;= x) for X chi-square distributed with {@code df} degrees of freedom: the regularized
   * upper incomplete gamma function Q(df / 2, x / 2).
   *
   * @return 1 for x &lt;= 0 or df &lt;= 0
   */
  public static double chiSquareSurvival(double x, int df) {
    if (df <= 0 || !(x > 0)) {
      return 1.0;
    }
    if (x == Double.POSITIVE_INFINITY) {
      return 0.0;
    }
    return regularizedGammaQ(df / 2.0, x / 2.0);
  }

  /**
   * Natural logarithm of the gamma function for x &gt; 0 (Lanczos approximation, g = 7, 9 terms:
   * relative error below 1e-14 over the range the tests use).
   */
  public static double logGamma(double x) {
    if (!(x > 0)) {
      throw new IllegalArgumentException("logGamma needs x > 0, got " + x);
    }
    if (x < 0.5) {
      // Reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x).
      return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
    }
    double z = x - 1;
    double sum = LANCZOS[0];
    for (int i = 1; i < LANCZOS.length; i++) {
      sum += LANCZOS[i] / (z + i);
    }
    double t = z + 7.5;
    return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
  }

  /**
   * The regularized lower incomplete gamma function P(a, x) = gamma(a, x) / Gamma(a), by its power
   * series below x = a + 1 and as 1 - Q(a, x) above (Numerical Recipes, 6.2).
   */
  public static double regularizedGammaP(double a, double x) {
    checkGammaArguments(a, x);
    if (x == 0) {
      return 0.0;
    }
    return x < a + 1 ? gammaSeries(a, x) : 1.0 - gammaContinuedFraction(a, x);
  }

  /**
   * The regularized upper incomplete gamma function Q(a, x) = 1 - P(a, x), computed directly (not
   * as 1 - P) in the upper tail, so that p-values far below 1e-16 keep their relative accuracy.
   */
  public static double regularizedGammaQ(double a, double x) {
    checkGammaArguments(a, x);
    if (x == 0) {
      return 1.0;
    }
    return x < a + 1 ? 1.0 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
  }

  private static void checkGammaArguments(double a, double x) {
    if (!(a > 0) || !(x >= 0) || Double.isInfinite(a)) {
      throw new IllegalArgumentException("need a > 0 and x >= 0, got a=" + a + ", x=" + x);
    }
  }

  private static double gammaSeries(double a, double x) {
    double ap = a;
    double del = 1.0 / a;
    double sum = del;
    for (int i = 0; i < MAX_ITERATIONS; i++) {
      ap++;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) {
        break;
      }
    }
    return Math.min(1.0, sum * Math.exp(-x + a * Math.log(x) - logGamma(a)));
  }

  /** Q(a, x) by Lentz's continued fraction; converges quickly for x &gt; a + 1. */
  private static double gammaContinuedFraction(double a, double x) {
    double b = x + 1 - a;
    double c = 1 / TINY;
    double d = 1 / b;
    double h = d;
    for (int i = 1; i < MAX_ITERATIONS; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      if (Math.abs(d) < TINY) {
        d = TINY;
      }
      c = b + an / c;
      if (Math.abs(c) < TINY) {
        c = TINY;
      }
      d = 1 / d;
      double del = d * c;
      h *= del;
      if (Math.abs(del - 1) < EPS) {
        break;
      }
    }
    return Math.min(1.0, Math.exp(-x + a * Math.log(x) - logGamma(a)) * h);
  }
}
