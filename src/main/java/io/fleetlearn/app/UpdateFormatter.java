package io.fleetlearn.app;

import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.training.ClassificationMetrics;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** One readable line per model update, for the demo and the {@code consume} command. */
public final class UpdateFormatter {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private UpdateFormatter() {}

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
    if (!u.reason().isEmpty()) {
      b.append("  | ").append(u.reason());
    }
    return b.toString();
  }
}
