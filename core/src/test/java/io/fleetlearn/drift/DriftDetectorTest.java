package io.fleetlearn.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.event.SensorEvent;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DriftDetectorTest {

  private static final List<String> ONE = List.of("vibration");

  /** n events of one N(shift, 1) feature, labelled defect with probability {@code rate}. */
  private static WindowSample window(long seed, int n, double shift, double rate) {
    SplittableRandom r = new SplittableRandom(seed);
    WindowSample s = new WindowSample(1, n);
    for (int i = 0; i < n; i++) {
      float[] f = {(float) (r.nextGaussian() + shift)};
      s.add(new SensorEvent("m", i, f, (byte) (r.nextDouble() < rate ? 1 : 0)));
    }
    return s;
  }

  private static ReferenceProfile reference(WindowSample s) {
    return ReferenceProfile.of(s, new float[s.size()], new int[0]);
  }

  @Test
  void aLargeShiftIsDriftWithItsEvidenceInTheReport() {
    DriftDetector d = new DriftDetector(ONE, DriftThresholds.defaults());
    WindowSample ref = window(1, 150, 0, 0.08);

    DriftReport r =
        d.compare("m", 0, 1, 0, 1, window(2, 150, 1.0, 0.08), reference(ref), null, null);

    assertEquals(DriftReport.Status.DRIFT, r.status());
    assertEquals(List.of("vibration"), r.driftedFeatures());
    assertTrue(r.adjustedPValue()[0] <= 0.001, r.toString());
    assertTrue(r.pValue()[0] <= r.adjustedPValue()[0]);
    assertEquals(9, r.df()[0]);
    assertTrue(r.statistic()[0] > 27.9, "beyond chi-square(9)'s 0.1 % point: " + r.statistic()[0]);
    DriftReport.Decision decision = r.decision();
    assertNotNull(decision);
    assertEquals(150, decision.n());
    assertEquals(150, decision.m());
    assertEquals(2, decision.tests(), "the feature and the label");
    assertEquals(r.adjustedPValue()[0], r.minAdjustedPValue(), 0.0);
  }

  @Test
  void theSameDistributionIsStable() {
    DriftDetector d = new DriftDetector(ONE, DriftThresholds.defaults());

    DriftReport r =
        d.compare(
            "m",
            0,
            1,
            0,
            1,
            window(4, 150, 0, 0.08),
            reference(window(3, 150, 0, 0.08)),
            null,
            null);

    assertEquals(DriftReport.Status.STABLE, r.status());
    assertTrue(r.adjustedPValue()[0] > 0.01, r.toString());
  }

  @Test
  void aSignificantButTrivialShiftOfAHugeWindowDoesNotAlarm() {
    // 0.1 sd with 50,000 events a side: overwhelming evidence (p far below 1e-10), PSI about 0.01,
    // a tenth of the warn floor.
    DriftDetector d = new DriftDetector(ONE, DriftThresholds.defaults());
    WindowSample ref = window(5, 50_000, 0, 0.08);

    DriftReport r =
        d.compare("m", 0, 1, 0, 1, window(6, 50_000, 0.1, 0.08), reference(ref), null, null);

    assertTrue(r.adjustedPValue()[0] < 1e-10, r.toString());
    assertTrue(r.psi()[0] < DriftThresholds.PSI_WARN, r.toString());
    assertEquals(DriftReport.Status.STABLE, r.status());
  }

  @Test
  void anEffectBetweenTheFloorsIsAWarning() {
    // 0.4 sd with 5,000 a side: PSI about 0.15, between the 0.1 and 0.25 floors, and highly
    // significant.
    DriftDetector d = new DriftDetector(ONE, DriftThresholds.defaults());
    WindowSample ref = window(7, 5_000, 0, 0.08);

    DriftReport r =
        d.compare("m", 0, 1, 0, 1, window(8, 5_000, 0.4, 0.08), reference(ref), null, null);

    assertEquals(DriftReport.Status.WARN, r.status(), r.toString());
    assertEquals(List.of("vibration"), r.warnFeatures());
    assertTrue(r.driftedFeatures().isEmpty());
  }

  @Test
  void aDefectRateThatTriplesIsLabelDriftByFishersExactTest() {
    DriftDetector d = new DriftDetector(ONE, DriftThresholds.defaults());
    WindowSample ref = window(9, 500, 0, 0.05);
    WindowSample now = window(10, 500, 0, 0.15);

    DriftReport r = d.compare("m", 0, 1, 0, 1, now, reference(ref), null, null);

    DriftReport.LabelTest label = r.labelTest();
    assertNotNull(label);
    assertEquals(500, label.n());
    assertEquals(500, label.m());
    double expected =
        HypothesisTests.fisherExact(
            ref.positives(),
            ref.labelled() - ref.positives(),
            now.positives(),
            now.labelled() - now.positives());
    assertEquals(expected, label.pValue(), 1e-12);
    assertTrue(label.h() > DriftThresholds.LABEL_H_DRIFT, "h " + label.h());
    assertEquals(DriftReport.Verdict.DRIFT, label.verdict());
    assertEquals(DriftReport.Status.DRIFT, r.status());
    assertTrue(r.driftedFeatures().isEmpty(), "no feature moved");
  }

  @Test
  void theHolmFamilyAdjustsEveryTestOfTheReport() {
    // Four features, no change: each adjusted p-value is at least its raw one, and the smallest
    // raw one is multiplied by the family size (6: four features, the scores, the label).
    List<String> four = DriftSimulation.FEATURES;
    DriftSimulation sim = new DriftSimulation(DriftThresholds.defaults(), 12);

    DriftReport r = sim.reportOfNewPair(300, 300, 0, 0);

    assertNotNull(r.decision());
    assertEquals(6, r.decision().tests());
    double smallest = 1;
    for (int j = 0; j < four.size(); j++) {
      assertTrue(r.adjustedPValue()[j] >= r.pValue()[j]);
      smallest = Math.min(smallest, r.pValue()[j]);
    }
    smallest = Math.min(smallest, r.predictionTest().pValue());
    smallest = Math.min(smallest, r.labelTest().pValue());
    assertEquals(Math.min(1, 6 * smallest), r.minAdjustedPValue(), 1e-12);
  }

  @Test
  void aReferenceWithoutOutOfSampleScoresHasNoPredictionTest() {
    DriftDetector d = new DriftDetector(ONE, DriftThresholds.defaults());
    WindowSample ref = window(11, 200, 0, 0.0);
    // No holdout and every row labelled: no score the model was not trained on.
    ReferenceProfile p = ReferenceProfile.of(ref, new float[200], new int[0]);
    WindowSample now = window(12, 200, 0, 0.0);

    DriftReport r = d.compare("m", 0, 1, 0, 1, now, p, new float[200], null);

    assertNull(r.predictionTest());
    assertFalse(Double.isNaN(r.predictionPsi()), "PSI is still measured");
  }

  @Test
  void withoutAReferenceOrWithTooFewEventsThereAreNoStatistics() {
    DriftDetector d = new DriftDetector(ONE, DriftThresholds.defaults());
    WindowSample small = window(13, 40, 0, 0.08);

    DriftReport none = d.compare("m", 0, 1, 0, 0, small, null, null, null);
    DriftReport few =
        d.compare("m", 0, 1, 0, 1, small, reference(window(14, 150, 0, 0.08)), null, null);

    assertEquals(DriftReport.Status.NO_REFERENCE, none.status());
    assertEquals(DriftReport.Status.INSUFFICIENT_DATA, few.status());
    assertNull(few.decision());
    assertTrue(Double.isNaN(few.minAdjustedPValue()));
  }
}
