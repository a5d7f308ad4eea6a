package io.fleetlearn.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Reference values come from SciPy 1.17 ({@code scipy.special.gammaln}, {@code gammainc}, {@code
 * gammaincc}, {@code scipy.stats.chi2.sf}, {@code fisher_exact}, {@code chi2_contingency} without
 * continuity correction) unless the comment derives them by hand.
 */
class HypothesisTestsTest {

  private static void assertRelative(double expected, double actual, double tolerance) {
    assertTrue(
        Math.abs(actual - expected) <= tolerance * Math.abs(expected),
        "expected " + expected + " but was " + actual);
  }

  // ---- special functions ----

  @Test
  void logGammaMatchesReferenceValues() {
    assertRelative(2.252712651734206, HypothesisTests.logGamma(0.1), 1e-13);
    assertRelative(0.5723649429247, HypothesisTests.logGamma(0.5), 1e-13);
    assertEquals(0.0, HypothesisTests.logGamma(1), 1e-14);
    assertEquals(0.0, HypothesisTests.logGamma(2), 1e-14);
    assertRelative(-0.12078223763524526, HypothesisTests.logGamma(1.5), 1e-12);
    assertRelative(12.801827480081469, HypothesisTests.logGamma(10), 1e-13);
    assertRelative(361.43554046777757, HypothesisTests.logGamma(100.5), 1e-13);
    assertRelative(82099.71749644238, HypothesisTests.logGamma(1e4), 1e-13);
    assertThrows(IllegalArgumentException.class, () -> HypothesisTests.logGamma(0));
  }

  @Test
  void regularizedGammaFunctionsMatchReferenceValuesOnBothSidesOfTheirSwitch() {
    // x < a + 1 uses the series, x >= a + 1 the continued fraction.
    assertRelative(0.34527915398142317, HypothesisTests.regularizedGammaP(0.5, 0.1), 1e-12);
    assertRelative(0.08858747316832083, HypothesisTests.regularizedGammaP(4.5, 2), 1e-12);
    assertRelative(0.9820875954701567, HypothesisTests.regularizedGammaP(4.5, 10), 1e-12);
    assertRelative(0.24680203440017026, HypothesisTests.regularizedGammaP(50, 45), 1e-11);
    assertRelative(0.6547208460185768, HypothesisTests.regularizedGammaQ(0.5, 0.1), 1e-12);
    assertRelative(0.9114125268316792, HypothesisTests.regularizedGammaQ(4.5, 2), 1e-12);
    assertRelative(0.017912404529843298, HypothesisTests.regularizedGammaQ(4.5, 10), 1e-11);
    assertRelative(0.7531979655998298, HypothesisTests.regularizedGammaQ(50, 45), 1e-11);
  }

  @Test
  void chiSquareSurvivalKeepsRelativeAccuracyFarIntoTheTail() {
    assertRelative(0.05004352124870519, HypothesisTests.chiSquareSurvival(3.84, 1), 1e-11);
    assertRelative(0.31731050786291115, HypothesisTests.chiSquareSurvival(1.0, 1), 1e-11);
    assertRelative(0.9188914116546758, HypothesisTests.chiSquareSurvival(0.5, 3), 1e-11);
    // The 5 % and 0.1 % critical values of chi-square(9) from the tables.
    assertRelative(0.049999640848349826, HypothesisTests.chiSquareSurvival(16.919, 9), 1e-10);
    assertRelative(0.001000063357757273, HypothesisTests.chiSquareSurvival(27.877, 9), 1e-10);
    // 1 - P would be 0 here: Q is computed directly.
    assertRelative(1.5735176303753876e-17, HypothesisTests.chiSquareSurvival(100, 9), 1e-10);
    assertRelative(1.3699125019662825e-80, HypothesisTests.chiSquareSurvival(400, 9), 1e-10);
    assertRelative(4.1436785914539184e-69, HypothesisTests.chiSquareSurvival(2000, 1000), 1e-9);
    assertEquals(1.0, HypothesisTests.chiSquareSurvival(0, 5));
    assertEquals(1.0, HypothesisTests.chiSquareSurvival(3, 0));
    assertEquals(0.0, HypothesisTests.chiSquareSurvival(Double.POSITIVE_INFINITY, 3));
  }

  // ---- chi-square test of homogeneity ----

  @Test
  void homogeneityMatchesTheContingencyTableTest() {
    // 2 x 4 table rows (10, 20, 30, 40) and (20, 20, 20, 20): X^2 = 9.9, df 3, p = 0.019436.
    HypothesisTests.ChiSquare t =
        HypothesisTests.homogeneity(
            new long[] {10, 20, 30, 40}, new long[] {20, 20, 20, 20}, false);

    assertEquals(9.9, t.statistic(), 1e-12);
    assertEquals(3, t.df());
    assertRelative(0.019435580728320235, t.pValue(), 1e-10);
  }

  @Test
  void homogeneityIgnoresTheScaleOfProportionalHistograms() {
    HypothesisTests.ChiSquare t =
        HypothesisTests.homogeneity(new long[] {10, 20, 30}, new long[] {20, 40, 60}, false);

    assertEquals(0.0, t.statistic(), 1e-12);
    assertEquals(1.0, t.pValue(), 1e-12);
  }

  @Test
  void homogeneityDropsEmptyColumnsFromTheDegreesOfFreedom() {
    HypothesisTests.ChiSquare with =
        HypothesisTests.homogeneity(
            new long[] {10, 20, 30, 40, 0}, new long[] {20, 20, 20, 20, 0}, true);

    assertEquals(9.9, with.statistic(), 1e-12);
    assertEquals(3, with.df());
  }

  @Test
  void homogeneityMergesColumnsThatExpectTooFewEvents() {
    // Totals 100 and 100: a column needs (r + c) / 2 >= 8, i.e. r + c >= 16. Columns (3+3),
    // (5+5), (20+10), (30+40), (42+42): the first two merge into (8+8); the rest stand.
    long[] r = {3, 5, 20, 30, 42};
    long[] c = {3, 5, 10, 40, 42};

    HypothesisTests.ChiSquare merged = HypothesisTests.homogeneity(r, c, false);
    HypothesisTests.ChiSquare byHand =
        HypothesisTests.homogeneity(new long[] {8, 20, 30, 42}, new long[] {8, 10, 40, 42}, false);

    assertEquals(byHand.statistic(), merged.statistic(), 1e-12);
    assertEquals(3, merged.df());
  }

  @Test
  void aSmallLastColumnJoinsThePreviousOneAndASmallSeparateColumnJoinsTheLastValueColumn() {
    int[] groups =
        HypothesisTests.mergeSparseColumns(
            new double[] {20, 20, 20, 2, 1}, new double[] {20, 20, 20, 2, 1}, 0.5, true);

    // Value columns 20+20 each stand; the fourth (2+2) is too small and joins the third; the
    // separate fifth (1+1) joins the last value group.
    assertArrayEquals(new int[] {0, 1, 2, 2, 2}, groups);
    int[] large =
        HypothesisTests.mergeSparseColumns(
            new double[] {20, 20, 30}, new double[] {20, 20, 30}, 0.5, true);
    assertArrayEquals(new int[] {0, 1, 2}, large);
  }

  @Test
  void homogeneityHasNothingToTestWithAnEmptySideOrASingleColumn() {
    assertSame(
        HypothesisTests.ChiSquare.NONE,
        HypothesisTests.homogeneity(new long[] {0, 0}, new long[] {3, 4}, false));
    assertSame(
        HypothesisTests.ChiSquare.NONE,
        HypothesisTests.homogeneity(new long[] {50, 0}, new long[] {40, 0}, false));
    assertThrows(
        IllegalArgumentException.class,
        () -> HypothesisTests.homogeneity(new long[] {1, -1}, new long[] {1, 1}, false));
    assertThrows(
        IllegalArgumentException.class,
        () -> HypothesisTests.homogeneity(new long[] {1}, new long[] {1, 1}, false));
  }

  // ---- Fisher's exact test ----

  @Test
  void fisherExactMatchesReferenceValues() {
    assertRelative(0.0042420610877440985, HypothesisTests.fisherExact(12, 138, 30, 120), 1e-9);
    assertRelative(0.48571428571428565, HypothesisTests.fisherExact(3, 1, 1, 3), 1e-12);
    assertRelative(0.02969809196780457, HypothesisTests.fisherExact(0, 150, 6, 144), 1e-9);
    assertRelative(0.003432998136534399, HypothesisTests.fisherExact(120, 4880, 170, 4830), 1e-8);
    assertRelative(0.0027594561852200836, HypothesisTests.fisherExact(1, 9, 11, 3), 1e-9);
  }

  @Test
  void fisherExactIsOneForEqualRatesAndForAnEmptyMargin() {
    assertEquals(1.0, HypothesisTests.fisherExact(5, 145, 5, 145), 1e-12);
    assertEquals(1.0, HypothesisTests.fisherExact(0, 0, 3, 4));
    assertEquals(1.0, HypothesisTests.fisherExact(0, 10, 0, 20));
    assertThrows(IllegalArgumentException.class, () -> HypothesisTests.fisherExact(-1, 1, 1, 1));
  }

  // ---- Holm and effect size ----

  @Test
  void holmMultipliesTheSortedPValuesByTheTestsLeftAndKeepsThemMonotone() {
    // Sorted: 0.005 (x4 = 0.02), 0.01 (x3 = 0.03), 0.03 (x2 = 0.06), 0.04 (x1 = 0.04 -> 0.06).
    double[] adjusted = HypothesisTests.holm(new double[] {0.01, 0.04, 0.03, 0.005, Double.NaN});

    assertEquals(0.03, adjusted[0], 1e-15);
    assertEquals(0.06, adjusted[1], 1e-15);
    assertEquals(0.06, adjusted[2], 1e-15);
    assertEquals(0.02, adjusted[3], 1e-15);
    assertTrue(Double.isNaN(adjusted[4]), "a test not run stays NaN");
    assertArrayEquals(new double[] {1.0, 1.0}, HypothesisTests.holm(new double[] {0.6, 0.9}));
  }

  @Test
  void cohenHWeighsAChangeOfARareRateMoreThanTheSameChangeOfACommonOne() {
    // 2 asin(sqrt(0.16)) - 2 asin(sqrt(0.08)) = 2 (0.411517 - 0.286757) = 0.249521
    assertEquals(0.249521, HypothesisTests.cohenH(0.08, 0.16), 1e-6);
    assertEquals(-0.249521, HypothesisTests.cohenH(0.16, 0.08), 1e-6);
    assertTrue(HypothesisTests.cohenH(0.02, 0.04) > HypothesisTests.cohenH(0.50, 0.52));
  }
}
