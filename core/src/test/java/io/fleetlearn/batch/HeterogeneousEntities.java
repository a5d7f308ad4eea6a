package io.fleetlearn.batch;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.event.SensorEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A census-like table keyed by a categorical column, for checking the served-model choice on data
 * unlike AI4I: one large key, a few medium ones, some tiny. Six features (age, years of education,
 * hours per week, capital gain, two noise columns); the label follows one shared logistic rule,
 * except where a key's own rule differs: {@code "interaction"} has an extra interaction only its
 * rows show (its own model helps), {@code "flipped"} reverses the hours effect, {@code "shifted"}
 * has a different base rate under the shared rule (calibration, not ranking, differs).
 */
final class HeterogeneousEntities {
  static final int DIM = 6;

  /** Rows per key, in key order. */
  static final Map<String, Integer> SIZES = new LinkedHashMap<>();

  static {
    SIZES.put("large", 20_000);
    SIZES.put("interaction", 5_000);
    SIZES.put("shifted", 2_500);
    SIZES.put("medium", 1_500);
    SIZES.put("flipped", 800);
    SIZES.put("small", 400);
    SIZES.put("tiny", 120);
    SIZES.put("tinier", 60);
  }

  private HeterogeneousEntities() {}

  /** One sample per key, every row kept. */
  static Map<String, WindowSample> samples(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<String, WindowSample> out = new LinkedHashMap<>();
    long t = 0;
    for (Map.Entry<String, Integer> e : SIZES.entrySet()) {
      String key = e.getKey();
      WindowSample s = new WindowSample(DIM, e.getValue());
      for (int i = 0; i < e.getValue(); i++) {
        float[] f = new float[DIM];
        double age = 17 + 60 * Math.pow(rnd.nextDouble(), 1.4);
        double edu = Math.max(1, Math.min(16, 10 + 2.6 * gaussian(rnd)));
        double hours = Math.max(1, Math.min(99, 40 + 12 * gaussian(rnd)));
        double gain = rnd.nextDouble() < 0.08 ? Math.exp(7 + 1.5 * gaussian(rnd)) : 0;
        f[0] = (float) age;
        f[1] = (float) Math.round(edu);
        f[2] = (float) Math.round(hours);
        f[3] = (float) gain;
        f[4] = (float) gaussian(rnd);
        f[5] = (float) rnd.nextDouble();
        double logit =
            -2.2
                + 0.05 * (age - 38)
                - 0.0012 * (age - 45) * (age - 45)
                + 0.35 * (edu - 10)
                + 0.035 * (hours - 40)
                + (gain > 5000 ? 2.5 : 0);
        switch (key) {
          case "interaction" -> logit += (f[4] > 0.5 && f[5] > 0.5 ? 2.8 : -0.6);
          case "flipped" -> logit -= 0.09 * (hours - 40);
          case "shifted" -> logit -= 1.2;
          default -> {}
        }
        byte label = (byte) (rnd.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0);
        s.add(new SensorEvent(key.replace('_', '-'), t++ * 1000, f, label));
      }
      out.put(key, s);
    }
    return out;
  }

  private static double gaussian(SplittableRandom rnd) {
    double u = rnd.nextDouble();
    double v = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }
}
