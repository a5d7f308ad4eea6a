package io.fleetlearn.training;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/** Binary form of {@link ClassificationMetrics} shared by the coders that carry metrics. */
public final class MetricsCoding {
  private MetricsCoding() {}

  public static void write(ClassificationMetrics m, DataOutput out) throws IOException {
    out.writeDouble(m.auc());
    out.writeDouble(m.f1());
    out.writeDouble(m.precision());
    out.writeDouble(m.recall());
    out.writeDouble(m.accuracy());
    out.writeDouble(m.logLoss());
  }

  public static ClassificationMetrics read(DataInput in) throws IOException {
    return ClassificationMetrics.of(
        in.readDouble(),
        in.readDouble(),
        in.readDouble(),
        in.readDouble(),
        in.readDouble(),
        in.readDouble());
  }
}
