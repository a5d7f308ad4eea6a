package io.fleetlearn.event;

import java.util.Arrays;
import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The bytes of one input record exactly as the source delivered them, with where they came from
 * (topic, partition, offset, and the record's own timestamp). Parsing starts from this, and a
 * record that fails keeps it whole for the dead-letter topic.
 */
public final class RawRecord {
  private final byte @Nullable [] key;
  private final byte @Nullable [] value;
  private final String topic;
  private final int partition;
  private final long offset;
  private final long recordTimestampMillis;

  public RawRecord(
      byte @Nullable [] key,
      byte @Nullable [] value,
      String topic,
      int partition,
      long offset,
      long recordTimestampMillis) {
    this.key = key;
    this.value = value;
    this.topic = Objects.requireNonNull(topic);
    this.partition = partition;
    this.offset = offset;
    this.recordTimestampMillis = recordTimestampMillis;
  }

  /** A record with no source coordinates, e.g. a line of a file or a test input. */
  public static RawRecord of(byte @Nullable [] key, byte @Nullable [] value, long timestamp) {
    return new RawRecord(key, value, "", -1, -1, timestamp);
  }

  public byte @Nullable [] key() {
    return key;
  }

  public byte @Nullable [] value() {
    return value;
  }

  public String topic() {
    return topic;
  }

  public int partition() {
    return partition;
  }

  public long offset() {
    return offset;
  }

  /** The source's timestamp of the record (Kafka CreateTime or LogAppendTime), or -1. */
  public long recordTimestampMillis() {
    return recordTimestampMillis;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RawRecord)) {
      return false;
    }
    RawRecord r = (RawRecord) o;
    return partition == r.partition
        && offset == r.offset
        && recordTimestampMillis == r.recordTimestampMillis
        && topic.equals(r.topic)
        && Arrays.equals(key, r.key)
        && Arrays.equals(value, r.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, partition, offset);
  }

  @Override
  public String toString() {
    return topic + "-" + partition + "@" + offset;
  }
}
