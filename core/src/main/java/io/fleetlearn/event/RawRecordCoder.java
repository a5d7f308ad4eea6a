package io.fleetlearn.event;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.VarInt;

/** Deterministic coder for {@link RawRecord}; keeps null keys and null values (tombstones). */
public final class RawRecordCoder extends AtomicCoder<RawRecord> {
  private static final RawRecordCoder INSTANCE = new RawRecordCoder();
  private static final Coder<byte[]> BYTES = NullableCoder.of(ByteArrayCoder.of());
  private static final StringUtf8Coder STRING = StringUtf8Coder.of();

  public static RawRecordCoder of() {
    return INSTANCE;
  }

  private RawRecordCoder() {}

  @Override
  public void encode(RawRecord r, OutputStream out) throws IOException {
    BYTES.encode(r.key(), out);
    BYTES.encode(r.value(), out);
    STRING.encode(r.topic(), out);
    VarInt.encode(r.partition(), out);
    VarInt.encode(r.offset(), out);
    VarInt.encode(r.recordTimestampMillis(), out);
  }

  @Override
  public RawRecord decode(InputStream in) throws IOException {
    byte[] key = BYTES.decode(in);
    byte[] value = BYTES.decode(in);
    String topic = STRING.decode(in);
    int partition = VarInt.decodeInt(in);
    long offset = VarInt.decodeLong(in);
    long ts = VarInt.decodeLong(in);
    return new RawRecord(key, value, topic, partition, offset, ts);
  }

  @Override
  public void verifyDeterministic() {}
}
