package io.fleetlearn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.scoring.DefectPrediction;
import io.fleetlearn.scoring.ModelSource;
import org.junit.jupiter.api.Test;

/** The demo's summary of the live predictions, against hand-counted values. */
class PredictionTallyTest {
  private static DefectPrediction p(
      float probability, double threshold, ModelSource source, int label) {
    return new DefectPrediction("m", 0, probability, threshold, source, 1, (byte) label);
  }

  @Test
  void countsAlertsAtEachPredictionsOwnThresholdAndRanksTheLabelledOnes() {
    PredictionTally t = new PredictionTally();
    t.add(p(0.9f, 0.5, ModelSource.MACHINE, 1)); // alert, defect: tp
    t.add(p(0.3f, 0.2, ModelSource.MACHINE, 0)); // alert at its low threshold: fp
    t.add(p(0.4f, 0.5, ModelSource.MACHINE, 1)); // no alert, defect: fn
    t.add(p(0.1f, 0.5, ModelSource.FLEET, 0)); // tn
    t.add(p(0.2f, 0.5, ModelSource.MACHINE, 0)); // tn
    t.add(p(0.95f, 0.5, ModelSource.FLEET, SensorEvent.UNLABELLED)); // alert, not counted below

    assertEquals(6, t.total());
    assertEquals(3, t.alerts());
    assertEquals(4, t.predictions(ModelSource.MACHINE));
    assertEquals(4.0 / 6, t.machineShare(), 1e-12);
    assertArrayEquals(new long[] {1, 1, 2, 1}, t.confusion());
    assertEquals(0.5, t.alertPrecision(), 1e-12);
    assertEquals(0.5, t.alertRecall(), 1e-12);
    // Defects 0.9 and 0.4 against non-defects 0.3, 0.1, 0.2: 6 of 6 pairs ordered right.
    assertEquals(1.0, t.auc(), 1e-12);
    assertTrue(t.describe().contains("precision 0.500"), t.describe());
  }

  @Test
  void withoutLabelledAlertsThePrecisionIsUnknownNotZero() {
    PredictionTally t = new PredictionTally();
    t.add(p(0.1f, 0.5, ModelSource.MACHINE, 0));
    assertTrue(Double.isNaN(t.alertPrecision()));
    assertTrue(Double.isNaN(t.auc()));
  }
}
