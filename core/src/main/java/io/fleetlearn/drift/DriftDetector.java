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
 *
 * <p>Per feature it measures PSI, KS and Jensen-Shannon distance and runs the chi-square test of
 * {@link TwoSampleChiSquare}; it runs the same test on the champion's scores (against its scores of
 * the rows it was not trained on) and Fisher's exact test on the defect rate; it adjusts the
 * p-values of all these tests together with Holm's method and applies {@link DriftThresholds}: a
 * test makes a DRIFT (WARN) when its adjusted p-value is at most alphaDrift (alphaWarn) and its
 * effect (PSI, or Cohen's h for the label) is at least the drift (warn) floor.
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
    double[] statistic = new double[d];
    int[] df = new int[d];
    double[] p = new double[d];
    // The Holm family: the features, then the scores, then the label; NaN = no test.
    double[] family = new double[d + 2];
    float[] sorted = new float[n];
    for (int j = 0; j < d; j++) {
      float[] col = window.column(j);
      // One sort of the column serves the KS statistic and the chi-square test's bins.
      int values = QuantileBins.sortedNonNaN(col, n, sorted);
      QuantileBins bins = reference.bins(j);
      long[] counts = bins.histogram(col, n);
      psi[j] = DriftMath.psi(reference.counts(j), counts, thresholds.epsilon());
      js[j] = DriftMath.jensenShannonDistance(reference.counts(j), counts);
      float[] q = reference.quantiles(j);
      ks[j] = DriftMath.ksStatisticOfSorted(q, q.length, sorted, values);
      long missing = reference.counts(j)[bins.missingBin()];
      HypothesisTests.ChiSquare t =
          TwoSampleChiSquare.test(q, reference.rows() - missing, missing, col, n, sorted, values);
      statistic[j] = t.statistic();
      df[j] = t.df();
      p[j] = t.pValue();
      // A feature with nothing to test (one column) is no hypothesis: it costs the others nothing.
      family[j] = t.df() > 0 ? t.pValue() : Double.NaN;
    }
    double predictionPsi = Double.NaN;
    HypothesisTests.ChiSquare scoreTest = null;
    long scoreReference = 0;
    family[d] = Double.NaN;
    if (championScores != null) {
      QuantileBins sb = reference.scoreBins();
      predictionPsi =
          DriftMath.psi(
              reference.scoreCounts(), sb.histogram(championScores, n), thresholds.epsilon());
      float[] sq = reference.scoreQuantiles();
      if (sq.length > 0) {
        long missing = reference.scoreCounts()[sb.missingBin()];
        scoreReference = reference.scoreRows();
        scoreTest =
            TwoSampleChiSquare.test(sq, scoreReference - missing, missing, championScores, n);
        family[d] = scoreTest.df() > 0 ? scoreTest.pValue() : Double.NaN;
      }
    }
    double referenceRate =
        reference.labelled() == 0
            ? Double.NaN
            : DriftMath.rate(reference.positives(), reference.labelled());
    double labelP = Double.NaN;
    if (reference.labelled() > 0 && window.labelled() > 0) {
      labelP =
          HypothesisTests.fisherExact(
              reference.positives(),
              reference.labelled() - reference.positives(),
              window.positives(),
              window.labelled() - window.positives());
    }
    family[d + 1] = labelP;
    double[] adjusted = HypothesisTests.holm(family);
    int tests = 0;
    for (double v : family) {
      if (!Double.isNaN(v)) {
        tests++;
      }
    }
    List<String> drifted = new ArrayList<>();
    List<String> warn = new ArrayList<>();
    double[] featureAdjusted = new double[d];
    DriftReport.Verdict worst = DriftReport.Verdict.STABLE;
    for (int j = 0; j < d; j++) {
      featureAdjusted[j] = Double.isNaN(adjusted[j]) ? 1.0 : adjusted[j];
      DriftReport.Verdict v =
          verdict(featureAdjusted[j], psi[j], thresholds.psiWarn(), thresholds.psiDrift());
      if (v == DriftReport.Verdict.DRIFT) {
        drifted.add(features.get(j));
      } else if (v == DriftReport.Verdict.WARN) {
        warn.add(features.get(j));
      }
      worst = worse(worst, v);
    }
    DriftReport.PredictionTest predictionTest = null;
    if (scoreTest != null) {
      double a = Double.isNaN(adjusted[d]) ? 1.0 : adjusted[d];
      DriftReport.Verdict v =
          verdict(a, predictionPsi, thresholds.psiWarn(), thresholds.psiDrift());
      predictionTest =
          new DriftReport.PredictionTest(
              n, scoreReference, scoreTest.statistic(), scoreTest.df(), scoreTest.pValue(), a, v);
      worst = worse(worst, v);
    }
    DriftReport.LabelTest labelTest = null;
    if (!Double.isNaN(labelP)) {
      double h = HypothesisTests.cohenH(referenceRate, windowRate);
      DriftReport.Verdict v =
          verdict(adjusted[d + 1], Math.abs(h), thresholds.labelHWarn(), thresholds.labelHDrift());
      labelTest =
          new DriftReport.LabelTest(
              window.labelled(), reference.labelled(), labelP, adjusted[d + 1], h, v);
      worst = worse(worst, v);
    }
    DriftReport.Status status =
        worst == DriftReport.Verdict.DRIFT
            ? DriftReport.Status.DRIFT
            : worst == DriftReport.Verdict.WARN
                ? DriftReport.Status.WARN
                : DriftReport.Status.STABLE;
    DriftReport.Decision decision =
        new DriftReport.Decision(
            DriftReport.Decision.CHI_SQUARE,
            DriftReport.Decision.FISHER,
            DriftReport.Decision.HOLM,
            tests,
            n,
            reference.rows(),
            thresholds.alphaWarn(),
            thresholds.alphaDrift(),
            thresholds.psiWarn(),
            thresholds.psiDrift(),
            thresholds.labelHWarn(),
            thresholds.labelHDrift());
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
        statistic,
        df,
        p,
        featureAdjusted,
        referenceRate,
        windowRate,
        predictionPsi,
        predictionTest,
        labelTest,
        decision,
        championOnWindow,
        drifted,
        warn);
  }

  private DriftReport.Verdict verdict(
      double adjustedP, double effect, double warnFloor, double driftFloor) {
    if (adjustedP <= thresholds.alphaDrift() && effect >= driftFloor) {
      return DriftReport.Verdict.DRIFT;
    }
    if (adjustedP <= thresholds.alphaWarn() && effect >= warnFloor) {
      return DriftReport.Verdict.WARN;
    }
    return DriftReport.Verdict.STABLE;
  }

  private static DriftReport.Verdict worse(DriftReport.Verdict a, DriftReport.Verdict b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
