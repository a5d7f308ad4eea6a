package io.fleetlearn.training;

import io.fleetlearn.dataset.WindowSampleCoder;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.EnumMap;
import java.util.Map;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;

/** Deterministic binary coder for {@link WindowOutcome}; the model travels as its UBJ bytes. */
public final class WindowOutcomeCoder extends AtomicCoder<WindowOutcome> {
  private static final WindowOutcomeCoder INSTANCE = new WindowOutcomeCoder();
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();

  public static WindowOutcomeCoder of() {
    return INSTANCE;
  }

  private WindowOutcomeCoder() {}

  @Override
  public void encode(WindowOutcome o, OutputStream out) throws IOException {
    STRING.encode(o.machineId(), out);
    DataOutputStream d = new DataOutputStream(out);
    d.writeLong(o.windowStart());
    d.writeLong(o.windowEnd());
    d.writeLong(o.paneIndex());
    d.writeBoolean(o.isLate());
    d.flush();
    WindowSampleCoder.of().encode(o.sample(), out);
    TrainingResult r = o.result();
    d.writeBoolean(r.isTrained());
    if (r.isTrained()) {
      d.flush();
      ByteArrayCoder.of().encode(r.model(), out);
      MetricsCoding.write(r.metrics(), d);
      d.writeInt(r.trainRows());
      int[] h = r.holdoutIndex();
      d.writeInt(h.length);
      for (int i : h) {
        d.writeInt(i);
      }
      d.writeLong(r.trainingMillis());
      float[] scores = r.sampleScores();
      d.writeBoolean(scores != null);
      if (scores != null) {
        d.writeInt(scores.length);
        for (float f : scores) {
          d.writeFloat(f);
        }
      }
      writeSelection(r.selection(), d);
    } else {
      d.writeUTF(r.reason());
    }
    d.flush();
  }

  @Override
  public WindowOutcome decode(InputStream in) throws IOException {
    String id = STRING.decode(in);
    DataInputStream d = new DataInputStream(in);
    long start = d.readLong();
    long end = d.readLong();
    long pane = d.readLong();
    boolean late = d.readBoolean();
    var sample = WindowSampleCoder.of().decode(in);
    TrainingResult r;
    if (d.readBoolean()) {
      byte[] model = ByteArrayCoder.of().decode(in);
      ClassificationMetrics m = MetricsCoding.read(d);
      int trainRows = d.readInt();
      int n = d.readInt();
      if (n < 0 || n > sample.size()) {
        throw new IOException("corrupt WindowOutcome holdout size " + n);
      }
      int[] h = new int[n];
      for (int i = 0; i < n; i++) {
        h[i] = d.readInt();
      }
      long millis = d.readLong();
      float[] scores = null;
      if (d.readBoolean()) {
        int k = d.readInt();
        if (k != sample.size()) {
          throw new IOException(
              "corrupt WindowOutcome: " + k + " scores for " + sample.size() + " rows");
        }
        scores = new float[k];
        for (int i = 0; i < k; i++) {
          scores[i] = d.readFloat();
        }
      }
      r = TrainingResult.trained(model, m, trainRows, h, millis, scores, readSelection(d));
    } else {
      r = TrainingResult.skipped(d.readUTF());
    }
    return new WindowOutcome(id, start, end, pane, late, sample, r);
  }

  private static final ModelKind[] KINDS = ModelKind.values();

  static void writeSelection(TrainingResult.Selection s, DataOutputStream d) throws IOException {
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

  static TrainingResult.Selection readSelection(DataInputStream d) throws IOException {
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
      throw new IOException("corrupt WindowOutcome: model kind " + ordinal);
    }
    return KINDS[ordinal];
  }

  @Override
  public void verifyDeterministic() {}
}
