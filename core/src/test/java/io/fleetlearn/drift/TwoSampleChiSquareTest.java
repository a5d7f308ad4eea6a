package io.fleetlearn.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TwoSampleChiSquareTest {

  private static float[] range(int from, int toExclusive) {
    float[] v = new float[toExclusive - from];
    for (int i = 0; i < v.length; i++) {
      v[i] = from + i;
    }
    return v;
  }

  @Test
  void cutsTheBinsAtQuantilesOfThePooledSample() {
    // Reference 1..40, window 41..80: pooled 1..80 in min(40, 40) / 8 = 5 bins,
    // edges at 16, 32, 48, 64. The reference fills the first 2.5 bins, the window the rest.
    float[] reference = range(1, 41);
    float[] window = range(41, 81);

    float[] edges = TwoSampleChiSquare.pooledEdges(reference, 40, window, 40, 5);

    assertArrayEquals(new float[] {16, 32, 48, 64}, edges);
  }

  @Test
  void equalsTheContingencyTableTestOnThePooledBinsWhenTheReferenceIsComplete() {
    SplittableRandom r = new SplittableRandom(3);
    float[] reference = new float[120];
    float[] window = new float[200];
    for (int i = 0; i < reference.length; i++) {
      reference[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < window.length; i++) {
      window[i] = (float) (r.nextGaussian() + 0.3);
    }
    float[] sorted = reference.clone();
    Arrays.sort(sorted);

    HypothesisTests.ChiSquare t = TwoSampleChiSquare.test(sorted, 120, 0, window, 200);

    float[] pooled = new float[320];
    System.arraycopy(reference, 0, pooled, 0, 120);
    System.arraycopy(window, 0, pooled, 120, 200);
    QuantileBins bins = QuantileBins.fromSample(pooled, 320, 10);
    HypothesisTests.ChiSquare byHand =
        HypothesisTests.homogeneity(
            bins.histogram(reference, 120), bins.histogram(window, 200), true);
    assertEquals(byHand.statistic(), t.statistic(), 1e-9);
    assertEquals(9, t.df());
    assertEquals(byHand.pValue(), t.pValue(), 1e-12);
  }

  @Test
  void aThinnedReferenceCountsFromItsInterpolatedDistribution() {
    // 1000 values 0..999 kept as 256 evenly spaced order statistics: point k has rank
    // round(k * 999 / 255); the count at or below 500.5 is interpolated between the points around
    // it, and is within one event of the true 501.
    float[] all = range(0, 1000);
    float[] points = new float[256];
    for (int k = 0; k < 256; k++) {
      points[k] = all[(int) ReferenceProfile.rankOfPoint(k, 1000, 256)];
    }

    assertEquals(501, TwoSampleChiSquare.referenceCountAtMost(points, 1000, 500.5f), 1.0);
    assertEquals(0, TwoSampleChiSquare.referenceCountAtMost(points, 1000, -1f), 0.0);
    assertEquals(1000, TwoSampleChiSquare.referenceCountAtMost(points, 1000, 999f), 0.0);
    assertEquals(1, TwoSampleChiSquare.referenceCountAtMost(points, 1000, 0f), 0.0);
  }

  @Test
  void aTiedThinnedValueCountsTheMiddleOfTheRangeItsCountMustLieIn() {
    // 1000 values: 600 zeros then 1..400. Points 0..153 are 0 (rank <= 599 means k <= 152.9..);
    // the count at or below 0 is between the rank of the last 0 point + 1 and the rank of the
    // first point above 0.
    float[] all = new float[1000];
    for (int i = 600; i < 1000; i++) {
      all[i] = i - 599;
    }
    float[] points = new float[256];
    for (int k = 0; k < 256; k++) {
      points[k] = all[(int) ReferenceProfile.rankOfPoint(k, 1000, 256)];
    }
    int lastZero = 0;
    while (points[lastZero + 1] == 0f) {
      lastZero++;
    }
    double low = ReferenceProfile.rankOfPoint(lastZero, 1000, 256) + 1;
    double high = ReferenceProfile.rankOfPoint(lastZero + 1, 1000, 256);

    double count = TwoSampleChiSquare.referenceCountAtMost(points, 1000, 0f);

    assertEquals((low + high) / 2, count, 1e-9);
    assertTrue(Math.abs(count - 600) <= (high - low) / 2, "true count 600, estimate " + count);
  }

  @Test
  void missingValuesAreAColumnOfTheirOwnWhenThereAreEnough() {
    // Reference 200 values without NaN; window 200 of which 60 NaN: the missing column alone
    // makes the difference.
    SplittableRandom r = new SplittableRandom(5);
    float[] reference = new float[200];
    float[] window = new float[200];
    for (int i = 0; i < 200; i++) {
      reference[i] = (float) r.nextGaussian();
      window[i] = i < 60 ? Float.NaN : (float) r.nextGaussian();
    }
    Arrays.sort(reference);

    HypothesisTests.ChiSquare t = TwoSampleChiSquare.test(reference, 200, 0, window, 200);

    assertEquals(10, t.df(), "9 value columns + the missing column: " + t);
    assertTrue(t.pValue() < 1e-10, t.toString());
  }

  @Test
  void hasNothingToTestWhenTheWindowHasNoValues() {
    float[] reference = range(0, 50);
    float[] window = {Float.NaN, Float.NaN};

    assertSame(
        HypothesisTests.ChiSquare.NONE, TwoSampleChiSquare.test(reference, 50, 0, window, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> TwoSampleChiSquare.test(new float[0], 10, 0, window, 2));
  }

  @Test
  void staysWithinTheNominalRateWhenTheWindowIsTenTimesTheReference() {
    // The case reference bins get badly wrong (a Dirichlet-multinomial tail): 500 events
    // against 50. 20,000 tests of identical distributions; at p <= 0.01 the count is
    // Binomial(20000, <= 0.01): mean <= 200, and 260 is beyond its 99.99 % quantile.
    SplittableRandom r = new SplittableRandom(17);
    float[] reference = new float[50];
    float[] window = new float[500];
    int rejected = 0;
    for (int k = 0; k < 20_000; k++) {
      for (int i = 0; i < reference.length; i++) {
        reference[i] = (float) r.nextGaussian();
      }
      for (int i = 0; i < window.length; i++) {
        window[i] = (float) r.nextGaussian();
      }
      Arrays.sort(reference);
      if (TwoSampleChiSquare.test(reference, 50, 0, window, 500).pValue() <= 0.01) {
        rejected++;
      }
    }

    assertTrue(rejected <= 260, rejected + " of 20000 at p <= 0.01");
    assertTrue(rejected >= 100, "and not so conservative that it cannot see: " + rejected);
  }

  @Test
  void aColumnSortedOnceGivesTheSameTestAndKsAsSortingItAgain() {
    SplittableRandom r = new SplittableRandom(17);
    for (int round = 0; round < 50; round++) {
      int m = 200 + r.nextInt(300);
      float[] ref = new float[m];
      for (int i = 0; i < m; i++) {
        ref[i] = (float) Math.round(r.nextGaussian() * 4) / 4f; // ties
      }
      float[] points = new float[m];
      int values = QuantileBins.sortedNonNaN(ref, m, points);
      points = Arrays.copyOf(points, values);
      int n = 50 + r.nextInt(300);
      float[] cur = new float[n];
      for (int i = 0; i < n; i++) {
        cur[i] =
            i % 37 == 0
                ? Float.NaN
                : i % 41 == 0 ? -0.0f : (float) Math.round((r.nextGaussian() + 0.2) * 4) / 4f;
      }
      float[] sorted = new float[n];
      int k = QuantileBins.sortedNonNaN(cur, n, sorted);
      HypothesisTests.ChiSquare once =
          TwoSampleChiSquare.test(points, values, 0, cur, n, sorted, k);
      HypothesisTests.ChiSquare again = TwoSampleChiSquare.test(points, values, 0, cur, n);
      assertEquals(again.statistic(), once.statistic(), 0.0);
      assertEquals(again.df(), once.df());
      assertEquals(again.pValue(), once.pValue(), 0.0);
      assertEquals(
          DriftMath.ksStatistic(points, points.length, cur, n),
          DriftMath.ksStatisticOfSorted(points, points.length, sorted, k),
          0.0);
    }
  }
}
