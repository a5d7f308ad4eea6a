package io.fleetlearn.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SplitMix64Test {
  @Test
  void matchesTheReferenceSequence() {
    // The first outputs of Vigna's splitmix64.c seeded with 0.
    SplitMix64 rng = new SplitMix64(0);
    assertEquals(0xE220A8397B1DCDAFL, rng.nextLong());
    assertEquals(0x6E789E6AA1B965F4L, rng.nextLong());
    assertEquals(0x06C45D188009454FL, rng.nextLong());
  }

  @Test
  void drawsBoundedIntsUniformly() {
    SplitMix64 rng = new SplitMix64(1);
    int[] counts = new int[7];
    for (int i = 0; i < 70_000; i++) {
      counts[rng.nextInt(7)]++;
    }
    for (int c : counts) {
      // 10000 expected per bin, std about 93.
      assertTrue(Math.abs(c - 10_000) < 450, "bin count " + c);
    }
  }

  @Test
  void drawsStandardNormals() {
    SplitMix64 rng = new SplitMix64(2);
    int n = 200_000;
    double sum = 0;
    double sumSquares = 0;
    int beyondTwo = 0;
    for (int i = 0; i < n; i++) {
      double g = rng.nextGaussian();
      sum += g;
      sumSquares += g * g;
      if (Math.abs(g) > 2) {
        beyondTwo++;
      }
    }
    assertEquals(0, sum / n, 0.01);
    assertEquals(1, sumSquares / n, 0.02);
    // P(|Z| > 2) = 0.0455 for a normal, 0 for e.g. a uniform of unit variance.
    assertEquals(0.0455, beyondTwo / (double) n, 0.003);
  }
}
