package io.fleetlearn.batch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;

/**
 * Deterministic coder for {@link TabularEncoder}: its metadata JSON, which lists in fixed order.
 */
public final class TabularEncoderCoder extends AtomicCoder<TabularEncoder> {
  private static final TabularEncoderCoder INSTANCE = new TabularEncoderCoder();

  public static TabularEncoderCoder of() {
    return INSTANCE;
  }

  private TabularEncoderCoder() {}

  @Override
  public void encode(TabularEncoder value, OutputStream out) throws IOException {
    ByteArrayCoder.of().encode(value.toJsonBytes(), out);
  }

  @Override
  public TabularEncoder decode(InputStream in) throws IOException {
    return TabularEncoder.fromJsonBytes(ByteArrayCoder.of().decode(in));
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}
