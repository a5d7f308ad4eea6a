package io.fleetlearn.event;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.VarInt;

/** Deterministic coder for {@link DeadLetter}. */
public final class DeadLetterCoder extends AtomicCoder<DeadLetter> {
  private static final DeadLetterCoder INSTANCE = new DeadLetterCoder();
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();

  public static DeadLetterCoder of() {
    return INSTANCE;
  }

  private DeadLetterCoder() {}

  @Override
  public void encode(DeadLetter d, OutputStream out) throws IOException {
    RawRecordCoder.of().encode(d.record(), out);
    STRING.encode(d.stage(), out);
    STRING.encode(d.reasonCode(), out);
    STRING.encode(d.detail(), out);
    VarInt.encode(d.failedAtMillis(), out);
  }

  @Override
  public DeadLetter decode(InputStream in) throws IOException {
    RawRecord r = RawRecordCoder.of().decode(in);
    return new DeadLetter(
        r, STRING.decode(in), STRING.decode(in), STRING.decode(in), VarInt.decodeLong(in));
  }

  @Override
  public void verifyDeterministic() {}
}
