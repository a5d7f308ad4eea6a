package io.fleetlearn.io.transactional;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * One record on its way to Kafka, numbered within its shard: the writer generation that numbered it
 * ({@code writer}, one per run of the job without restored state) and its sequence number.
 */
record SequencedRecord(String writer, long seq, String key, byte[] value) {
  SequencedRecord {
    Objects.requireNonNull(writer, "writer");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  /** Deterministic coder: writer, sequence number, key, value. */
  static final class Coder extends CustomCoder<SequencedRecord> {
    private static final long serialVersionUID = 1L;
    private static final Coder INSTANCE = new Coder();

    static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(SequencedRecord r, OutputStream out) throws IOException {
      StringUtf8Coder.of().encode(r.writer(), out);
      VarLongCoder.of().encode(r.seq(), out);
      StringUtf8Coder.of().encode(r.key(), out);
      ByteArrayCoder.of().encode(r.value(), out);
    }

    @Override
    public SequencedRecord decode(InputStream in) throws IOException {
      return new SequencedRecord(
          StringUtf8Coder.of().decode(in),
          VarLongCoder.of().decode(in),
          StringUtf8Coder.of().decode(in),
          ByteArrayCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}
