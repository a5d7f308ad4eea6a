package io.fleetlearn.drift;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.training.ClassificationMetrics;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Compares one window's sample with a champion's {@link ReferenceProfile}. Pure and
 * runner-independent: the registry calls it on every window close, labelled or not.
 */
public final class DriftDetector implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<String> features;
  private final DriftThresholds thresholds;

  public DriftDetector(List<String> features, DriftThresholds thresholds) {
    this.features = List.copyOf(features);
    this.thresholds = thresholds;
  }

  public DriftThresholds thresholds() {
    return thresholds;
  }

  /**
   * @param reference the champion's reference, null when the machine has no champion
   * @param championScores the champion's scores of the window's sampled rows, null without one
   * @param championOnWindow the champion's metrics on the window's labelled rows, if computable
   */
  public DriftReport compare(
      String machineId,
      long windowStart,
      long windowEnd,
      long paneIndex,
      long referenceVersion,
      WindowSample window,
      @Nullable ReferenceProfile reference,
      float @Nullable [] championScores,
      @Nullable ClassificationMetrics championOnWindow) {
    int n = window.size();
    double windowRate =
        window.labelled() == 0 ? Double.NaN : DriftMath.rate(window.positives(), window.labelled());
    if (reference == null) {
      return DriftReport.withoutStatistics(
          machineId,
          windowStart,
          windowEnd,
          paneIndex,
          0,
          window.seen(),
          n,
          DriftReport.Status.NO_REFERENCE,
          features,
          windowRate);
    }
    if (n < thresholds.minEvents()) {
      return DriftReport.withoutStatistics(
          machineId,
          windowStart,
          windowEnd,
          paneIndex,
          referenceVersion,
          window.seen(),
          n,
          DriftReport.Status.INSUFFICIENT_DATA,
          features,
          windowRate);
    }
    int d = window.dim();
    double[] psi = new double[d];
    double[] ks = new double[d];
    double[] js = new double[d];
    List<String> drifted = new ArrayList<>();
    List<String> warn = new ArrayList<>();
    for (int j = 0; j < d; j++) {
      float[] col = window.column(j);
      long[] counts = reference.bins(j).histogram(col, n);
      psi[j] = DriftMath.psi(reference.counts(j), counts, thresholds.epsilon());
      js[j] = DriftMath.jensenShannonDistance(reference.counts(j), counts);
      float[] q = reference.quantiles(j);
      ks[j] = DriftMath.ksStatistic(q, q.length, col, n);
      if (psi[j] >= thresholds.psiDrift()) {
        drifted.add(features.get(j));
      } else if (psi[j] >= thresholds.psiWarn()) {
        warn.add(features.get(j));
      }
    }
    double predictionPsi = Double.NaN;
    if (championScores != null) {
      predictionPsi =
          DriftMath.psi(
              reference.scoreCounts(),
              reference.scoreBins().histogram(championScores, n),
              thresholds.epsilon());
    }
    double referenceRate =
        reference.labelled() == 0
            ? Double.NaN
            : DriftMath.rate(reference.positives(), reference.labelled());
    DriftReport.Status status =
        !drifted.isEmpty()
            ? DriftReport.Status.DRIFT
            : !warn.isEmpty() ? DriftReport.Status.WARN : DriftReport.Status.STABLE;
    return new DriftReport(
        machineId,
        windowStart,
        windowEnd,
        paneIndex,
        referenceVersion,
        window.seen(),
        n,
        status,
        features,
        psi,
        ks,
        js,
        referenceRate,
        windowRate,
        predictionPsi,
        championOnWindow,
        drifted,
        warn);
  }
}
