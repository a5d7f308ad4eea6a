package io.fleetlearn.event;

import java.io.Serializable;

/**
 * Bounds an input record must respect to be accepted: payload size, machine-id length, JSON nesting
 * depth, and the plausible range of event times. Event times are checked against the record's own
 * (broker) timestamp rather than the wall clock, so a replay of old data validates exactly as it
 * did live.
 */
public final class EventLimits implements Serializable {
  private static final long serialVersionUID = 1L;

  /** 2000-01-01T00:00:00Z: earlier event times are taken as clock errors. */
  public static final long DEFAULT_MIN_TIMESTAMP_MILLIS = 946_684_800_000L;

  private final int maxEventBytes;
  private final int maxMachineIdLength;
  private final int maxNestingDepth;
  private final long maxFutureSkewMillis;
  private final long minTimestampMillis;

  public EventLimits(
      int maxEventBytes,
      int maxMachineIdLength,
      int maxNestingDepth,
      long maxFutureSkewMillis,
      long minTimestampMillis) {
    if (maxEventBytes <= 0 || maxMachineIdLength <= 0 || maxNestingDepth < 2) {
      throw new IllegalArgumentException("event limits must be positive (nesting depth >= 2)");
    }
    this.maxEventBytes = maxEventBytes;
    this.maxMachineIdLength = maxMachineIdLength;
    this.maxNestingDepth = maxNestingDepth;
    this.maxFutureSkewMillis = maxFutureSkewMillis;
    this.minTimestampMillis = minTimestampMillis;
  }

  /** 64 KiB events, 128-character ids, nesting 16, event time at most 1 h ahead of the record. */
  public static EventLimits defaults() {
    return new EventLimits(64 * 1024, 128, 16, 3_600_000L, DEFAULT_MIN_TIMESTAMP_MILLIS);
  }

  public int maxEventBytes() {
    return maxEventBytes;
  }

  public int maxMachineIdLength() {
    return maxMachineIdLength;
  }

  public int maxNestingDepth() {
    return maxNestingDepth;
  }

  public long maxFutureSkewMillis() {
    return maxFutureSkewMillis;
  }

  public long minTimestampMillis() {
    return minTimestampMillis;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof EventLimits)) {
      return false;
    }
    EventLimits l = (EventLimits) o;
    return maxEventBytes == l.maxEventBytes
        && maxMachineIdLength == l.maxMachineIdLength
        && maxNestingDepth == l.maxNestingDepth
        && maxFutureSkewMillis == l.maxFutureSkewMillis
        && minTimestampMillis == l.minTimestampMillis;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        maxEventBytes,
        maxMachineIdLength,
        maxNestingDepth,
        maxFutureSkewMillis,
        minTimestampMillis);
  }
}
