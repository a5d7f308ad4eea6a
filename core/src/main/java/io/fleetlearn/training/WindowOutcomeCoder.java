package io.fleetlearn.training;

import io.fleetlearn.dataset.WindowSampleCoder;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
      SelectionCoding.write(r.selection(), d);
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
      r = TrainingResult.trained(model, m, trainRows, h, millis, scores, SelectionCoding.read(d));
    } else {
      r = TrainingResult.skipped(d.readUTF());
    }
    return new WindowOutcome(id, start, end, pane, late, sample, r);
  }

  @Override
  public void verifyDeterministic() {}
}
