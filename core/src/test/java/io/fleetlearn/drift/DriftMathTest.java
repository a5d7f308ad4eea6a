package io.fleetlearn.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DriftMathTest {

  private static final double TOL = 1e-12;
  private static final float NAN = Float.NaN;

  // ---- PSI ----

  @Test
  void psiIsZeroForIdenticalHistograms() {
    long[] counts = {10, 0, 25, 3};

    assertEquals(0.0, DriftMath.psi(counts, counts.clone(), 1e-4), 0.0);
  }

  @Test
  void psiIsZeroForProportionalHistograms() {
    // Smoothing on the proportion scale keeps [1,2,3] and [2,4,6] identical after normalising.
    assertEquals(0.0, DriftMath.psi(new long[] {1, 2, 3}, new long[] {2, 4, 6}, 1e-4), 0.0);
  }

  @Test
  void psiMatchesHandComputedTwoBinShift() {
    // r = (0.5, 0.5), c = (0.25, 0.75):
    // PSI = (0.25-0.5) ln(0.25/0.5) + (0.75-0.5) ln(0.75/0.5) = 0.25 ln 2 + 0.25 ln 1.5
    //     = 0.25 ln 3 = 0.274653...  (epsilon 1e-6 moves it by ~1e-6)
    double psi = DriftMath.psi(new long[] {50, 50}, new long[] {25, 75}, 1e-6);

    assertEquals(0.25 * Math.log(3), psi, 1e-5);
  }

  @Test
  void psiSmoothsProportionsWithEpsilon() {
    // ref (0, 10), cur (5, 5), epsilon 0.01, B = 2, norm = 1.02:
    //   r = (0.01, 1.01) / 1.02, c = (0.51, 0.51) / 1.02
    //   c0 - r0 = 0.50/1.02, c1 - r1 = -0.50/1.02
    //   PSI = 0.50/1.02 * (ln(0.51/0.01) - ln(0.51/1.01)) = 0.50/1.02 * ln 101 = 2.26231398...
    // Smoothing counts instead ((n+eps)/(N+B*eps)) would give r0 = 0.01/10.02 and PSI ~ 3.4.
    double psi = DriftMath.psi(new long[] {0, 10}, new long[] {5, 5}, 0.01);

    assertEquals(0.5 / 1.02 * Math.log(101), psi, TOL);
  }

  @Test
  void psiIsSymmetric() {
    long[] a = {30, 50, 20, 0};
    long[] b = {10, 40, 45, 5};

    assertEquals(DriftMath.psi(a, b, 1e-4), DriftMath.psi(b, a, 1e-4), TOL);
  }

  @Test
  void psiOfHalfSigmaMeanShiftLiesInTextbookBand() {
    // 10k N(0,1) reference vs 10k N(0.5,1), 10 reference deciles. For two unit normals the
    // continuous PSI (symmetric KL) is delta^2 = 0.25; on the population deciles it is 0.2377
    // (sum over deciles of (c-r) ln(c/r) with c from Phi(x - 0.5)). Seeds 1..10 give 0.22-0.27,
    // this seed 0.2284 (control 0.0026). The band [0.15, 0.40] is the "significant shift" zone
    // around 0.25, and the no-shift control below 0.02 shows noise alone does not reach it.
    Random random = new Random(42L);
    int n = 10_000;
    float[] reference = gaussian(random, n, 0.0);
    float[] shifted = gaussian(random, n, 0.5);
    float[] unshifted = gaussian(random, n, 0.0);
    QuantileBins bins = QuantileBins.fromSample(reference, n, 10);
    long[] refCounts = bins.histogram(reference, n);

    double psiShift = DriftMath.psi(refCounts, bins.histogram(shifted, n), 1e-4);
    double psiControl = DriftMath.psi(refCounts, bins.histogram(unshifted, n), 1e-4);

    assertEquals(11, bins.numBins()); // 9 interior edges -> 10 deciles, plus missing
    assertTrue(psiShift > 0.15 && psiShift < 0.40, "PSI of 0.5-sigma shift = " + psiShift);
    assertTrue(psiControl < 0.02, "PSI without shift = " + psiControl);
  }

  @Test
  void psiIsZeroWhenEitherSideIsEmpty() {
    assertEquals(0.0, DriftMath.psi(new long[] {0, 0}, new long[] {3, 4}, 1e-4), 0.0);
    assertEquals(0.0, DriftMath.psi(new long[] {3, 4}, new long[] {0, 0}, 1e-4), 0.0);
    assertEquals(0.0, DriftMath.psi(new long[0], new long[0], 1e-4), 0.0);
  }

  @Test
  void psiRejectsInvalidArguments() {
    assertThrows(
        IllegalArgumentException.class,
        () -> DriftMath.psi(new long[] {1, 2}, new long[] {1, 2, 3}, 1e-4));
    assertThrows(
        IllegalArgumentException.class, () -> DriftMath.psi(new long[] {1}, new long[] {1}, 0.0));
    assertThrows(
        IllegalArgumentException.class,
        () -> DriftMath.psi(new long[] {1}, new long[] {1}, Double.NaN));
    assertThrows(
        IllegalArgumentException.class,
        () -> DriftMath.psi(new long[] {1, -1}, new long[] {1, 1}, 1e-4));
  }

  // ---- KS ----

  @Test
  void ksAdvancesBothSidesOverTiesBeforeMeasuring() {
    // a = {1, 2, 2, 3} (n=4), b = {2, 3, 3, 4, 5} (n=5).
    //   x:    1     2     3     4     5
    //   F_a: 1/4   3/4    1     1     1
    //   F_b:  0    1/5   3/5   4/5    1
    //   gap: .25   .55   .40   .20    0   -> D = 0.55
    // Measuring after a's 2s but before b's 2 would report 3/4 - 0 = 0.75.
    float[] a = {1, 2, 2, 3};
    float[] b = {2, 3, 3, 4, 5};

    assertEquals(0.55, DriftMath.ksStatistic(a, 4, b, 5), TOL);
    assertEquals(0.55, DriftMath.ksStatistic(b, 5, a, 4), TOL);
  }

  @Test
  void ksIgnoresNaNAndDoesNotModifyInputs() {
    // Same samples as above with NaNs and shuffled order: D is still 0.55.
    float[] a = {3, NAN, 2, 1, 2};
    float[] b = {5, 3, NAN, NAN, 4, 2, 3};
    float[] aBefore = a.clone();
    float[] bBefore = b.clone();

    assertEquals(0.55, DriftMath.ksStatistic(a, a.length, b, b.length), TOL);
    assertArrayEquals(aBefore, a);
    assertArrayEquals(bBefore, b);
  }

  @Test
  void ksUsesOnlyFirstNEntries() {
    // a = {1, 2}, b = {1, 2}: identical -> 0. The trailing 100 would give D = 1/3.
    float[] a = {1, 2, 100};
    float[] b = {1, 2};

    assertEquals(0.0, DriftMath.ksStatistic(a, 2, b, 2), 0.0);
  }

  @Test
  void ksIsZeroForIdenticalAndOneForDisjointSamples() {
    float[] a = {1, 2, 2, 3};

    assertEquals(0.0, DriftMath.ksStatistic(a, 4, a.clone(), 4), 0.0);
    assertEquals(1.0, DriftMath.ksStatistic(a, 4, new float[] {4, 5}, 2), 0.0);
  }

  @Test
  void ksMatchesBruteForceOnRandomTiedSamples() {
    Random random = new Random(11);
    for (int round = 0; round < 50; round++) {
      int na = 1 + random.nextInt(40);
      int nb = 1 + random.nextInt(40);
      float[] a = new float[na];
      float[] b = new float[nb];
      for (int i = 0; i < na; i++) {
        a[i] = random.nextInt(8);
      }
      for (int i = 0; i < nb; i++) {
        b[i] = random.nextInt(8) + (round % 3); // sometimes shifted
      }

      assertEquals(bruteForceKs(a, b), DriftMath.ksStatistic(a, na, b, nb), TOL, "round " + round);
    }
  }

  @Test
  void ksOfHalfSigmaMeanShiftIsNearTheoreticalValue() {
    // For N(0,1) vs N(0.5,1) the population D is 2*Phi(0.25) - 1 = 0.1974; with 10k per side
    // the sampling error is about 0.01.
    Random random = new Random(99);
    float[] a = gaussian(random, 10_000, 0.0);
    float[] b = gaussian(random, 10_000, 0.5);

    assertEquals(0.1974, DriftMath.ksStatistic(a, a.length, b, b.length), 0.03);
  }

  @Test
  void ksIsZeroWhenEitherSideIsEmptyOrAllNaN() {
    float[] a = {1, 2, 3};

    assertEquals(0.0, DriftMath.ksStatistic(a, 3, new float[0], 0), 0.0);
    assertEquals(0.0, DriftMath.ksStatistic(new float[] {NAN, NAN}, 2, a, 3), 0.0);
    assertEquals(0.0, DriftMath.ksStatistic(new float[0], 0, new float[0], 0), 0.0);
  }

  @Test
  void ksTreatsNegativeAndPositiveZeroAsEqual() {
    assertEquals(0.0, DriftMath.ksStatistic(new float[] {-0.0f}, 1, new float[] {0.0f}, 1), 0.0);
  }

  @Test
  void ksRejectsOutOfRangeCounts() {
    assertThrows(
        IllegalArgumentException.class,
        () -> DriftMath.ksStatistic(new float[] {1}, 2, new float[] {1}, 1));
  }

  // ---- Jensen-Shannon ----

  @Test
  void jsIsZeroForIdenticalAndProportionalHistograms() {
    assertEquals(0.0, DriftMath.jensenShannonDistance(new long[] {3, 0, 7}, new long[] {3, 0, 7}));
    assertEquals(0.0, DriftMath.jensenShannonDistance(new long[] {1, 2}, new long[] {2, 4}));
  }

  @Test
  void jsIsOneForDisjointHistograms() {
    // p = (1,0), q = (0,1), m = (1/2,1/2): KL(p||m) = KL(q||m) = log2 2 = 1 -> JSD = 1 -> 1.
    assertEquals(1.0, DriftMath.jensenShannonDistance(new long[] {5, 0}, new long[] {0, 9}), TOL);
  }

  @Test
  void jsMatchesHandComputedExample() {
    // p = (1/2, 1/2), q = (1, 0), m = (3/4, 1/4).
    //   KL(p||m) = 1/2 log2(2/3) + 1/2 log2(2) = 1/2 log2(4/3)
    //   KL(q||m) = log2(4/3)
    //   JSD = 1/2 (1/2 + 1) log2(4/3) = 3/4 log2(4/3) = 0.311278...; distance = 0.557923...
    double d = DriftMath.jensenShannonDistance(new long[] {1, 1}, new long[] {1, 0});

    assertEquals(Math.sqrt(0.75 * Math.log(4.0 / 3.0) / Math.log(2)), d, TOL);
    assertEquals(0.5579230, d, 1e-7);
  }

  @Test
  void jsIsSymmetric() {
    long[] a = {30, 50, 20, 0};
    long[] b = {10, 40, 45, 5};

    assertEquals(DriftMath.jensenShannonDistance(a, b), DriftMath.jensenShannonDistance(b, a), TOL);
  }

  @Test
  void jsIsZeroWhenEitherSideIsEmpty() {
    assertEquals(0.0, DriftMath.jensenShannonDistance(new long[] {0, 0}, new long[] {1, 2}));
    assertEquals(0.0, DriftMath.jensenShannonDistance(new long[] {1, 2}, new long[] {0, 0}));
    assertEquals(0.0, DriftMath.jensenShannonDistance(new long[0], new long[0]));
  }

  @Test
  void jsRejectsMismatchedHistograms() {
    assertThrows(
        IllegalArgumentException.class,
        () -> DriftMath.jensenShannonDistance(new long[] {1}, new long[] {1, 2}));
  }

  // ---- rate ----

  @Test
  void rateDividesAndIsZeroForEmptyTotal() {
    assertEquals(0.25, DriftMath.rate(1, 4), 0.0);
    assertEquals(0.0, DriftMath.rate(0, 0), 0.0);
    assertThrows(IllegalArgumentException.class, () -> DriftMath.rate(-1, 4));
  }

  // ---- degenerate inputs ----

  @Test
  void degenerateInputsNeverProduceNaN() {
    float[][] samples = {{}, {NAN}, {NAN, NAN, NAN}, {7, 7, 7}, {7, NAN, 7}, {1, 2, 3}};
    for (float[] ref : samples) {
      QuantileBins bins = QuantileBins.fromSample(ref, ref.length, 10);
      long[] refCounts = bins.histogram(ref, ref.length);
      for (float[] cur : samples) {
        long[] curCounts = bins.histogram(cur, cur.length);
        assertFalse(Double.isNaN(DriftMath.psi(refCounts, curCounts, 1e-4)));
        assertFalse(Double.isNaN(DriftMath.jensenShannonDistance(refCounts, curCounts)));
        assertFalse(Double.isNaN(DriftMath.ksStatistic(ref, ref.length, cur, cur.length)));
      }
    }
  }

  private static float[] gaussian(Random random, int n, double mean) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (mean + random.nextGaussian());
    }
    return out;
  }

  /** Oracle: evaluates both empirical CDFs at every observed value. */
  private static double bruteForceKs(float[] a, float[] b) {
    double d = 0;
    for (float[] side : new float[][] {a, b}) {
      for (float x : side) {
        d = Math.max(d, Math.abs(cdf(a, x) - cdf(b, x)));
      }
    }
    return d;
  }

  private static double cdf(float[] sample, float x) {
    int count = 0;
    for (float v : sample) {
      if (v <= x) {
        count++;
      }
    }
    return (double) count / sample.length;
  }
}
