package io.fleetlearn.scoring;

import io.fleetlearn.event.SensorEventCoder;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.VarInt;

/**
 * Tag byte, then the event ({@link SensorEventCoder}) or version, sha256, model bytes and
 * threshold.
 */
public final class ScoringInputCoder extends AtomicCoder<ScoringInput> {
  private static final ScoringInputCoder INSTANCE = new ScoringInputCoder();
  private static final int EVENT = 0;
  private static final int MODEL = 1;

  public static ScoringInputCoder of() {
    return INSTANCE;
  }

  private ScoringInputCoder() {}

  @Override
  public void encode(ScoringInput s, OutputStream out) throws IOException {
    if (s.isEvent()) {
      out.write(EVENT);
      SensorEventCoder.of().encode(s.event(), out);
    } else {
      out.write(MODEL);
      VarInt.encode(s.version(), out);
      StringUtf8Coder.of().encode(s.sha256(), out);
      ByteArrayCoder.of().encode(s.model(), out);
      DataOutputStream d = new DataOutputStream(out);
      d.writeDouble(s.threshold());
      d.flush();
    }
  }

  @Override
  public ScoringInput decode(InputStream in) throws IOException {
    int tag = in.read();
    switch (tag) {
      case EVENT:
        return ScoringInput.event(SensorEventCoder.of().decode(in));
      case MODEL:
        long version = VarInt.decodeLong(in);
        String sha = StringUtf8Coder.of().decode(in);
        byte[] model = ByteArrayCoder.of().decode(in);
        return ScoringInput.model(version, sha, model, new DataInputStream(in).readDouble());
      default:
        throw new IOException("corrupt ScoringInput: tag " + tag);
    }
  }

  @Override
  public void verifyDeterministic() {}
}
