package io.fleetlearn.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {

  private final ClassificationMetrics metrics =
      ClassificationMetrics.of(0.9, 0.8, 0.7, 0.6, 0.5, 0.4);

  @Test
  void getReturnsMetricByName() {
    assertEquals(0.9, metrics.get("auc"), 0.0);
    assertEquals(0.8, metrics.get("f1"), 0.0);
    assertEquals(0.7, metrics.get("precision"), 0.0);
    assertEquals(0.6, metrics.get("recall"), 0.0);
    assertEquals(0.5, metrics.get("accuracy"), 0.0);
    assertEquals(0.4, metrics.get("logLoss"), 0.0);
  }

  @Test
  void getRejectsUnknownName() {
    assertThrows(IllegalArgumentException.class, () -> metrics.get("AUC"));
    assertThrows(IllegalArgumentException.class, () -> metrics.get("log_loss"));
    assertThrows(IllegalArgumentException.class, () -> metrics.get(null));
  }

  @Test
  void accessorsReturnFactoryArgumentsInOrder() {
    assertEquals(0.9, metrics.auc(), 0.0);
    assertEquals(0.8, metrics.f1(), 0.0);
    assertEquals(0.7, metrics.precision(), 0.0);
    assertEquals(0.6, metrics.recall(), 0.0);
    assertEquals(0.5, metrics.accuracy(), 0.0);
    assertEquals(0.4, metrics.logLoss(), 0.0);
  }

  @Test
  void equalValuesAreEqualAndHashAlike() {
    ClassificationMetrics same = ClassificationMetrics.of(0.9, 0.8, 0.7, 0.6, 0.5, 0.4);

    assertEquals(metrics, same);
    assertEquals(metrics.hashCode(), same.hashCode());
  }

  @Test
  void valuesDifferingInAnyMetricAreNotEqual() {
    assertNotEquals(metrics, ClassificationMetrics.of(0.1, 0.8, 0.7, 0.6, 0.5, 0.4));
    assertNotEquals(metrics, ClassificationMetrics.of(0.9, 0.1, 0.7, 0.6, 0.5, 0.4));
    assertNotEquals(metrics, ClassificationMetrics.of(0.9, 0.8, 0.1, 0.6, 0.5, 0.4));
    assertNotEquals(metrics, ClassificationMetrics.of(0.9, 0.8, 0.7, 0.1, 0.5, 0.4));
    assertNotEquals(metrics, ClassificationMetrics.of(0.9, 0.8, 0.7, 0.6, 0.1, 0.4));
    assertNotEquals(metrics, ClassificationMetrics.of(0.9, 0.8, 0.7, 0.6, 0.5, 0.1));
  }

  @Test
  void toStringNamesEveryMetric() {
    String s = metrics.toString();

    for (String part :
        new String[] {
          "auc=0.9", "f1=0.8", "precision=0.7", "recall=0.6", "accuracy=0.5", "logLoss=0.4"
        }) {
      assertTrue(s.contains(part), s);
    }
  }

  @Test
  void factoryRejectsNaNAndOutOfRangeValues() {
    assertThrows(
        IllegalArgumentException.class, () -> ClassificationMetrics.of(Double.NaN, 0, 0, 0, 0, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> ClassificationMetrics.of(0.5, 0, 0, 0, 0, Double.NaN));
    assertThrows(
        IllegalArgumentException.class, () -> ClassificationMetrics.of(1.5, 0, 0, 0, 0, 0));
    assertThrows(
        IllegalArgumentException.class, () -> ClassificationMetrics.of(0.5, 0, 0, -0.1, 0, 0));
    assertThrows(
        IllegalArgumentException.class, () -> ClassificationMetrics.of(0.5, 0, 0, 0, 0, -1));
    assertThrows(
        IllegalArgumentException.class,
        () -> ClassificationMetrics.of(0.5, 0, 0, 0, 0, Double.POSITIVE_INFINITY));
  }
}
