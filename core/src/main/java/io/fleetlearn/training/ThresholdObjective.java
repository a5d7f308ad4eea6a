package io.fleetlearn.training;

import java.util.Locale;

/**
 * How a model's alert threshold is chosen on its validation scores ({@link ThresholdChoice}):
 *
 * <ul>
 *   <li>{@link #F1}: the threshold of highest F1;
 *   <li>{@link #PRECISION}: the lowest threshold (so the highest recall) whose precision reaches a
 *       target at the lower end of its 80% confidence interval (Wilson); none when no threshold
 *       does (then the fallback: the fleet model's threshold, or the configured one);
 *   <li>{@link #COST}: the threshold of lowest total cost, a missed defect costing a given multiple
 *       of a false alarm;
 *   <li>{@link #FIXED}: no choice, the configured decision threshold.
 * </ul>
 */
public enum ThresholdObjective {
  F1,
  PRECISION,
  COST,
  FIXED;

  public static ThresholdObjective parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown threshold objective '" + s + "', expected f1, precision, cost or fixed", e);
    }
  }

  /** The lower-case name used in options and records. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
