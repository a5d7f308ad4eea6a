package io.fleetlearn.training;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Binary form of {@link ClassificationMetrics} shared by the coders that carry metrics: the six
 * metrics, then whether the confusion matrix is known and, if so, its threshold and counts. {@link
 * #readWithoutCounts} reads the older form (the six metrics alone) that state written before the
 * counts existed holds.
 */
public final class MetricsCoding {
  private MetricsCoding() {}

  public static void write(ClassificationMetrics m, DataOutput out) throws IOException {
    out.writeDouble(m.auc());
    out.writeDouble(m.f1());
    out.writeDouble(m.precision());
    out.writeDouble(m.recall());
    out.writeDouble(m.accuracy());
    out.writeDouble(m.logLoss());
    out.writeBoolean(m.hasCounts());
    if (m.hasCounts()) {
      out.writeDouble(m.threshold());
      out.writeLong(m.tp());
      out.writeLong(m.fp());
      out.writeLong(m.tn());
      out.writeLong(m.fn());
    }
  }

  public static ClassificationMetrics read(DataInput in) throws IOException {
    ClassificationMetrics m = readWithoutCounts(in);
    if (in.readBoolean()) {
      m = m.withCounts(in.readDouble(), in.readLong(), in.readLong(), in.readLong(), in.readLong());
    }
    return m;
  }

  /** The older form: the six metrics, no confusion matrix. */
  public static ClassificationMetrics readWithoutCounts(DataInput in) throws IOException {
    return ClassificationMetrics.of(
        in.readDouble(),
        in.readDouble(),
        in.readDouble(),
        in.readDouble(),
        in.readDouble(),
        in.readDouble());
  }
}
