package io.fleetlearn.batch;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Which raw cell values count as missing: an absent or blank cell, or one of the configured tokens
 * (compared trimmed and case-insensitively). Immutable.
 */
public final class MissingValues implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The tokens that mean "no value" unless configured otherwise. */
  public static final String DEFAULT_TOKENS = "NA,N/A,NaN,null,?";

  private final TreeSet<String> tokens;

  private MissingValues(TreeSet<String> tokens) {
    this.tokens = tokens;
  }

  /** Parses comma-separated tokens; blank cells are always missing. */
  public static MissingValues parse(@Nullable String csv) {
    TreeSet<String> t = new TreeSet<>();
    if (csv != null) {
      for (String s : csv.split(",")) {
        if (!s.isBlank()) {
          t.add(s.trim().toLowerCase(Locale.ROOT));
        }
      }
    }
    return new MissingValues(t);
  }

  public static MissingValues of(List<String> tokens) {
    return parse(String.join(",", tokens));
  }

  public static MissingValues defaults() {
    return parse(DEFAULT_TOKENS);
  }

  public boolean isMissing(@Nullable String raw) {
    if (raw == null) {
      return true;
    }
    String v = raw.trim();
    return v.isEmpty() || tokens.contains(v.toLowerCase(Locale.ROOT));
  }

  /** The configured tokens, lower-cased and sorted. */
  public List<String> tokens() {
    return Collections.unmodifiableList(new ArrayList<>(tokens));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MissingValues && ((MissingValues) o).tokens.equals(tokens);
  }

  @Override
  public int hashCode() {
    return tokens.hashCode();
  }

  @Override
  public String toString() {
    return "MissingValues" + tokens;
  }
}
