package io.fleetlearn.drift;

import java.io.Serializable;

/**
 * When drift is reported and how loudly. PSI is the deciding statistic (the industry's rule of
 * thumb: below 0.1 stable, 0.1 to 0.25 a moderate shift worth a look, above 0.25 a significant
 * shift); KS and Jensen-Shannon are reported alongside for diagnosis. A window with fewer than
 * {@code minEvents} sampled events is reported as INSUFFICIENT_DATA rather than alarming: PSI on a
 * few dozen events is mostly noise.
 */
public final class DriftThresholds implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double psiWarn;
  private final double psiDrift;
  private final int minEvents;
  private final double epsilon;

  public DriftThresholds(double psiWarn, double psiDrift, int minEvents) {
    if (!(psiWarn > 0 && psiDrift >= psiWarn) || minEvents < 1) {
      throw new IllegalArgumentException("need 0 < psiWarn <= psiDrift and minEvents >= 1");
    }
    this.psiWarn = psiWarn;
    this.psiDrift = psiDrift;
    this.minEvents = minEvents;
    this.epsilon = 1e-4;
  }

  /** PSI 0.1 warn, 0.25 drift, at least 100 events. */
  public static DriftThresholds defaults() {
    return new DriftThresholds(0.1, 0.25, 100);
  }

  public double psiWarn() {
    return psiWarn;
  }

  public double psiDrift() {
    return psiDrift;
  }

  public int minEvents() {
    return minEvents;
  }

  /** Smoothing of empty bins in PSI (see {@link DriftMath#psi}). */
  public double epsilon() {
    return epsilon;
  }
}
