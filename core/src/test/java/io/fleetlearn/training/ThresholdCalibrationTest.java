package io.fleetlearn.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Accumulated out-of-sample scores and the thresholds chosen on them. */
class ThresholdCalibrationTest {
  private static final String SHA = "ab".repeat(32);

  /** n rows, a fraction {@code rate} defects, scored by a model of a given separation. */
  private static Object[] rows(long seed, int n, double rate, double separation) {
    Random r = new Random(seed);
    float[] s = new float[n];
    byte[] l = new byte[n];
    for (int i = 0; i < n; i++) {
      l[i] = (byte) (r.nextDouble() < rate ? 1 : 0);
      double logit = -3 + separation * l[i] + r.nextGaussian();
      s[i] = (float) (1 / (1 + Math.exp(-logit)));
    }
    return new Object[] {s, l};
  }

  private static ThresholdCalibration with(ThresholdCalibration c, Object[] rows) {
    float[] s = (float[]) rows[0];
    return c.add(s, (byte[]) rows[1], s.length);
  }

  /** F1 of alerting at threshold t on the rows, or -inf when the floor is not shown. */
  private static double value(float[] s, byte[] l, double t, double floor) {
    ClassificationMetrics m = BinaryMetrics.compute(s, l, s.length, t);
    if (ThresholdChoice.wilsonLower(m.tp(), m.tp() + m.fp()) < floor) {
      return Double.NEGATIVE_INFINITY;
    }
    return m.f1();
  }

  @Test
  void binsAreOrderedAndCoverEveryProbability() {
    assertEquals(0, ThresholdCalibration.bin(0f));
    assertEquals(0, ThresholdCalibration.bin(Float.NaN));
    assertEquals(0, ThresholdCalibration.bin(1e-9f));
    assertEquals(ThresholdCalibration.BINS - 1, ThresholdCalibration.bin(1f));
    assertEquals(ThresholdCalibration.BINS / 2, ThresholdCalibration.bin(0.5f));
    int last = 0;
    for (float p = 0.0001f; p < 1f; p += 0.0001f) {
      int b = ThresholdCalibration.bin(p);
      assertTrue(b >= last, "bins rise with the score at " + p);
      last = b;
    }
  }

  @Test
  void theChosenThresholdIsTheBestCutAtTheBinEdgesOfTheRows() {
    Object[] rows = rows(1, 3000, 0.08, 3.0);
    float[] s = (float[]) rows[0];
    byte[] l = (byte[]) rows[1];
    ThresholdCalibration c = with(ThresholdCalibration.start(SHA, 0), rows);
    double floor = 0.7;
    double t = c.choose(ThresholdObjective.F1, 0.8, 5, floor);
    assertTrue(t > 0 && t < 1, "" + t);
    double chosen = value(s, l, t, floor);
    assertTrue(chosen > 0.3, "F1 " + chosen);
    // No bin edge does better on the same rows (the cut classifies them as the bins do).
    for (int k = 0; k < ThresholdCalibration.BINS; k++) {
      double edge = 1 / (1 + Math.exp(-(ThresholdCalibration.LOGIT_MIN + k * 0.125)));
      assertTrue(value(s, l, edge, floor) <= chosen + 1e-12, "edge " + edge);
    }
    // What the threshold shows on these rows is what the floor asked for.
    ClassificationMetrics m = BinaryMetrics.compute(s, l, s.length, t);
    assertTrue(ThresholdChoice.wilsonLower(m.tp(), m.tp() + m.fp()) >= floor);
  }

  @Test
  void tooFewRowsOfAClassOrAFixedObjectiveChooseNothing() {
    ThresholdCalibration c = with(ThresholdCalibration.start(SHA, 0), rows(2, 40, 0.1, 3));
    assertTrue(c.positives() < ThresholdChoice.MIN_PER_CLASS);
    assertTrue(Double.isNaN(c.choose(ThresholdObjective.F1, 0.8, 5, 0.7)));
    assertFalse(c.due(0.5, 0.7));
    ThresholdCalibration big = with(ThresholdCalibration.start(SHA, 0), rows(3, 1000, 0.1, 3));
    assertTrue(Double.isNaN(big.choose(ThresholdObjective.FIXED, 0.8, 5, 0.7)));
  }

  @Test
  void aModelThatCannotShowTheFloorGetsNoThresholdAndCostMayChooseNoAlerts() {
    // No separation: no cut reaches a precision of 0.7.
    ThresholdCalibration noise = with(ThresholdCalibration.start(SHA, 0), rows(4, 2000, 0.1, 0));
    assertTrue(Double.isNaN(noise.choose(ThresholdObjective.F1, 0.8, 5, 0.7)));
    // A missed defect cheaper than a false alarm: alerting on nothing is best.
    assertEquals(AlertRule.NO_ALERTS, noise.choose(ThresholdObjective.COST, 0.8, 0.01, 0.0), 0);
  }

  @Test
  void dueWhenTheDefectsDoubledOrTheServedThresholdClearlyMissesTheFloor() {
    ThresholdCalibration c = ThresholdCalibration.start(SHA, 30);
    c = with(c, rows(5, 300, 0.1, 3)); // about 30 defects: not yet doubled
    assertTrue(c.positives() < 60, "" + c.positives());
    assertFalse(c.due(0.9, 0.7), "a good threshold with the same evidence stays");
    // A threshold that alerts on nearly everything misses the floor by far: due at once.
    assertTrue(c.due(0.01, 0.7));
    assertFalse(c.due(0.01, 0.0), "without a floor only doubling counts");
    ThresholdCalibration doubled = with(c, rows(6, 600, 0.1, 3));
    assertTrue(doubled.positives() >= 60);
    assertTrue(doubled.due(0.9, 0.7));
    ThresholdCalibration rebased = doubled.rebased();
    assertEquals(doubled.positives(), rebased.basis(), 0);
    assertFalse(rebased.due(0.9, 0.7));
  }

  @Test
  void beyondTheRowCapEveryCountAndTheBasisAreHalved() {
    ThresholdCalibration c = ThresholdCalibration.start(SHA, 100);
    c = with(c, rows(7, 3900, 0.1, 3));
    assertEquals(3900, c.rows(), 1e-3);
    assertEquals(100, c.basis(), 0);
    ThresholdCalibration more = with(c, rows(8, 200, 0.1, 3));
    assertEquals((3900 + 200) / 2.0, more.rows(), 1e-3);
    assertEquals(50, more.basis(), 0);
    assertEquals(2, more.windows());
  }

  @Test
  void unlabelledRowsAreSkippedAndTheModelIsRemembered() {
    ThresholdCalibration c = ThresholdCalibration.start(SHA, 0);
    ThresholdCalibration after = c.add(new float[] {0.2f, 0.9f, 0.5f}, new byte[] {-1, 1, 0}, 3);
    assertEquals(2, after.rows(), 0);
    assertEquals(1, after.positives(), 0);
    assertEquals(1, after.windows());
    assertEquals(0, c.rows(), 0, "immutable");
    assertTrue(after.isOf(SHA));
    assertFalse(after.isOf("cd".repeat(32)));
    assertEquals(0, c.add(new float[] {0.2f}, new byte[] {-1}, 1).windows());
    assertEquals(0, c.addHoldout(new float[] {0.9f}, new byte[] {1}, 1).windows(), "no window");
    assertEquals(1, c.addHoldout(new float[] {0.9f}, new byte[] {1}, 1).positives(), 0);
  }

  @Test
  void theCoderRoundTripsAndRefusesAnotherBinCount() throws Exception {
    ThresholdCalibration c = with(ThresholdCalibration.start(SHA, 12.5), rows(9, 500, 0.1, 3));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ThresholdCalibrationCoder.of().encode(c, out);
    ThresholdCalibration back =
        ThresholdCalibrationCoder.of().decode(new ByteArrayInputStream(out.toByteArray()));
    assertEquals(c, back);
    assertEquals(
        c.choose(ThresholdObjective.F1, 0.8, 5, 0.7),
        back.choose(ThresholdObjective.F1, 0.8, 5, 0.7),
        0);
    byte[] bytes = out.toByteArray();
    // the bin count sits after the sha (2 + 64 bytes), the basis (8) and the windows (4)
    bytes[2 + 64 + 8 + 4 + 1]++;
    assertThrows(
        Exception.class,
        () -> ThresholdCalibrationCoder.of().decode(new ByteArrayInputStream(bytes)));
  }
}
