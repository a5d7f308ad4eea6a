package io.fleetlearn.registry;

import io.fleetlearn.training.ClassificationMetrics;
import io.fleetlearn.training.MetricsCoding;
import io.fleetlearn.training.SelectionCoding;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;

/**
 * Binary coder of a {@link ModelUpdate} between the pipeline's operators: every field in a fixed
 * order, the model as raw bytes with its SHA-256 as computed by the registry. The published form is
 * the JSON of {@link ModelUpdate#toJson()}, which the Kafka sinks write; this coder only carries
 * updates inside the job (to the scorers, across a shuffle), where encoding them as JSON with a
 * base64 model and re-hashing every model on decode cost about a tenth of the CPU of a fleet-wide
 * retraining burst. Models read from Kafka are still checked against their sha256 ({@link
 * ModelUpdate#fromJson}).
 */
public final class ModelUpdateCoder extends AtomicCoder<ModelUpdate> {
  private static final ModelUpdateCoder INSTANCE = new ModelUpdateCoder();
  private static final ModelUpdate.Status[] STATUSES = ModelUpdate.Status.values();
  private static final byte LONG = 0;
  private static final byte DOUBLE = 1;
  private static final byte STRING = 2;

  public static ModelUpdateCoder of() {
    return INSTANCE;
  }

  private ModelUpdateCoder() {}

  @Override
  public void encode(ModelUpdate u, OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    writeString(d, u.machineId());
    d.writeLong(u.version());
    d.writeByte(u.status().ordinal());
    writeString(d, u.reason());
    d.writeLong(u.windowStart());
    d.writeLong(u.windowEnd());
    d.writeLong(u.paneIndex());
    d.writeBoolean(u.isLate());
    d.writeLong(u.events());
    d.writeLong(u.labelled());
    d.writeLong(u.positives());
    d.writeInt(u.trainRows());
    d.writeInt(u.holdoutRows());
    writeMetrics(d, u.metrics());
    writeMetrics(d, u.championMetrics());
    d.writeInt(u.features().size());
    for (String f : u.features()) {
      writeString(d, f);
    }
    d.writeInt(u.params().size());
    for (Map.Entry<String, Object> e : u.params().entrySet()) {
      writeString(d, e.getKey());
      Object v = e.getValue();
      if (v instanceof Double || v instanceof Float) {
        d.writeByte(DOUBLE);
        d.writeDouble(((Number) v).doubleValue());
      } else if (v instanceof Number) {
        d.writeByte(LONG);
        d.writeLong(((Number) v).longValue());
      } else {
        d.writeByte(STRING);
        writeString(d, String.valueOf(v));
      }
    }
    d.writeLong(u.trainingMillis());
    byte[] model = u.model();
    d.writeBoolean(model != null);
    if (model != null) {
      d.writeInt(model.length);
      d.write(model);
      writeString(d, u.modelSha256());
      d.writeLong(u.modelWindowStart());
      d.writeLong(u.modelWindowEnd());
      writeMetrics(d, u.modelMetrics());
      d.writeByte(u.modelKind().ordinal());
      d.writeDouble(u.modelThreshold());
      ModelUpdate.Recalibration r = u.recalibration();
      d.writeBoolean(r != null);
      if (r != null) {
        d.writeLong(r.previousVersion());
        d.writeDouble(r.previousThreshold());
        d.writeDouble(r.rows());
        d.writeDouble(r.positives());
        d.writeInt(r.windows());
      }
    }
    d.writeBoolean(u.selection() != null);
    if (u.selection() != null) {
      SelectionCoding.write(u.selection(), d);
    }
    d.flush();
  }

  @Override
  public ModelUpdate decode(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    ModelUpdate.Builder b = ModelUpdate.builder();
    b.machineId(readString(d));
    b.version(d.readLong());
    int status = d.readUnsignedByte();
    if (status >= STATUSES.length) {
      throw new CoderException("unknown model update status " + status);
    }
    b.status(STATUSES[status]);
    b.reason(readString(d));
    b.window(d.readLong(), d.readLong());
    b.pane(d.readLong(), d.readBoolean());
    b.samples(d.readLong(), d.readLong(), d.readLong(), d.readInt(), d.readInt());
    b.metrics(readMetrics(d));
    b.championMetrics(readMetrics(d));
    int nf = d.readInt();
    List<String> features = new ArrayList<>(nf);
    for (int i = 0; i < nf; i++) {
      features.add(readString(d));
    }
    b.features(features);
    int np = d.readInt();
    Map<String, Object> params = new TreeMap<>();
    for (int i = 0; i < np; i++) {
      String k = readString(d);
      byte type = d.readByte();
      params.put(
          k,
          switch (type) {
            case LONG -> d.readLong();
            case DOUBLE -> d.readDouble();
            case STRING -> readString(d);
            default -> throw new CoderException("unknown parameter type " + type);
          });
    }
    b.params(params);
    b.trainingMillis(d.readLong());
    if (d.readBoolean()) {
      byte[] model = new byte[d.readInt()];
      d.readFully(model);
      String sha = readString(d);
      b.model(model, sha, d.readLong(), d.readLong());
      b.modelMetrics(readMetrics(d));
      b.modelKind(SelectionCoding.kindOf(d.readUnsignedByte()));
      b.modelThreshold(d.readDouble());
      if (d.readBoolean()) {
        b.recalibration(
            new ModelUpdate.Recalibration(
                d.readLong(), d.readDouble(), d.readDouble(), d.readDouble(), d.readInt()));
      }
    }
    if (d.readBoolean()) {
      b.selection(SelectionCoding.read(d));
    }
    return b.build();
  }

  @Override
  public void verifyDeterministic() {}

  private static void writeMetrics(DataOutputStream d, ClassificationMetrics m) throws IOException {
    d.writeBoolean(m != null);
    if (m != null) {
      MetricsCoding.write(m, d);
    }
  }

  private static ClassificationMetrics readMetrics(DataInputStream d) throws IOException {
    return d.readBoolean() ? MetricsCoding.read(d) : null;
  }

  private static void writeString(DataOutputStream d, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    d.writeInt(b.length);
    d.write(b);
  }

  private static String readString(DataInputStream d) throws IOException {
    byte[] b = new byte[d.readInt()];
    d.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
