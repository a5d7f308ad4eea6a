package io.fleetlearn.testing;

import io.fleetlearn.event.RawRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Random;

/** Builds sensor-event JSON and raw records for tests. */
public final class TestEvents {
  private TestEvents() {}

  public static String json(String machine, long ts, float[] f, Boolean defect) {
    StringBuilder b = new StringBuilder();
    b.append("{\"machineId\":\"").append(machine).append("\",\"timestamp\":\"");
    b.append(Instant.ofEpochMilli(ts)).append("\",\"features\":{");
    String[] names = {"temperature", "vibration", "pressure", "current"};
    for (int i = 0; i < f.length; i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append('"').append(names[i]).append("\":").append(String.format(Locale.ROOT, "%.4f", f[i]));
    }
    b.append('}');
    if (defect != null) {
      b.append(",\"defect\":").append(defect);
    }
    return b.append('}').toString();
  }

  public static RawRecord raw(String machine, String json, long offset) {
    return new RawRecord(
        machine.getBytes(StandardCharsets.UTF_8),
        json.getBytes(StandardCharsets.UTF_8),
        "sensor-events",
        0,
        offset,
        -1);
  }

  /**
   * A labelled event whose defect depends on vibration (machines with an even index) or on
   * temperature (odd index): learnable per machine, so a model's holdout AUC is well above 0.5.
   */
  public static String learnable(String machine, int machineIndex, long ts, Random rnd) {
    float[] f = {
      (float) (70 + 5 * rnd.nextGaussian()),
      (float) (0.8 + 0.2 * rnd.nextGaussian()),
      (float) (5 + 0.3 * rnd.nextGaussian()),
      (float) (12 + rnd.nextGaussian())
    };
    double z = machineIndex % 2 == 0 ? (f[1] - 0.8) / 0.2 : (f[0] - 70) / 5;
    boolean defect = rnd.nextDouble() < 1 / (1 + Math.exp(-(3 * z - 2.5)));
    return json(machine, ts, f, defect);
  }
}
