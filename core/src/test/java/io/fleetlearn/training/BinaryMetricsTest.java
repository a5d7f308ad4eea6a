package io.fleetlearn.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BinaryMetricsTest {

  private static final double TOL = 1e-12;

  @Test
  void aucCountsTiesAsHalf() {
    // Positives: 0.9, 0.7, 0.4. Negatives: 0.8, 0.7, 0.2. The 9 (pos, neg) pairs:
    //   0.9 beats 0.8, 0.7, 0.2                -> 3
    //   0.7 loses to 0.8, ties 0.7, beats 0.2  -> 0 + 0.5 + 1 = 1.5
    //   0.4 loses to 0.8 and 0.7, beats 0.2    -> 1
    // U = 5.5, AUC = 5.5 / 9 = 11/18. Cross-check with ranks (ascending, ties averaged):
    //   0.2->1, 0.4->2, 0.7,0.7->3.5 each, 0.8->5, 0.9->6; positive rank sum = 2 + 3.5 + 6 = 11.5;
    //   U = 11.5 - 3*4/2 = 5.5.
    // Counting the tie as 0 or 1 would give 5/9 or 6/9 instead.
    float[] scores = {0.9f, 0.8f, 0.7f, 0.7f, 0.4f, 0.2f};
    byte[] labels = {1, 0, 1, 0, 1, 0};

    assertEquals(11.0 / 18.0, BinaryMetrics.compute(scores, labels, 6, 0.5).auc(), TOL);
  }

  @Test
  void aucDoesNotDependOnInputOrder() {
    // Same 6 points as aucCountsTiesAsHalf, shuffled, with the tied pair's labels swapped in order.
    float[] scores = {0.7f, 0.2f, 0.9f, 0.4f, 0.7f, 0.8f};
    byte[] labels = {0, 0, 1, 1, 1, 0};

    assertEquals(11.0 / 18.0, BinaryMetrics.compute(scores, labels, 6, 0.5).auc(), TOL);
  }

  @Test
  void aucIsOneForPerfectRankingAndZeroForReversedRanking() {
    float[] scores = {0.1f, 0.2f, 0.8f, 0.9f};

    assertEquals(1.0, BinaryMetrics.compute(scores, new byte[] {0, 0, 1, 1}, 4, 0.5).auc(), TOL);
    assertEquals(0.0, BinaryMetrics.compute(scores, new byte[] {1, 1, 0, 0}, 4, 0.5).auc(), TOL);
  }

  @Test
  void aucOrdersNegativeZeroAndPositiveZeroAsTies() {
    // -0.0f == 0.0f, so the pair is a tie (AUC 0.5); a bit-pattern sort that kept -0.0f below 0.0f
    // would report 1.0.
    float[] scores = {-0.0f, 0.0f};
    byte[] labels = {0, 1};

    assertEquals(0.5, BinaryMetrics.compute(scores, labels, 2, 0.5).auc(), TOL);
  }

  @Test
  void aucEqualsPairwiseCountAndRocTrapezoidOnRandomTiedScores() {
    Random random = new Random(7);
    for (int round = 0; round < 50; round++) {
      int n = 2 + random.nextInt(200);
      float[] scores = new float[n];
      byte[] labels = new byte[n];
      for (int i = 0; i < n; i++) {
        // One decimal place forces many ties.
        scores[i] = Math.round(random.nextFloat() * 10f) / 10f;
        labels[i] = (byte) (random.nextInt(3) == 0 ? 1 : 0);
      }
      labels[0] = 1;
      labels[1] = 0;

      double auc = BinaryMetrics.compute(scores, labels, n, 0.5).auc();

      assertEquals(pairwiseAuc(scores, labels, n), auc, 1e-12, "round " + round);
      assertEquals(trapezoidAuc(scores, labels, n), auc, 1e-12, "round " + round);
    }
  }

  @Test
  void aucIsHalfWhenLabelsHoldOnlyOneClass() {
    float[] scores = {0.1f, 0.7f, 0.9f};

    assertEquals(0.5, BinaryMetrics.compute(scores, new byte[] {1, 1, 1}, 3, 0.5).auc(), TOL);
    assertEquals(0.5, BinaryMetrics.compute(scores, new byte[] {0, 0, 0}, 3, 0.5).auc(), TOL);
  }

  @Test
  void thresholdMetricsMatchHandComputedConfusionMatrix() {
    // Threshold 0.5, predicted positive iff score >= 0.5.
    //   positives 0.9, 0.8, 0.6 -> TP = 3;   positive 0.3 -> FN = 1
    //   negatives 0.7, 0.5 -> FP = 2;        negatives 0.4, 0.2, 0.1, 0.05 -> TN = 4
    // precision = 3/5 = 0.6, recall = 3/4 = 0.75,
    // F1 = 2*0.6*0.75 / (0.6+0.75) = 0.9/1.35 = 2/3 (= 2TP/(2TP+FP+FN) = 6/9),
    // accuracy = (3+4)/10 = 0.7.
    float[] scores = {0.9f, 0.8f, 0.6f, 0.3f, 0.7f, 0.5f, 0.4f, 0.2f, 0.1f, 0.05f};
    byte[] labels = {1, 1, 1, 1, 0, 0, 0, 0, 0, 0};

    ClassificationMetrics m = BinaryMetrics.compute(scores, labels, 10, 0.5);

    assertEquals(0.6, m.precision(), TOL);
    assertEquals(0.75, m.recall(), TOL);
    assertEquals(2.0 / 3.0, m.f1(), TOL);
    assertEquals(0.7, m.accuracy(), TOL);
    assertTrue(m.hasCounts());
    assertEquals(0.5, m.threshold(), 0.0);
    assertEquals(3, m.tp());
    assertEquals(2, m.fp());
    assertEquals(4, m.tn());
    assertEquals(1, m.fn());
  }

  @Test
  void confusionCountsFollowTheThresholdTheyWereCountedAt() {
    // Same rows at threshold 0.75: positives 0.9, 0.8 -> TP = 2; 0.6, 0.3 -> FN = 2;
    // no negative reaches 0.75 -> FP = 0, TN = 6.
    float[] scores = {0.9f, 0.8f, 0.6f, 0.3f, 0.7f, 0.5f, 0.4f, 0.2f, 0.1f, 0.05f};
    byte[] labels = {1, 1, 1, 1, 0, 0, 0, 0, 0, 0};

    ClassificationMetrics m = BinaryMetrics.compute(scores, labels, 10, 0.75);

    assertEquals(0.75, m.threshold(), 0.0);
    assertEquals(List.of(2L, 0L, 6L, 2L), List.of(m.tp(), m.fp(), m.tn(), m.fn()));
    assertEquals(1.0, m.precision(), TOL);
    assertEquals(0.5, m.recall(), TOL);
  }

  @Test
  void scoreEqualToThresholdIsPredictedPositive() {
    // Only the negative scored exactly 0.5 is predicted positive: TP = 1, FP = 1 -> precision 0.5.
    // With a strict '>' it would be TP = 1, FP = 0 -> precision 1.
    float[] scores = {0.9f, 0.5f, 0.1f};
    byte[] labels = {1, 0, 0};

    assertEquals(0.5, BinaryMetrics.compute(scores, labels, 3, 0.5).precision(), TOL);
  }

  @Test
  void logLossIsMeanNaturalLogLossOfThreePoints() {
    // (-ln 0.8 - ln(1-0.4) - ln(1-0.1)) / 3 = ln(1 / (0.8*0.6*0.9)) / 3 = ln(1/0.432) / 3
    //   = 0.83932969... / 3 = 0.27977656...
    float[] scores = {0.8f, 0.4f, 0.1f};
    byte[] labels = {1, 0, 0};

    assertEquals(0.2797765636, BinaryMetrics.compute(scores, labels, 3, 0.5).logLoss(), 1e-7);
  }

  @Test
  void logLossClipsCertainMistakesToFiniteValue() {
    // Each point is a certain mistake: the clipped probability of the true class is 1e-15,
    // so the loss per point is -ln(1e-15) = 15 ln 10 = 34.5387763949...
    float[] scores = {1.0f, 0.0f};
    byte[] labels = {0, 1};

    double logLoss = BinaryMetrics.compute(scores, labels, 2, 0.5).logLoss();

    assertEquals(15 * Math.log(10), logLoss, 1e-6);
  }

  @Test
  void logLossIsNearZeroForCertainCorrectPredictions() {
    // Clipping also bounds the loss of a correct certain prediction away from 0: -ln(1 - 1e-15).
    float[] scores = {1.0f, 0.0f};
    byte[] labels = {1, 0};

    double logLoss = BinaryMetrics.compute(scores, labels, 2, 0.5).logLoss();

    assertEquals(1e-15, logLoss, 1e-16);
  }

  @Test
  void entriesBeyondNAreIgnored() {
    // Index 3 holds a NaN score and an invalid label, which would throw if read; it would also
    // change every metric.
    float[] scores = {0.9f, 0.2f, 0.6f, Float.NaN};
    byte[] labels = {1, 0, 0, 7};

    ClassificationMetrics m = BinaryMetrics.compute(scores, labels, 3, 0.5);

    // TP = 1, FP = 1 (0.6), TN = 1; AUC: positive 0.9 beats both negatives -> 1.
    assertEquals(1.0, m.auc(), TOL);
    assertEquals(0.5, m.precision(), TOL);
    assertEquals(2.0 / 3.0, m.accuracy(), TOL);
  }

  @Test
  void noPredictedPositivesGivesZeroPrecisionAndF1() {
    float[] scores = {0.1f, 0.2f, 0.3f};
    byte[] labels = {1, 0, 1};

    ClassificationMetrics m = BinaryMetrics.compute(scores, labels, 3, 0.5);

    assertEquals(0.0, m.precision(), 0.0);
    assertEquals(0.0, m.recall(), 0.0);
    assertEquals(0.0, m.f1(), 0.0);
    assertEquals(1.0 / 3.0, m.accuracy(), TOL);
  }

  @Test
  void noPositiveLabelsGivesZeroRecallAndHalfAuc() {
    float[] scores = {0.9f, 0.2f};
    byte[] labels = {0, 0};

    ClassificationMetrics m = BinaryMetrics.compute(scores, labels, 2, 0.5);

    assertEquals(0.0, m.recall(), 0.0);
    assertEquals(0.0, m.precision(), 0.0); // one predicted positive, zero true positives
    assertEquals(0.0, m.f1(), 0.0);
    assertEquals(0.5, m.auc(), 0.0);
    assertEquals(0.5, m.accuracy(), TOL);
  }

  @Test
  void emptyInputGivesDocumentedDefaultsWithoutNaN() {
    ClassificationMetrics m = BinaryMetrics.compute(new float[0], new byte[0], 0, 0.5);

    assertEquals(ClassificationMetrics.of(0.5, 0, 0, 0, 0, 0).withCounts(0.5, 0, 0, 0, 0), m);
  }

  @Test
  void degenerateInputsNeverProduceNaN() {
    float[][] scoreSets = {{}, {0.5f}, {0f, 0f, 0f}, {1f, 1f}, {0.3f, 0.3f, 0.3f, 0.3f}};
    for (float[] scores : scoreSets) {
      for (int labelPattern = 0; labelPattern < (1 << scores.length); labelPattern++) {
        byte[] labels = new byte[scores.length];
        for (int i = 0; i < labels.length; i++) {
          labels[i] = (byte) ((labelPattern >> i) & 1);
        }
        for (double threshold : new double[] {0.0, 0.5, 1.0, Double.POSITIVE_INFINITY}) {
          ClassificationMetrics m = BinaryMetrics.compute(scores, labels, scores.length, threshold);
          String ctx = Arrays.toString(scores) + Arrays.toString(labels) + " t=" + threshold;
          assertFalse(Double.isNaN(m.auc()), ctx);
          assertFalse(Double.isNaN(m.f1()), ctx);
          assertFalse(Double.isNaN(m.precision()), ctx);
          assertFalse(Double.isNaN(m.recall()), ctx);
          assertFalse(Double.isNaN(m.accuracy()), ctx);
          assertFalse(Double.isNaN(m.logLoss()), ctx);
        }
      }
    }
  }

  @Test
  void rejectsInvalidArguments() {
    float[] scores = {0.1f, 0.9f};
    byte[] labels = {0, 1};

    assertThrows(
        IllegalArgumentException.class, () -> BinaryMetrics.compute(scores, labels, 3, 0.5));
    assertThrows(
        IllegalArgumentException.class, () -> BinaryMetrics.compute(scores, labels, -1, 0.5));
    assertThrows(
        IllegalArgumentException.class, () -> BinaryMetrics.compute(scores, labels, 2, Double.NaN));
    assertThrows(
        IllegalArgumentException.class,
        () -> BinaryMetrics.compute(new float[] {0.1f, 0.2f}, new byte[] {0, 2}, 2, 0.5));
    assertThrows(
        IllegalArgumentException.class,
        () -> BinaryMetrics.compute(new float[] {Float.NaN}, new byte[] {1}, 1, 0.5));
  }

  /** Oracle: fraction of (positive, negative) pairs ranked correctly, ties counting half. */
  private static double pairwiseAuc(float[] scores, byte[] labels, int n) {
    double wins = 0;
    long pairs = 0;
    for (int i = 0; i < n; i++) {
      if (labels[i] != 1) {
        continue;
      }
      for (int j = 0; j < n; j++) {
        if (labels[j] != 0) {
          continue;
        }
        pairs++;
        if (scores[i] > scores[j]) {
          wins += 1;
        } else if (scores[i] == scores[j]) {
          wins += 0.5;
        }
      }
    }
    return wins / pairs;
  }

  /** Oracle: area under the ROC curve, one trapezoid per distinct score, highest score first. */
  private static double trapezoidAuc(float[] scores, byte[] labels, int n) {
    float[] distinct = Arrays.copyOf(scores, n);
    Arrays.sort(distinct);
    long positives = 0;
    for (int i = 0; i < n; i++) {
      positives += labels[i];
    }
    long negatives = n - positives;
    double area = 0;
    double prevTpr = 0;
    double prevFpr = 0;
    for (int k = n - 1; k >= 0; k--) {
      if (k < n - 1 && distinct[k] == distinct[k + 1]) {
        continue;
      }
      long tp = 0;
      long fp = 0;
      for (int i = 0; i < n; i++) {
        if (scores[i] >= distinct[k]) {
          if (labels[i] == 1) {
            tp++;
          } else {
            fp++;
          }
        }
      }
      double tpr = (double) tp / positives;
      double fpr = (double) fp / negatives;
      area += (fpr - prevFpr) * (tpr + prevTpr) / 2;
      prevTpr = tpr;
      prevFpr = fpr;
    }
    return area;
  }
}
