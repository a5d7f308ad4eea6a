package io.fleetlearn.batch;

import java.util.Arrays;
import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * One row read from a history file: where it came from (file and line), its raw text (kept so a
 * rejected row can be reported as it was) and the raw values of the schema's {@link
 * TabularSchema#inputColumns()} in that order, null where the row has no such column.
 */
public final class TabularRecord {
  private final String source;
  private final long line;
  private final String raw;
  private final @Nullable String[] values;

  public TabularRecord(String source, long line, String raw, @Nullable String[] values) {
    this.source = Objects.requireNonNull(source);
    this.line = line;
    this.raw = Objects.requireNonNull(raw);
    this.values = Objects.requireNonNull(values);
  }

  /** The file the row was read from. */
  public String source() {
    return source;
  }

  /** 1-based line of the file where the row starts. */
  public long line() {
    return line;
  }

  public String raw() {
    return raw;
  }

  /** Projected raw values; shared, not copied: callers must not modify it. */
  public @Nullable String[] values() {
    return values;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TabularRecord)) {
      return false;
    }
    TabularRecord r = (TabularRecord) o;
    return line == r.line
        && source.equals(r.source)
        && raw.equals(r.raw)
        && Arrays.equals(values, r.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, line) * 31 + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return source + ":" + line + " " + Arrays.toString(values);
  }
}
