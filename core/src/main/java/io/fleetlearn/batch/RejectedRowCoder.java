package io.fleetlearn.batch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.VarInt;

/** Deterministic binary coder for {@link RejectedRow}. */
public final class RejectedRowCoder extends AtomicCoder<RejectedRow> {
  private static final RejectedRowCoder INSTANCE = new RejectedRowCoder();
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();

  public static RejectedRowCoder of() {
    return INSTANCE;
  }

  private RejectedRowCoder() {}

  @Override
  public void encode(RejectedRow r, OutputStream out) throws IOException {
    STRING.encode(r.source(), out);
    VarInt.encode(r.line(), out);
    STRING.encode(r.stage(), out);
    // By name, so adding a reason never changes how the existing ones decode.
    STRING.encode(r.reason().name(), out);
    STRING.encode(r.detail(), out);
    STRING.encode(r.raw(), out);
  }

  @Override
  public RejectedRow decode(InputStream in) throws IOException {
    String source = STRING.decode(in);
    long line = VarInt.decodeLong(in);
    String stage = STRING.decode(in);
    RowRejectReason reason;
    try {
      reason = RowRejectReason.valueOf(STRING.decode(in));
    } catch (IllegalArgumentException e) {
      throw new IOException("corrupt RejectedRow reason", e);
    }
    return new RejectedRow(source, line, stage, reason, STRING.decode(in), STRING.decode(in));
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}
