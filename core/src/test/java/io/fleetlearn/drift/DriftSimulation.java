package io.fleetlearn.drift;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.event.SensorEvent;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Windows of one simulated machine, for the drift simulations: four independent standard normal
 * features, a defect probability that is a logistic function of them (base rate about 8 %), every
 * event labelled, a fixed "champion" that scores events with that same function, and a holdout of
 * every fifth row. A window can shift the mean of some features by a number of standard deviations;
 * the defect rate and the scores then move as they would on a real machine. Runs the code the
 * registry runs: {@link ReferenceProfile#of} on the reference window, {@link DriftDetector#compare}
 * on the next.
 */
final class DriftSimulation {
  static final List<String> FEATURES = List.of("temperature", "vibration", "pressure", "current");
  private static final double[] WEIGHTS = {0.8, 0.6, -0.5, 0.3};
  private static final double BIAS = -2.9;
  private static final long T0 = 1_800_000_000_000L;

  private final DriftDetector detector;
  private final SplittableRandom random;

  DriftSimulation(DriftThresholds thresholds, long seed) {
    this.detector = new DriftDetector(FEATURES, thresholds);
    this.random = new SplittableRandom(seed);
  }

  /** A fresh reference of m events and one window of n events against it. */
  DriftReport reportOfNewPair(int m, int n, int shiftedFeatures, double shift) {
    return report(reference(m), n, shiftedFeatures, shift);
  }

  ReferenceProfile reference(int m) {
    WindowSample s = window(m, 0, 0);
    return ReferenceProfile.of(s, score(s), holdout(s));
  }

  DriftReport report(ReferenceProfile reference, int n, int shiftedFeatures, double shift) {
    WindowSample w = window(n, shiftedFeatures, shift);
    return detector.compare("m", T0, T0 + 1, 0, 1, w, reference, score(w), null);
  }

  /** n events; the first {@code shiftedFeatures} features' means moved by {@code shift} sd. */
  WindowSample window(int n, int shiftedFeatures, double shift) {
    WindowSample s = new WindowSample(FEATURES.size(), Math.max(1, n));
    for (int i = 0; i < n; i++) {
      float[] f = new float[FEATURES.size()];
      for (int j = 0; j < f.length; j++) {
        f[j] = (float) (random.nextGaussian() + (j < shiftedFeatures ? shift : 0));
      }
      byte label = (byte) (random.nextDouble() < probability(f) ? 1 : 0);
      s.add(new SensorEvent("m", T0 + i, f, label));
    }
    return s;
  }

  private static double probability(float[] f) {
    double z = BIAS;
    for (int j = 0; j < f.length; j++) {
      z += WEIGHTS[j] * f[j];
    }
    return 1 / (1 + Math.exp(-z));
  }

  static float[] score(WindowSample s) {
    float[] scores = new float[s.size()];
    float[] f = new float[s.dim()];
    for (int i = 0; i < s.size(); i++) {
      for (int j = 0; j < f.length; j++) {
        f[j] = s.feature(i, j);
      }
      scores[i] = (float) probability(f);
    }
    return scores;
  }

  /** Every fifth row, as the trainer's 20 % holdout. */
  static int[] holdout(WindowSample s) {
    int[] rows = new int[s.size() / 5];
    for (int k = 0; k < rows.length; k++) {
      rows[k] = 5 * k;
    }
    return rows;
  }
}
