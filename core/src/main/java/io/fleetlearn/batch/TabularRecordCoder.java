package io.fleetlearn.batch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.VarInt;

/** Deterministic coder for {@link TabularRecord}: source, line, raw text, then nullable values. */
public final class TabularRecordCoder extends AtomicCoder<TabularRecord> {
  private static final TabularRecordCoder INSTANCE = new TabularRecordCoder();
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();
  private static final int MAX_COLUMNS = 1 << 16;

  public static TabularRecordCoder of() {
    return INSTANCE;
  }

  private TabularRecordCoder() {}

  @Override
  public void encode(TabularRecord r, OutputStream out) throws IOException {
    STRING.encode(r.source(), out);
    VarInt.encode(r.line(), out);
    STRING.encode(r.raw(), out);
    String[] v = r.values();
    VarInt.encode(v.length, out);
    for (String s : v) {
      out.write(s == null ? 0 : 1);
      if (s != null) {
        STRING.encode(s, out);
      }
    }
  }

  @Override
  public TabularRecord decode(InputStream in) throws IOException {
    String source = STRING.decode(in);
    long line = VarInt.decodeLong(in);
    String raw = STRING.decode(in);
    int n = VarInt.decodeInt(in);
    if (n < 0 || n > MAX_COLUMNS) {
      throw new IOException("corrupt TabularRecord: " + n + " values");
    }
    String[] v = new String[n];
    for (int i = 0; i < n; i++) {
      int present = in.read();
      if (present < 0) {
        throw new IOException("truncated TabularRecord");
      }
      v[i] = present == 1 ? STRING.decode(in) : null;
    }
    return new TabularRecord(source, line, raw, v);
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean consistentWithEquals() {
    return true;
  }
}
