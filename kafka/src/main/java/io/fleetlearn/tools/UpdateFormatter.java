package io.fleetlearn.tools;

import io.fleetlearn.drift.DriftReport;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.scoring.DefectPrediction;
import io.fleetlearn.scoring.ModelSource;
import io.fleetlearn.training.ClassificationMetrics;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** One readable line per model update or drift report, for the demo and {@code consume}. */
public final class UpdateFormatter {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private static final String GREEN = "\u001b[32m";
  private static final String YELLOW = "\u001b[33m";
  private static final String RED = "\u001b[1;31m";
  private static final String GREY = "\u001b[90m";
  private static final String RESET = "\u001b[0m";

  private UpdateFormatter() {}

  /**
   * One line for a drift report; the status in red for DRIFT when {@code color}. Each drifted or
   * warned feature with its PSI, KS and Holm-adjusted p-value, then the scores' PSI (and p-value
   * when their test made a WARN or DRIFT) and the defect rates when their test did.
   */
  public static String format(DriftReport r, boolean color) {
    StringBuilder b = new StringBuilder(200);
    String status = String.format(Locale.ROOT, "%-8s", r.status());
    if (color && r.status() == DriftReport.Status.DRIFT) {
      status = RED + status + RESET;
    }
    b.append(String.format(Locale.ROOT, "%-12s %-5s", r.machineId(), "")).append(status);
    b.append(" window ")
        .append(TIME.format(Instant.ofEpochMilli(r.windowStart())))
        .append('-')
        .append(TIME.format(Instant.ofEpochMilli(r.windowEnd())));
    b.append(String.format(Locale.ROOT, "  vs v%d", r.referenceVersion()));
    List<String> f = r.features();
    double[] psi = r.psi();
    double[] ks = r.ks();
    double[] p = r.adjustedPValue();
    for (int j = 0; j < psi.length; j++) {
      if (r.driftedFeatures().contains(f.get(j)) || r.warnFeatures().contains(f.get(j))) {
        b.append(String.format(Locale.ROOT, "  %s PSI %.2f KS %.2f", f.get(j), psi[j], ks[j]));
        if (!Double.isNaN(p[j])) {
          b.append(" p ").append(pValue(p[j]));
        }
      }
    }
    if (!Double.isNaN(r.predictionPsi())) {
      b.append(String.format(Locale.ROOT, "  prediction PSI %.2f", r.predictionPsi()));
      DriftReport.PredictionTest t = r.predictionTest();
      if (t != null && t.verdict() != DriftReport.Verdict.STABLE) {
        b.append(" p ").append(pValue(t.adjustedPValue()));
      }
    }
    DriftReport.LabelTest label = r.labelTest();
    if (label != null && label.verdict() != DriftReport.Verdict.STABLE) {
      b.append(
          String.format(
              Locale.ROOT,
              "  defect rate %.1f%% -> %.1f%% p %s",
              100 * r.referenceLabelRate(),
              100 * r.windowLabelRate(),
              pValue(label.adjustedPValue())));
    }
    if (r.championOnWindow() != null) {
      b.append(
          String.format(Locale.ROOT, "  champion AUC on window %.3f", r.championOnWindow().auc()));
    }
    return b.toString();
  }

  /** A p-value with three decimals down to 0.001, in scientific notation (one digit) below. */
  static String pValue(double p) {
    return p >= 0.001
        ? String.format(Locale.ROOT, "%.3f", p)
        : String.format(Locale.ROOT, "%.0e", p);
  }

  /** One line for a defect alert: machine, model that scored, probability and event time. */
  public static String format(DefectPrediction d) {
    return String.format(
        Locale.ROOT,
        "%-12s %-4s ALERT    p=%.3f (threshold %.2f) scored by %s v%d  event %s%s",
        d.machineId(),
        "",
        d.probability(),
        d.threshold(),
        d.source() == ModelSource.MACHINE ? "its champion" : "the fleet model",
        d.modelVersion(),
        java.time.Instant.ofEpochMilli(d.timestampMillis()),
        d.label() == 1 ? "  (labelled defect)" : d.label() == 0 ? "  (labelled no defect)" : "");
  }

  public static String format(ModelUpdate u) {
    StringBuilder b = new StringBuilder(200);
    b.append(
        String.format(Locale.ROOT, "%-12s v%-3d %-8s", u.machineId(), u.version(), u.status()));
    b.append(" window ")
        .append(TIME.format(Instant.ofEpochMilli(u.windowStart())))
        .append('-')
        .append(TIME.format(Instant.ofEpochMilli(u.windowEnd())));
    if (u.isLate()) {
      b.append(" (late pane ").append(u.paneIndex()).append(')');
    }
    b.append(
        String.format(
            Locale.ROOT,
            "  events %5d (train %d, holdout %d, defects %d)",
            u.events(),
            u.trainRows(),
            u.holdoutRows(),
            u.positives()));
    ClassificationMetrics m = u.metrics();
    if (m != null) {
      b.append(
          String.format(
              Locale.ROOT, "  AUC %.3f F1 %.3f  %d ms", m.auc(), m.f1(), u.trainingMillis()));
    }
    if (u.selection() != null) {
      // The challenger's kind and threshold; with the fleet model's AUC on the same holdout.
      b.append(
          String.format(
              Locale.ROOT, "  %s @%.2f", u.selection().kind(), u.selection().threshold()));
      ClassificationMetrics f = u.fleetMetrics();
      if (f != null) {
        b.append(String.format(Locale.ROOT, " (fleet AUC %.3f)", f.auc()));
      }
    }
    if (!u.reason().isEmpty()) {
      b.append("  | ").append(u.reason());
    }
    return b.toString();
  }
}
