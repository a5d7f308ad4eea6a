package io.fleetlearn.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Thresholds chosen on small, hand-checked validation sets. */
class ThresholdChoiceTest {
  private static final double TOL = 1e-6;

  // Descending: 0.9+ 0.8+ 0.7- 0.6+ 0.5- 0.4+ 0.3- 0.2- 0.1- 0.05-  (4 defects, 6 not)
  private static final float[] SCORES = {
    0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f, 0.3f, 0.2f, 0.1f, 0.05f
  };
  private static final byte[] LABELS = {1, 1, 0, 1, 0, 1, 0, 0, 0, 0};

  private static double choose(ThresholdObjective o, double target, double cost) {
    // Hand-checked sets are small: 3 rows per class suffice here.
    return ThresholdChoice.choose(SCORES, LABELS, SCORES.length, o, target, cost, 0.0, 3);
  }

  @Test
  void f1PicksTheCutOfHighestF1AndPutsTheThresholdHalfwayToTheNextScore() {
    // Cuts (alert on score >= s): s=0.9 F1 2/5; 0.8 F1 4/6; 0.7 F1 4/7; 0.6 F1 6/8 = 0.75;
    // 0.5 F1 6/9; 0.4 F1 8/10 = 0.8 (best); 0.3 F1 8/11; ... so alert on 0.4 and above.
    double t = choose(ThresholdObjective.F1, 0.8, 5);
    assertEquals((0.4 + 0.3) / 2, t, TOL);
    ClassificationMetrics m = BinaryMetrics.compute(SCORES, LABELS, SCORES.length, t);
    assertEquals(0.8, m.f1(), TOL);
    assertEquals(4, m.tp());
    assertEquals(2, m.fp());
  }

  /**
   * 60 rows scored 1.00, 0.99, ... 0.41: the first 13 defects, then defect and not in turn for 12
   * rows, then non-defects except rows 30 and 40.
   */
  private static float[] ladderScores() {
    float[] s = new float[60];
    for (int i = 0; i < 60; i++) {
      s[i] = 1 - i / 100f;
    }
    return s;
  }

  private static byte[] ladderLabels() {
    byte[] y = new byte[60];
    for (int i = 0; i < 60; i++) {
      y[i] = (byte) (i < 13 || (i < 25 && i % 2 == 0) || i == 30 || i == 40 ? 1 : 0);
    }
    return y;
  }

  @Test
  void precisionTargetTakesTheHighestRecallWhosePrecisionReachesItWithConfidence() {
    // Plain precision stays >= 0.75 down to row 23 (18 of 24). Its 80% lower (Wilson) bound
    // stays >= 0.75 only down to row 18 (16 of 19: 0.842, bound 0.760; row 20, 17 of 21, has
    // bound 0.728): so alert on 0.82 and above.
    double t =
        ThresholdChoice.choose(
            ladderScores(), ladderLabels(), 60, ThresholdObjective.PRECISION, 0.75, 5);
    assertEquals((0.82 + 0.81) / 2, t, 1e-6);
    ClassificationMetrics m = BinaryMetrics.compute(ladderScores(), ladderLabels(), 60, t);
    assertEquals(16, m.tp());
    assertEquals(3, m.fp());
    assertEquals(0.76, ThresholdChoice.wilsonLower(16, 19), 0.001);
  }

  @Test
  void anUnreachablePrecisionChoosesNothingSoTheFallbackServes() {
    // No cut's lower bound reaches 0.95 (the highest, 0.948, is 13 of 13, rows 0-12): rather than
    // alert somewhere the target is not met, no threshold is chosen.
    assertTrue(
        Double.isNaN(
            ThresholdChoice.choose(
                ladderScores(), ladderLabels(), 60, ThresholdObjective.PRECISION, 0.95, 5)));
    // 0.94 is reached by that cut and by no lower one.
    assertEquals(
        (0.88 + 0.87) / 2,
        ThresholdChoice.choose(
            ladderScores(), ladderLabels(), 60, ThresholdObjective.PRECISION, 0.94, 5),
        1e-6);
  }

  @Test
  void aPrecisionFloorKeepsF1FromCutsWhosePrecisionIsNotShownToReachIt() {
    // Without a floor F1 picks its best cut wherever its precision falls; with a floor of 0.75
    // only cuts whose lower (Wilson) bound reaches 0.75 qualify, and F1's best among them is the
    // lowest of them: the 16-of-19 cut at 0.82, as for the precision objective at 0.75.
    double free =
        ThresholdChoice.choose(
            ladderScores(), ladderLabels(), 60, ThresholdObjective.F1, 0.8, 5, 0.0);
    double floored =
        ThresholdChoice.choose(
            ladderScores(), ladderLabels(), 60, ThresholdObjective.F1, 0.8, 5, 0.75);
    assertEquals((0.82 + 0.81) / 2, floored, 1e-6);
    assertTrue(free < floored, "F1 alone alerts lower: " + free);
    ClassificationMetrics m = BinaryMetrics.compute(ladderScores(), ladderLabels(), 60, floored);
    assertTrue(ThresholdChoice.wilsonLower(m.tp(), m.tp() + m.fp()) >= 0.75);
    // A floor no cut reaches: no threshold.
    assertTrue(
        Double.isNaN(
            ThresholdChoice.choose(
                ladderScores(), ladderLabels(), 60, ThresholdObjective.F1, 0.8, 5, 0.95)));
  }

  @Test
  void costWeighsAMissedDefectAgainstFalseAlarms() {
    // Cost = missed * FN + FP. With missed = 1: cut 0.8 costs 2 (FN 2, FP 0), cut 0.6 costs 2
    // (FN 1, FP 1): the higher threshold wins the tie. With missed = 10 the cut at 0.4 (FN 0,
    // FP 2, cost 2) beats the cut at 0.6 (cost 11).
    assertEquals((0.8 + 0.7) / 2, choose(ThresholdObjective.COST, 0.8, 1), TOL);
    assertEquals((0.4 + 0.3) / 2, choose(ThresholdObjective.COST, 0.8, 10), TOL);
  }

  @Test
  void costCanChooseToAlertOnNothing() {
    // Missed defects cost less than the false alarms it would take to catch them.
    float[] s = {0.9f, 0.8f, 0.7f, 0.6f, 0.5f, 0.4f, 0.3f, 0.2f};
    byte[] y = {0, 0, 0, 1, 0, 1, 0, 1};
    double t = ThresholdChoice.choose(s, y, s.length, ThresholdObjective.COST, 0.8, 0.1, 0.0, 3);
    assertTrue(t > s[0], "above every score: " + t);
    ClassificationMetrics m = BinaryMetrics.compute(s, y, s.length, t);
    assertEquals(0, m.tp() + m.fp(), "no alerts");
  }

  @Test
  void tooFewRowsOfAClassChooseNothingAndFixedNeverChooses() {
    // The ladder has 20 defects and 40 others; the first 7 defects alone are too few.
    float[] s = Arrays.copyOf(ladderScores(), 7 + 40);
    byte[] y = new byte[s.length];
    for (int i = 0; i < 7; i++) {
      y[i] = 1;
    }
    assertEquals(7, ThresholdChoice.MIN_PER_CLASS - 1);
    assertTrue(Double.isNaN(ThresholdChoice.choose(s, y, s.length, ThresholdObjective.F1, 0.8, 5)));
    y[8] = 1; // 8 defects: enough
    assertFalse(
        Double.isNaN(ThresholdChoice.choose(s, y, s.length, ThresholdObjective.F1, 0.8, 5)));
    assertTrue(Double.isNaN(choose(ThresholdObjective.FIXED, 0.8, 5)));
  }
}
