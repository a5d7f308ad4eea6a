package io.fleetlearn.drift;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QuantileBinsTest {

  private static final float NAN = Float.NaN;

  @Test
  void cutsTenValuesIntoFiveEqualBins() {
    // m = 10, maxBins = 5: cut k is x[ceil(k*10/5) - 1] = x[2k - 1] -> x[1], x[3], x[5], x[7]
    // = 2, 4, 6, 8. Bins (-inf,2], (2,4], (4,6], (6,8], (8,inf) hold two values each.
    float[] values = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

    QuantileBins bins = QuantileBins.fromSample(values, values.length, 5);

    assertArrayEquals(new float[] {2, 4, 6, 8}, bins.edges());
    assertEquals(6, bins.numBins()); // 5 value bins + missing
    assertArrayEquals(new long[] {2, 2, 2, 2, 2, 0}, bins.histogram(values, values.length));
  }

  @Test
  void edgesDoNotDependOnInputOrderAndInputIsNotModified() {
    float[] values = {7, 3, 10, 1, 9, 5, 2, 8, 6, 4};
    float[] before = values.clone();

    QuantileBins bins = QuantileBins.fromSample(values, values.length, 5);

    assertArrayEquals(new float[] {2, 4, 6, 8}, bins.edges());
    assertArrayEquals(before, values);
  }

  @Test
  void nanValuesAreIgnoredForEdgesAndCountedInMissingBin() {
    float[] values = {NAN, 1, 2, 3, NAN, 4, 5, 6, 7, 8, 9, 10, NAN};

    QuantileBins bins = QuantileBins.fromSample(values, values.length, 5);

    assertArrayEquals(new float[] {2, 4, 6, 8}, bins.edges());
    assertArrayEquals(new long[] {2, 2, 2, 2, 2, 3}, bins.histogram(values, values.length));
  }

  @Test
  void binsAreClosedOnTheRight() {
    QuantileBins bins = QuantileBins.ofEdges(new float[] {2, 4, 6, 8});

    assertEquals(0, bins.binOf(Float.NEGATIVE_INFINITY));
    assertEquals(0, bins.binOf(2f));
    assertEquals(1, bins.binOf(Math.nextUp(2f)));
    assertEquals(1, bins.binOf(4f));
    assertEquals(3, bins.binOf(8f));
    assertEquals(4, bins.binOf(Math.nextUp(8f)));
    assertEquals(4, bins.binOf(Float.POSITIVE_INFINITY));
    assertEquals(5, bins.binOf(NAN));
    assertEquals(bins.numBins() - 1, bins.missingBin());
  }

  @Test
  void negativeZeroFallsInTheBinOfAZeroEdge() {
    QuantileBins bins = QuantileBins.ofEdges(new float[] {0f});

    assertEquals(0, bins.binOf(-0.0f));
    assertEquals(0, bins.binOf(0.0f));
    assertEquals(1, bins.binOf(Float.MIN_VALUE));
  }

  @Test
  void constantFeatureGivesSingleValueBin() {
    float[] values = {3, 3, 3, 3, 3, 3};

    QuantileBins bins = QuantileBins.fromSample(values, values.length, 10);

    assertEquals(0, bins.edges().length);
    assertEquals(2, bins.numBins());
    assertEquals(0, bins.binOf(3f));
    assertEquals(0, bins.binOf(-100f));
    assertEquals(0, bins.binOf(100f));
    assertEquals(1, bins.binOf(NAN));
    assertArrayEquals(new long[] {6, 0}, bins.histogram(values, values.length));
  }

  @Test
  void emptyAndAllNaNSamplesGiveSingleValueBin() {
    QuantileBins empty = QuantileBins.fromSample(new float[] {1, 2, 3}, 0, 10);
    QuantileBins allNaN = QuantileBins.fromSample(new float[] {NAN, NAN}, 2, 10);

    assertEquals(2, empty.numBins());
    assertEquals(2, allNaN.numBins());
    assertArrayEquals(new long[] {0, 2}, allNaN.histogram(new float[] {NAN, NAN}, 2));
  }

  @Test
  void tiedCutPointsAreMerged() {
    // m = 10, maxBins = 4: cut indices ceil(2.5)-1 = 2, ceil(5)-1 = 4, ceil(7.5)-1 = 7, all
    // holding 0 -> one edge 0. Bins (-inf,0] = 8 zeros, (0,inf) = {1, 2}.
    float[] values = {0, 0, 0, 0, 0, 0, 0, 0, 1, 2};

    QuantileBins bins = QuantileBins.fromSample(values, values.length, 4);

    assertArrayEquals(new float[] {0}, bins.edges());
    assertArrayEquals(new long[] {8, 2, 0}, bins.histogram(values, values.length));
  }

  @Test
  void moreBinsThanValuesGivesOneBinPerDistinctValue() {
    // m = 4, maxBins = 8: cut indices ceil(k/2)-1 for k = 1..7 -> 0,0,1,1,2,2,3 -> values
    // 1,1,2,2,3,3,4; the maximum 4 is dropped and duplicates merged -> edges 1, 2, 3.
    float[] values = {4, 3, 2, 1};

    QuantileBins bins = QuantileBins.fromSample(values, values.length, 8);

    assertArrayEquals(new float[] {1, 2, 3}, bins.edges());
    assertArrayEquals(new long[] {1, 1, 1, 1, 0}, bins.histogram(values, values.length));
  }

  @Test
  void hugeMaxBinsIsCheap() {
    float[] values = {4, 3, 2, 1};

    QuantileBins bins = QuantileBins.fromSample(values, values.length, Integer.MAX_VALUE);

    assertArrayEquals(new float[] {1, 2, 3}, bins.edges());
  }

  @Test
  void oneMaxBinGivesNoEdges() {
    QuantileBins bins = QuantileBins.fromSample(new float[] {1, 2, 3}, 3, 1);

    assertEquals(0, bins.edges().length);
  }

  @Test
  void onlyFirstNValuesAreUsed() {
    float[] values = {1, 2, 3, 4, 1000, 2000};

    QuantileBins bins = QuantileBins.fromSample(values, 4, 4);

    // Edges from {1,2,3,4} only: 1, 2, 3.
    assertArrayEquals(new float[] {1, 2, 3}, bins.edges());
    assertArrayEquals(new long[] {1, 1, 1, 0, 0}, bins.histogram(values, 3));
  }

  @Test
  void ofEdgesRoundTripsAndEqualsOriginal() {
    QuantileBins original = QuantileBins.fromSample(new float[] {5, 1, 4, 2, 3}, 5, 5);

    QuantileBins restored = QuantileBins.ofEdges(original.edges());

    assertEquals(original, restored);
    assertEquals(original.hashCode(), restored.hashCode());
    assertEquals(original.toString(), restored.toString());
    assertNotEquals(original, QuantileBins.ofEdges(new float[] {1, 2}));
  }

  @Test
  void edgesReturnsDefensiveCopies() {
    float[] source = {1, 2, 3};
    QuantileBins bins = QuantileBins.ofEdges(source);

    source[0] = 100;
    bins.edges()[1] = 100;

    assertArrayEquals(new float[] {1, 2, 3}, bins.edges());
  }

  @Test
  void ofEdgesRejectsUnsortedDuplicateAndNaNEdges() {
    assertThrows(IllegalArgumentException.class, () -> QuantileBins.ofEdges(new float[] {2, 1}));
    assertThrows(IllegalArgumentException.class, () -> QuantileBins.ofEdges(new float[] {1, 1}));
    assertThrows(IllegalArgumentException.class, () -> QuantileBins.ofEdges(new float[] {1, NAN}));
    assertThrows(IllegalArgumentException.class, () -> QuantileBins.ofEdges(null));
  }

  @Test
  void rejectsInvalidArguments() {
    assertThrows(
        IllegalArgumentException.class, () -> QuantileBins.fromSample(new float[] {1}, 1, 0));
    assertThrows(
        IllegalArgumentException.class, () -> QuantileBins.fromSample(new float[] {1}, 2, 5));
    assertThrows(
        IllegalArgumentException.class,
        () -> QuantileBins.ofEdges(new float[] {1}).histogram(new float[] {1}, -1));
  }

  @Test
  void binsFromValuesSortedOnceAreTheBinsFromTheSample() {
    java.util.Random rnd = new java.util.Random(3);
    for (int trial = 0; trial < 200; trial++) {
      int n = rnd.nextInt(300);
      float[] values = new float[n];
      for (int i = 0; i < n; i++) {
        int kind = rnd.nextInt(10);
        values[i] = kind == 0 ? Float.NaN : kind == 1 ? -0.0f : (float) rnd.nextInt(40) / 4;
      }
      float[] copy = values.clone();
      float[] sorted = new float[n];
      int m = QuantileBins.sortedNonNaN(values, n, sorted);
      assertArrayEquals(copy, values, "input untouched");
      for (int i = 1; i < m; i++) {
        assertTrue(sorted[i - 1] <= sorted[i], "ascending");
      }
      for (int bins : new int[] {1, 4, 10}) {
        assertArrayEquals(
            QuantileBins.fromSample(values, n, bins).edges(),
            QuantileBins.fromSorted(sorted, m, bins).edges(),
            "trial " + trial + ", " + bins + " bins");
      }
    }
  }
}
