package io.fleetlearn.cli;

import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.scoring.DefectPrediction;
import io.fleetlearn.scoring.ModelSource;
import io.fleetlearn.training.BinaryMetrics;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the demo's predictions show about the live models: how many each model source scored, how
 * well the predictions rank the labelled events (AUC), and how good the alerts are at the
 * thresholds they were raised at (precision and recall over labelled events). Keeps the scores of
 * up to {@link #MAX_RANKED} labelled predictions for the AUC; counts all of them. Not thread-safe.
 */
final class PredictionTally {
  static final int MAX_RANKED = 2_000_000;

  private final Map<ModelSource, long[]> bySource = new EnumMap<>(ModelSource.class);
  private float[] scores = new float[1024];
  private byte[] labels = new byte[1024];
  private int ranked;
  private long total;
  private long alerts;
  private long tp;
  private long fp;
  private long fn;
  private long tn;

  // Per source: predictions, alerts.
  void add(DefectPrediction d) {
    long[] c = bySource.computeIfAbsent(d.source(), s -> new long[2]);
    c[0]++;
    total++;
    boolean alert = d.alert();
    if (alert) {
      c[1]++;
      alerts++;
    }
    byte y = d.label();
    if (y == SensorEvent.UNLABELLED) {
      return;
    }
    if (y == 1) {
      if (alert) {
        tp++;
      } else {
        fn++;
      }
    } else if (alert) {
      fp++;
    } else {
      tn++;
    }
    if (ranked < MAX_RANKED) {
      if (ranked == scores.length) {
        scores = Arrays.copyOf(scores, ranked * 2);
        labels = Arrays.copyOf(labels, ranked * 2);
      }
      scores[ranked] = d.probability();
      labels[ranked++] = y;
    }
  }

  long total() {
    return total;
  }

  long alerts() {
    return alerts;
  }

  long predictions(ModelSource s) {
    long[] c = bySource.get(s);
    return c == null ? 0 : c[0];
  }

  /** Share of predictions made by machines' own champions; NaN before any. */
  double machineShare() {
    return total == 0 ? Double.NaN : (double) predictions(ModelSource.MACHINE) / total;
  }

  /** AUC of the labelled predictions' probabilities; NaN without both classes. */
  double auc() {
    long positives = tp + fn;
    long negatives = fp + tn;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return BinaryMetrics.compute(scores, labels, ranked, 0.5).auc();
  }

  /** Labelled alerts that were defects; NaN without labelled alerts. */
  double alertPrecision() {
    return tp + fp == 0 ? Double.NaN : (double) tp / (tp + fp);
  }

  /** Labelled defects that raised an alert; NaN without labelled defects. */
  double alertRecall() {
    return tp + fn == 0 ? Double.NaN : (double) tp / (tp + fn);
  }

  /** {tp, fp, tn, fn} over the labelled predictions, each at its model's threshold. */
  long[] confusion() {
    return new long[] {tp, fp, tn, fn};
  }

  /** One paragraph for the demo's summary. */
  String describe() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "Predictions: %d", total));
    for (Map.Entry<ModelSource, long[]> e : bySource.entrySet()) {
      b.append(
          String.format(
              Locale.ROOT,
              ", %s %d (%.0f%%, %d alerts)",
              e.getKey() == ModelSource.MACHINE ? "by machines' champions" : "by the fleet model",
              e.getValue()[0],
              100.0 * e.getValue()[0] / total,
              e.getValue()[1]));
    }
    b.append(
        String.format(
            Locale.ROOT,
            ".%nOn labelled events: AUC %.3f; alerts at the models' own thresholds: precision %.3f,"
                + " recall %.3f (tp %d, fp %d, tn %d, fn %d).",
            auc(),
            alertPrecision(),
            alertRecall(),
            tp,
            fp,
            tn,
            fn));
    return b.toString();
  }
}
