package io.fleetlearn.io.transactional;

import java.util.UUID;

/**
 * Writer generations: one per built pipeline, {@code <start millis>-<uuid>}, so that of two jobs
 * the one started later can be told. Generations written before they carried a time (a bare UUID)
 * count as the oldest.
 */
final class WriterGenerations {
  private WriterGenerations() {}

  static String next() {
    return System.currentTimeMillis() + "-" + UUID.randomUUID();
  }

  /** When the generation's pipeline was built (epoch millis), or 0 if it does not say. */
  static long startMillis(String generation) {
    int dash = generation.indexOf('-');
    if (dash <= 0) {
      return 0;
    }
    try {
      return Long.parseLong(generation.substring(0, dash));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Whether {@code a} was started before {@code b} (ties broken by the whole string). */
  static boolean older(String a, String b) {
    long ta = startMillis(a);
    long tb = startMillis(b);
    return ta != tb ? ta < tb : a.compareTo(b) < 0;
  }
}
