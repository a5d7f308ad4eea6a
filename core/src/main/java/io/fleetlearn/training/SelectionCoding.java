package io.fleetlearn.training;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;

/** Binary form of a {@link TrainingResult.Selection}, shared by the coders that carry one. */
public final class SelectionCoding {
  private SelectionCoding() {}

  private static final ModelKind[] KINDS = ModelKind.values();

  public static void write(TrainingResult.Selection s, DataOutputStream d) throws IOException {
    d.writeByte(s.kind().ordinal());
    d.writeDouble(s.threshold());
    d.writeUTF(s.thresholdSource());
    d.writeUTF(s.reason());
    d.writeLong(s.fleetVersion());
    d.writeBoolean(s.fleetMetrics() != null);
    if (s.fleetMetrics() != null) {
      MetricsCoding.write(s.fleetMetrics(), d);
    }
    d.writeInt(s.validationRows());
    d.writeInt(s.validationPositives());
    d.writeByte(s.validationAuc().size());
    for (Map.Entry<ModelKind, Double> e : s.validationAuc().entrySet()) {
      d.writeByte(e.getKey().ordinal());
      d.writeDouble(e.getValue());
    }
  }

  public static TrainingResult.Selection read(DataInputStream d) throws IOException {
    ModelKind kind = kind(d.readUnsignedByte());
    double threshold = d.readDouble();
    String thresholdSource = d.readUTF();
    String reason = d.readUTF();
    long fleetVersion = d.readLong();
    ClassificationMetrics fleet = d.readBoolean() ? MetricsCoding.read(d) : null;
    int rows = d.readInt();
    int positives = d.readInt();
    int k = d.readUnsignedByte();
    Map<ModelKind, Double> aucs = new EnumMap<>(ModelKind.class);
    for (int i = 0; i < k; i++) {
      aucs.put(kind(d.readUnsignedByte()), d.readDouble());
    }
    return new TrainingResult.Selection(
        kind, threshold, thresholdSource, reason, fleetVersion, fleet, rows, positives, aucs);
  }

  private static ModelKind kind(int ordinal) throws IOException {
    if (ordinal >= KINDS.length) {
      throw new IOException("corrupt model kind " + ordinal);
    }
    return KINDS[ordinal];
  }

  /** The kind of an ordinal written by a coder. */
  public static ModelKind kindOf(int ordinal) throws IOException {
    return kind(ordinal);
  }
}
