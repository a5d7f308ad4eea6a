package io.fleetlearn.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.drift.DriftDetector;
import io.fleetlearn.drift.DriftReport;
import io.fleetlearn.drift.DriftThresholds;
import io.fleetlearn.drift.ReferenceProfile;
import io.fleetlearn.event.SensorEvent;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UpdateFormatterTest {

  private static WindowSample window(long seed, double shift, double defectRate) {
    Random r = new Random(seed);
    WindowSample s = new WindowSample(2, 1000);
    for (int i = 0; i < 400; i++) {
      float[] f = {(float) r.nextGaussian(), (float) (r.nextGaussian() + shift)};
      s.add(new SensorEvent("press-1", i, f, (byte) (r.nextDouble() < defectRate ? 1 : 0)));
    }
    return s;
  }

  @Test
  void aDriftLineNamesTheShiftedFeatureWithItsAdjustedPValueAndTheDefectRates() {
    WindowSample ref = window(1, 0, 0.05);
    DriftDetector d =
        new DriftDetector(List.of("temperature", "vibration"), DriftThresholds.defaults());
    DriftReport r =
        d.compare(
            "press-1",
            0,
            60_000,
            0,
            2,
            window(2, 1.5, 0.25),
            ReferenceProfile.of(ref, new float[ref.size()], new int[0]),
            null,
            null);

    String line = UpdateFormatter.format(r, false);

    assertEquals(DriftReport.Status.DRIFT, r.status());
    assertTrue(line.contains("vibration PSI "), line);
    assertTrue(line.contains(" p " + UpdateFormatter.pValue(r.adjustedPValue("vibration"))), line);
    assertFalse(line.contains("temperature"), "a stable feature is not listed: " + line);
    assertTrue(line.contains("defect rate "), line);
  }

  @Test
  void pValuesKeepThreeDecimalsDownToAThousandthAndAnExponentBelow() {
    assertEquals("0.042", UpdateFormatter.pValue(0.0423));
    assertEquals("0.001", UpdateFormatter.pValue(0.001));
    assertEquals("3e-07", UpdateFormatter.pValue(3.2e-7));
  }
}
