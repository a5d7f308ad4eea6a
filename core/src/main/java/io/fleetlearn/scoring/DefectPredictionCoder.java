package io.fleetlearn.scoring;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.VarInt;

/** Deterministic binary coder for {@link DefectPrediction}. */
public final class DefectPredictionCoder extends AtomicCoder<DefectPrediction> {
  private static final DefectPredictionCoder INSTANCE = new DefectPredictionCoder();
  private static final ModelSource[] SOURCES = ModelSource.values();

  public static DefectPredictionCoder of() {
    return INSTANCE;
  }

  private DefectPredictionCoder() {}

  @Override
  public void encode(DefectPrediction p, OutputStream out) throws IOException {
    StringUtf8Coder.of().encode(p.machineId(), out);
    VarInt.encode(p.timestampMillis(), out);
    VarInt.encode(p.modelVersion(), out);
    DataOutputStream d = new DataOutputStream(out);
    d.writeFloat(p.probability());
    d.writeDouble(p.threshold());
    d.writeByte(p.source().ordinal());
    d.writeByte(p.label());
    d.flush();
  }

  @Override
  public DefectPrediction decode(InputStream in) throws IOException {
    String id = StringUtf8Coder.of().decode(in);
    long ts = VarInt.decodeLong(in);
    long version = VarInt.decodeLong(in);
    DataInputStream d = new DataInputStream(in);
    float p = d.readFloat();
    double threshold = d.readDouble();
    int source = d.readByte();
    if (source < 0 || source >= SOURCES.length) {
      throw new IOException("corrupt DefectPrediction: source " + source);
    }
    return new DefectPrediction(id, ts, p, threshold, SOURCES[source], version, d.readByte());
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}
