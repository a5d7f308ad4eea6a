package io.fleetlearn.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.training.ClassificationMetrics;
import org.junit.jupiter.api.Test;

class PromotionPolicyTest {
  private final PromotionPolicy policy = PromotionPolicy.defaults(); // auc, +0.01, decay 0.05

  private static ClassificationMetrics auc(double auc) {
    return ClassificationMetrics.of(auc, 0.5, 0.5, 0.5, 0.5, 0.5);
  }

  private static ClassificationMetrics f1(double f1, double auc) {
    return ClassificationMetrics.of(auc, f1, 0.5, 0.5, 0.5, 0.5);
  }

  @Test
  void firstModelIsPromoted() {
    PromotionPolicy.Decision d = policy.decide(auc(0.55), null, null);
    assertTrue(d.promoted());
    assertEquals(ModelUpdate.Status.PROMOTED, d.status());
    assertEquals("first model: challenger AUC 0.550", d.reason());
  }

  @Test
  void aChallengerBelowTheFloorIsNeverPromoted() {
    PromotionPolicy.Decision first = policy.decide(auc(0.42), null, null);
    assertEquals(ModelUpdate.Status.REJECTED, first.status());
    assertEquals(
        "challenger AUC 0.420 is below the promotion floor 0.5; no champion yet", first.reason());
    // Even when the champion decayed further still.
    PromotionPolicy.Decision decayed = policy.decide(auc(0.45), auc(0.30), auc(0.90));
    assertEquals(ModelUpdate.Status.REJECTED, decayed.status());
    assertTrue(decayed.reason().endsWith("the champion stays"), decayed.reason());
    assertTrue(policy.decide(auc(0.5), null, null).promoted(), "the floor itself is enough");
    assertTrue(
        new PromotionPolicy("auc", 0.01, 0.05, 0).decide(auc(0.42), null, null).promoted(),
        "floor 0: off");
    assertThrows(IllegalArgumentException.class, () -> new PromotionPolicy("auc", 0, 0, 1.5));
  }

  @Test
  void worseChallengerIsRejected() {
    PromotionPolicy.Decision d = policy.decide(auc(0.80), auc(0.90), auc(0.90));
    assertFalse(d.promoted());
    assertEquals(ModelUpdate.Status.REJECTED, d.status());
    assertEquals("challenger AUC 0.800 does not beat champion AUC 0.900 by 0.01", d.reason());
  }

  @Test
  void challengerBetterByLessThanMinImprovementIsRejected() {
    // 0.905 < 0.90 + 0.01; the champion has not decayed (0.90 now, 0.90 at training).
    assertFalse(policy.decide(auc(0.905), auc(0.90), auc(0.90)).promoted());
  }

  @Test
  void challengerBetterByAtLeastMinImprovementIsPromoted() {
    PromotionPolicy.Decision d = policy.decide(auc(0.92), auc(0.90), auc(0.90));
    assertTrue(d.promoted());
    assertEquals("challenger AUC 0.920 > champion AUC 0.900 on the same holdout", d.reason());
  }

  @Test
  void improvementOfExactlyMinImprovementIsEnough() {
    // Binary-exact values so the boundary is exact: 0.75 + 0.125 = 0.875.
    PromotionPolicy p = new PromotionPolicy("auc", 0.125, 0.0);
    assertTrue(p.decide(auc(0.875), auc(0.75), auc(0.75)).promoted());
    assertFalse(p.decide(auc(0.874), auc(0.75), auc(0.75)).promoted());
  }

  @Test
  void decayedChampionIsReplacedByAChallengerThatIsAtLeastAsGood() {
    // Champion scored 0.90 at training, 0.80 now: 0.10 below, beyond the 0.05 tolerance.
    // Challenger 0.805 is not 0.01 better than 0.80 but is >= 0.80: promoted for decay.
    PromotionPolicy.Decision d = policy.decide(auc(0.805), auc(0.80), auc(0.90));
    assertTrue(d.promoted());
    assertTrue(d.reason().startsWith("champion decayed: AUC 0.800 now vs AUC 0.900"), d.reason());
    // An exact tie with the decayed champion is enough too.
    assertTrue(policy.decide(auc(0.80), auc(0.80), auc(0.90)).promoted());
  }

  @Test
  void decayedChampionStaysWhenTheChallengerIsWorseStill() {
    assertFalse(policy.decide(auc(0.79), auc(0.80), auc(0.90)).promoted());
  }

  @Test
  void decayWithinToleranceDoesNotTriggerReplacement() {
    // 0.84 -> 0.80 is a 0.04 drop, within 0.05; challenger 0.805 gains only 0.005.
    assertFalse(policy.decide(auc(0.805), auc(0.80), auc(0.84)).promoted());
  }

  @Test
  void withoutTheChampionsTrainingMetricsOnlyImprovementCounts() {
    assertFalse(policy.decide(auc(0.805), auc(0.80), null).promoted());
    assertTrue(policy.decide(auc(0.85), auc(0.80), null).promoted());
  }

  @Test
  void comparesTheConfiguredMetricOnly() {
    PromotionPolicy byF1 = new PromotionPolicy("f1", 0.01, 0.05);
    // Better F1, much worse AUC: promoted on F1.
    PromotionPolicy.Decision d = byF1.decide(f1(0.70, 0.55), f1(0.60, 0.95), f1(0.60, 0.95));
    assertTrue(d.promoted());
    assertEquals("challenger f1 0.700 > champion f1 0.600 on the same holdout", d.reason());
    // Better AUC, worse F1: rejected.
    assertFalse(byF1.decide(f1(0.50, 0.99), f1(0.60, 0.60), f1(0.60, 0.60)).promoted());
  }

  @Test
  void rejectsUnknownMetricNames() {
    for (String name : new String[] {"bogus", "AUC", "", "log_loss"}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> new PromotionPolicy(name, 0.01, 0.05), name);
      assertTrue(e.getMessage().contains("unknown metric"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> new PromotionPolicy(null, 0.01, 0.05));
  }

  @Test
  void rejectsNegativeMargins() {
    assertThrows(IllegalArgumentException.class, () -> new PromotionPolicy("auc", -0.01, 0.05));
    assertThrows(IllegalArgumentException.class, () -> new PromotionPolicy("auc", 0.01, -1));
  }
}
