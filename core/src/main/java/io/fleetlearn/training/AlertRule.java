package io.fleetlearn.training;

/**
 * When a score raises an alert: at or above the threshold, except that a threshold of 1 (or more)
 * never alerts. The exception is what lets a model say "no alerts" within the documented range of
 * thresholds: XGBoost's float probability can round to exactly 1.0 for a large margin, and a
 * threshold of 1 must not alert on it. Every place that turns a score into an alert (predictions,
 * the registry client, measured precision and recall) uses this rule.
 */
public final class AlertRule {
  /** The threshold of a model that alerts on nothing. */
  public static final double NO_ALERTS = 1.0;

  private AlertRule() {}

  /** Whether {@code score} raises an alert at {@code threshold}. */
  public static boolean alerts(double score, double threshold) {
    return threshold < NO_ALERTS && score >= threshold;
  }
}
