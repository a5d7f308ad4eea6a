package io.fleetlearn.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AlertRuleTest {
  @Test
  void aScoreAtOrAboveTheThresholdAlerts() {
    assertTrue(AlertRule.alerts(0.9, 0.9));
    assertTrue(AlertRule.alerts(0.95, 0.9));
    assertFalse(AlertRule.alerts(0.89, 0.9));
  }

  @Test
  void aThresholdOfOneNeverAlertsEvenOnAProbabilityThatRoundedToOne() {
    assertFalse(AlertRule.alerts(1.0f, AlertRule.NO_ALERTS));
    assertFalse(AlertRule.alerts(1.0, 1.5));
  }

  @Test
  void metricsAtThresholdOneCountNoAlert() {
    // The metrics follow the rule: a model that alerts on nothing has no true or false positives.
    ClassificationMetrics m =
        BinaryMetrics.compute(new float[] {1.0f, 1.0f, 0.2f}, new byte[] {1, 0, 0}, 3, 1.0);
    assertEquals(0, m.tp());
    assertEquals(0, m.fp());
    assertEquals(1, m.fn());
    assertEquals(2, m.tn());
  }
}
