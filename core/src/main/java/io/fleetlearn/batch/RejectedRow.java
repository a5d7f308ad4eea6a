package io.fleetlearn.batch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * A history row that was not used for training: its coordinates (file and line), the stage that
 * refused it, a stable {@link RowRejectReason}, a detail for people, and the row's raw text.
 * Written as one JSON line per row to the output's {@code rejected/} files.
 */
public final class RejectedRow {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String source;
  private final long line;
  private final String stage;
  private final RowRejectReason reason;
  private final String detail;
  private final String raw;

  public RejectedRow(
      String source, long line, String stage, RowRejectReason reason, String detail, String raw) {
    this.source = Objects.requireNonNull(source);
    this.line = line;
    this.stage = Objects.requireNonNull(stage);
    this.reason = Objects.requireNonNull(reason);
    this.detail = Objects.requireNonNull(detail);
    this.raw = Objects.requireNonNull(raw);
  }

  /** The rejection of {@code record} by {@code stage}. */
  public static RejectedRow of(TabularRecord record, String stage, RowRejectedException e) {
    return new RejectedRow(
        record.source(), record.line(), stage, e.reason(), e.detail(), record.raw());
  }

  public String source() {
    return source;
  }

  public long line() {
    return line;
  }

  public String stage() {
    return stage;
  }

  public RowRejectReason reason() {
    return reason;
  }

  public String detail() {
    return detail;
  }

  public String raw() {
    return raw;
  }

  /** One line of JSON: {@code {"source","line","stage","reason","detail","raw"}}. */
  public String toJson() {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("source", source);
    n.put("line", line);
    n.put("stage", stage);
    n.put("reason", reason.name());
    n.put("detail", detail);
    n.put("raw", raw);
    try {
      return MAPPER.writeValueAsString(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RejectedRow)) {
      return false;
    }
    RejectedRow r = (RejectedRow) o;
    return line == r.line
        && source.equals(r.source)
        && stage.equals(r.stage)
        && reason == r.reason
        && detail.equals(r.detail)
        && raw.equals(r.raw);
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, line, reason);
  }

  @Override
  public String toString() {
    return "RejectedRow{" + source + ":" + line + " " + reason + ": " + detail + "}";
  }
}
