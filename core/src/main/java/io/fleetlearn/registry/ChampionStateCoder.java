package io.fleetlearn.registry;

import io.fleetlearn.drift.ReferenceProfileCoder;
import io.fleetlearn.training.MetricsCoding;
import io.fleetlearn.training.ModelKind;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.CoderException;

/**
 * Binary coder for {@link ChampionState}; the model stays in XGBoost's UBJ bytes. Versioned,
 * because the entry lives in keyed state that savepoints carry across releases: the current form
 * starts with a negative format marker (a champion's version is always positive, so the older form,
 * which starts with it, is told apart) and adds the model's kind, its threshold and the metrics'
 * confusion counts; the older form still decodes (an OWN model without a threshold).
 */
public final class ChampionStateCoder extends AtomicCoder<ChampionState> {
  private static final ChampionStateCoder INSTANCE = new ChampionStateCoder();

  public static ChampionStateCoder of() {
    return INSTANCE;
  }

  private ChampionStateCoder() {}

  /** Marks the form with kind and threshold; the older form starts with the version (>= 1). */
  private static final long FORMAT_2 = -2;

  private static final ModelKind[] KINDS = ModelKind.values();

  @Override
  public void encode(ChampionState s, OutputStream out) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeLong(FORMAT_2);
    d.writeByte(s.kind().ordinal());
    d.writeDouble(s.threshold());
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
    long first = d.readLong();
    boolean current = first == FORMAT_2;
    ModelKind kind = ModelKind.OWN;
    double threshold = Double.NaN;
    long version = first;
    if (current) {
      int k = d.readUnsignedByte();
      if (k >= KINDS.length) {
        throw new CoderException("unknown model kind " + k);
      }
      kind = KINDS[k];
      threshold = d.readDouble();
      version = d.readLong();
    } else if (first < 0) {
      throw new CoderException("unknown champion state format " + first);
    }
    String sha = d.readUTF();
    long start = d.readLong();
    long end = d.readLong();
    var metrics = current ? MetricsCoding.read(d) : MetricsCoding.readWithoutCounts(d);
    byte[] model = ByteArrayCoder.of().decode(in);
    return new ChampionState(
        version,
        model,
        sha,
        start,
        end,
        metrics,
        ReferenceProfileCoder.of().decode(in),
        kind,
        threshold);
  }

  @Override
  public void verifyDeterministic() {}
}
