package io.fleetlearn.event;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.VarInt;

/** Deterministic binary coder for {@link SensorEvent}: id, varlong time, floats, label byte. */
public final class SensorEventCoder extends AtomicCoder<SensorEvent> {
  private static final SensorEventCoder INSTANCE = new SensorEventCoder();
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();

  public static SensorEventCoder of() {
    return INSTANCE;
  }

  private SensorEventCoder() {}

  @Override
  public void encode(SensorEvent e, OutputStream out) throws IOException {
    STRING.encode(e.machineId(), out);
    VarInt.encode(e.timestampMillis(), out);
    float[] f = e.features();
    VarInt.encode(f.length, out);
    DataOutputStream data = new DataOutputStream(out);
    for (float v : f) {
      data.writeFloat(v);
    }
    data.writeByte(e.label());
    data.flush();
  }

  @Override
  public SensorEvent decode(InputStream in) throws IOException {
    String id = STRING.decode(in);
    long ts = VarInt.decodeLong(in);
    int n = VarInt.decodeInt(in);
    if (n < 0 || n > 1 << 16) {
      throw new IOException("corrupt SensorEvent: " + n + " features");
    }
    DataInputStream data = new DataInputStream(in);
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = data.readFloat();
    }
    return new SensorEvent(id, ts, f, data.readByte());
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}
