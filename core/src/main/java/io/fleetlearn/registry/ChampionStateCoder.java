package io.fleetlearn.registry;

import io.fleetlearn.drift.ReferenceProfileCoder;
import io.fleetlearn.training.MetricsCoding;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;

/** Binary coder for {@link ChampionState}; the model stays in XGBoost's UBJ bytes. */
public final class ChampionStateCoder extends AtomicCoder<ChampionState> {
  private static final ChampionStateCoder INSTANCE = new ChampionStateCoder();

  public static ChampionStateCoder of() {
    return INSTANCE;
  }

  private ChampionStateCoder() {}

  @Override
  public void encode(ChampionState s, OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeLong(s.version());
    d.writeUTF(s.modelSha256());
    d.writeLong(s.windowStart());
    d.writeLong(s.windowEnd());
    MetricsCoding.write(s.trainingMetrics(), d);
    d.flush();
    ByteArrayCoder.of().encode(s.model(), out);
    ReferenceProfileCoder.of().encode(s.reference(), out);
  }

  @Override
  public ChampionState decode(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    long version = d.readLong();
    String sha = d.readUTF();
    long start = d.readLong();
    long end = d.readLong();
    var metrics = MetricsCoding.read(d);
    byte[] model = ByteArrayCoder.of().decode(in);
    return new ChampionState(
        version, model, sha, start, end, metrics, ReferenceProfileCoder.of().decode(in));
  }

  @Override
  public void verifyDeterministic() {}
}
