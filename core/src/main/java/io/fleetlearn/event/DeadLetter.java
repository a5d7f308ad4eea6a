package io.fleetlearn.event;

import java.util.Objects;

/**
 * A record that could not be used, with the original bytes and coordinates ({@link RawRecord}), the
 * stage that refused it, a stable machine-readable reason code and a human-readable detail.
 */
public final class DeadLetter {
  private final RawRecord record;
  private final String stage;
  private final String reasonCode;
  private final String detail;
  private final long failedAtMillis;

  public DeadLetter(
      RawRecord record, String stage, String reasonCode, String detail, long failedAtMillis) {
    this.record = Objects.requireNonNull(record);
    this.stage = Objects.requireNonNull(stage);
    this.reasonCode = Objects.requireNonNull(reasonCode);
    this.detail = Objects.requireNonNull(detail);
    this.failedAtMillis = failedAtMillis;
  }

  public RawRecord record() {
    return record;
  }

  public String stage() {
    return stage;
  }

  /** A code from {@link RejectReason}, stable across releases (dashboards group by it). */
  public String reasonCode() {
    return reasonCode;
  }

  public String detail() {
    return detail;
  }

  /** {@code reasonCode: detail}, the reason shown to people. */
  public String reason() {
    return reasonCode + ": " + detail;
  }

  public long failedAtMillis() {
    return failedAtMillis;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DeadLetter)) {
      return false;
    }
    DeadLetter d = (DeadLetter) o;
    return failedAtMillis == d.failedAtMillis
        && record.equals(d.record)
        && stage.equals(d.stage)
        && reasonCode.equals(d.reasonCode)
        && detail.equals(d.detail);
  }

  @Override
  public int hashCode() {
    return Objects.hash(record, stage, reasonCode);
  }

  @Override
  public String toString() {
    return "DeadLetter{" + record + " " + stage + " " + reason() + "}";
  }
}
