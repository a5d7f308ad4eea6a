package io.fleetlearn.event;

import org.checkerframework.checker.nullness.qual.Nullable;

/** Either a {@link SensorEvent} or the reason the bytes were refused. */
public final class ParseResult {
  private final @Nullable SensorEvent event;
  private final @Nullable RejectReason reason;
  private final String detail;

  private ParseResult(@Nullable SensorEvent event, @Nullable RejectReason reason, String detail) {
    this.event = event;
    this.reason = reason;
    this.detail = detail;
  }

  static ParseResult accepted(SensorEvent event) {
    return new ParseResult(event, null, "");
  }

  static ParseResult rejected(RejectReason reason, String detail) {
    return new ParseResult(null, reason, detail);
  }

  public boolean isAccepted() {
    return event != null;
  }

  /** The event; only for accepted results. */
  public SensorEvent event() {
    if (event == null) {
      throw new IllegalStateException("rejected: " + reason + ": " + detail);
    }
    return event;
  }

  /** The reason; only for rejected results. */
  public RejectReason reason() {
    if (reason == null) {
      throw new IllegalStateException("accepted");
    }
    return reason;
  }

  public String detail() {
    return detail;
  }

  @Override
  public String toString() {
    return event != null ? "accepted " + event : "rejected " + reason + ": " + detail;
  }
}
