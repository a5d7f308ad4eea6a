package io.fleetlearn.monitor;

import io.fleetlearn.drift.DriftReport;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.training.ClassificationMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Model updates and drift reports as the pipeline publishes them, for the monitor's tests. */
final class FleetRecords {
  static final long T0 = Instant.parse("2026-11-27T10:00:00Z").toEpochMilli();
  static final long WINDOW = 300_000;

  private FleetRecords() {}

  static ClassificationMetrics metrics(double auc, double f1) {
    return ClassificationMetrics.of(auc, f1, 0.5, 0.5, 0.9, 0.2);
  }

  /** Window {@code w}'s update; a model trained on {@code modelWindow} when version > 0. */
  static ModelUpdate update(
      String machine,
      long version,
      ModelUpdate.Status status,
      ClassificationMetrics challenger,
      ClassificationMetrics champion,
      int w,
      int modelWindow) {
    ModelUpdate.Builder b =
        ModelUpdate.builder()
            .machineId(machine)
            .version(version)
            .status(status)
            .reason("test")
            .window(T0 + w * WINDOW, T0 + (w + 1) * WINDOW)
            .metrics(challenger)
            .championMetrics(champion)
            .features(List.of("temperature", "vibration"));
    if (version > 0) {
      b.model(new byte[] {1, 2, 3}, T0 + modelWindow * WINDOW, T0 + (modelWindow + 1) * WINDOW);
    }
    return b.build();
  }

  /** Window {@code w}'s drift report with these PSIs (none: no statistics), as before tests. */
  static DriftReport report(
      String machine,
      int w,
      DriftReport.Status status,
      Map<String, Double> psi,
      double windowRate,
      double referenceRate) {
    return report(machine, w, status, psi, Map.of(), windowRate, referenceRate);
  }

  /** The same with the features' adjusted p-values (a feature without one has no test). */
  static DriftReport report(
      String machine,
      int w,
      DriftReport.Status status,
      Map<String, Double> psi,
      Map<String, Double> adjustedP,
      double windowRate,
      double referenceRate) {
    // Plain concatenation: the guard test builds 10,000 of these.
    StringBuilder j = new StringBuilder(512);
    j.append("{\"machineId\":\"")
        .append(machine)
        .append("\",\"window\":{\"start\":\"")
        .append(Instant.ofEpochMilli(T0 + w * WINDOW))
        .append("\",\"end\":\"")
        .append(Instant.ofEpochMilli(T0 + (w + 1) * WINDOW))
        .append("\",\"pane\":0},\"referenceVersion\":1,\"events\":500,\"sampled\":500,")
        .append("\"status\":\"")
        .append(status.name())
        .append("\",\"drifted\":")
        .append(status == DriftReport.Status.DRIFT)
        .append(",\"features\":{");
    String sep = "";
    for (Map.Entry<String, Double> e : psi.entrySet()) {
      j.append(sep)
          .append('"')
          .append(e.getKey())
          .append("\":{\"psi\":")
          .append(e.getValue())
          .append(",\"ks\":0.1,\"js\":0.1");
      Double p = adjustedP.get(e.getKey());
      if (p != null) {
        j.append(",\"statistic\":10.0,\"df\":9,\"pValue\":")
            .append(p / 4)
            .append(",\"adjustedPValue\":")
            .append(p);
      }
      j.append('}');
      sep = ",";
    }
    j.append("},\"label\":{\"windowRate\":").append(windowRate);
    if (!Double.isNaN(referenceRate)) {
      j.append(",\"referenceRate\":").append(referenceRate);
    }
    j.append("},\"prediction\":{},\"driftedFeatures\":[],\"warnFeatures\":[]}");
    try {
      return DriftReport.fromJson(j.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
