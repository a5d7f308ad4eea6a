package io.fleetlearn.command;

import java.util.Locale;
import org.joda.time.Duration;

/** Parses durations written as 250ms, 30s, 5m, 2h, 7d, or ISO-8601 (PT5M). */
public final class Durations {
  private Durations() {}

  public static Duration parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("no duration given");
    }
    Duration d = parseUnchecked(text);
    if (d.getMillis() < 0) {
      throw new IllegalArgumentException("a duration cannot be negative: \"" + text + "\"");
    }
    return d;
  }

  private static Duration parseUnchecked(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (s.startsWith("p")) {
        return Duration.millis(java.time.Duration.parse(text.trim()).toMillis());
      }
      if (s.endsWith("ms")) {
        return Duration.millis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
      }
      long n = Long.parseLong(s.substring(0, s.length() - 1).trim());
      switch (s.charAt(s.length() - 1)) {
        case 's':
          return Duration.standardSeconds(n);
        case 'm':
          return Duration.standardMinutes(n);
        case 'h':
          return Duration.standardHours(n);
        case 'd':
          return Duration.standardDays(n);
        default:
          break;
      }
    } catch (RuntimeException e) {
      // fall through to the error below, which names the accepted forms
    }
    throw new IllegalArgumentException(
        "not a duration: \"" + text + "\" (use e.g. 500ms, 30s, 5m, 2h, 7d or PT5M)");
  }
}
