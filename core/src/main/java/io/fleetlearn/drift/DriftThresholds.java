package io.fleetlearn.drift;

import java.io.Serializable;

/**
 * When drift is reported and how loudly. A shift needs two things to count: evidence and size.
 *
 * <ul>
 *   <li><b>Evidence</b>: every report tests each feature (chi-square on pooled quantile bins,
 *       {@link TwoSampleChiSquare}), the champion's scores (the same test) and the defect rate
 *       (Fisher's exact test), and adjusts the p-values of that family with Holm's method. A test
 *       counts for DRIFT when its adjusted p-value is at most {@code alphaDrift}, for WARN at most
 *       {@code alphaWarn}: so a window with no change at all is DRIFT with probability at most
 *       {@code alphaDrift}, and WARN or DRIFT at most {@code alphaWarn}, at any window and
 *       reference size.
 *   <li><b>Size</b>: the same test also needs an effect at least as large as a floor, so that huge
 *       windows, where a trivial shift is significant, do not alarm: PSI (over the reference's
 *       bins) at least {@code psiDrift} / {@code psiWarn} for a feature or the scores, Cohen's h of
 *       the defect rates at least {@code labelHDrift} / {@code labelHWarn} for the label.
 * </ul>
 *
 * A window with fewer than {@code minEvents} sampled events is INSUFFICIENT_DATA. The defaults and
 * the measurements behind them are in docs/drift.md.
 */
public final class DriftThresholds implements Serializable {
  private static final long serialVersionUID = 2L;

  /** Default family-wise level of a WARN. */
  public static final double ALPHA_WARN = 0.01;

  /** Default family-wise level of a DRIFT. */
  public static final double ALPHA_DRIFT = 0.001;

  /** Default smallest PSI of a WARN (the rule of thumb's "moderate shift"). */
  public static final double PSI_WARN = 0.1;

  /** Default smallest PSI of a DRIFT (the rule of thumb's "significant shift"). */
  public static final double PSI_DRIFT = 0.25;

  /** Default smallest Cohen's h of the defect rates for a WARN. */
  public static final double LABEL_H_WARN = 0.1;

  /** Default smallest Cohen's h of the defect rates for a DRIFT. */
  public static final double LABEL_H_DRIFT = 0.2;

  /** Default fewest sampled events of a window with statistics. */
  public static final int MIN_EVENTS = 100;

  private final double alphaWarn;
  private final double alphaDrift;
  private final double psiWarn;
  private final double psiDrift;
  private final double labelHWarn;
  private final double labelHDrift;
  private final int minEvents;
  private final double epsilon;

  private DriftThresholds(Builder b) {
    if (!(b.alphaDrift > 0 && b.alphaDrift <= b.alphaWarn && b.alphaWarn < 1)) {
      throw new IllegalArgumentException(
          "need 0 < alphaDrift <= alphaWarn < 1, got alphaDrift="
              + b.alphaDrift
              + ", alphaWarn="
              + b.alphaWarn);
    }
    if (!(b.psiWarn >= 0 && b.psiDrift >= b.psiWarn && b.psiDrift < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(
          "need 0 <= psiWarn <= psiDrift, got psiWarn=" + b.psiWarn + ", psiDrift=" + b.psiDrift);
    }
    if (!(b.labelHWarn >= 0 && b.labelHDrift >= b.labelHWarn && b.labelHDrift <= Math.PI)) {
      throw new IllegalArgumentException(
          "need 0 <= labelHWarn <= labelHDrift <= pi, got labelHWarn="
              + b.labelHWarn
              + ", labelHDrift="
              + b.labelHDrift);
    }
    if (b.minEvents < 1) {
      throw new IllegalArgumentException("minEvents must be >= 1, got " + b.minEvents);
    }
    this.alphaWarn = b.alphaWarn;
    this.alphaDrift = b.alphaDrift;
    this.psiWarn = b.psiWarn;
    this.psiDrift = b.psiDrift;
    this.labelHWarn = b.labelHWarn;
    this.labelHDrift = b.labelHDrift;
    this.minEvents = b.minEvents;
    this.epsilon = 1e-4;
  }

  /** The defaults: see the constants. */
  public static DriftThresholds defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .alphaWarn(alphaWarn)
        .alphaDrift(alphaDrift)
        .psiWarn(psiWarn)
        .psiDrift(psiDrift)
        .labelHWarn(labelHWarn)
        .labelHDrift(labelHDrift)
        .minEvents(minEvents);
  }

  /** Holm-adjusted p-value at or below which a test can make a WARN. */
  public double alphaWarn() {
    return alphaWarn;
  }

  /** Holm-adjusted p-value at or below which a test can make a DRIFT. */
  public double alphaDrift() {
    return alphaDrift;
  }

  /** Smallest PSI of a feature or of the scores that can make a WARN. */
  public double psiWarn() {
    return psiWarn;
  }

  /** Smallest PSI of a feature or of the scores that can make a DRIFT. */
  public double psiDrift() {
    return psiDrift;
  }

  /** Smallest |Cohen's h| of the defect rates that can make a WARN. */
  public double labelHWarn() {
    return labelHWarn;
  }

  /** Smallest |Cohen's h| of the defect rates that can make a DRIFT. */
  public double labelHDrift() {
    return labelHDrift;
  }

  public int minEvents() {
    return minEvents;
  }

  /** Smoothing of empty bins in PSI (see {@link DriftMath#psi}). */
  public double epsilon() {
    return epsilon;
  }

  @Override
  public String toString() {
    return "DriftThresholds{alphaWarn="
        + alphaWarn
        + ", alphaDrift="
        + alphaDrift
        + ", psiWarn="
        + psiWarn
        + ", psiDrift="
        + psiDrift
        + ", labelHWarn="
        + labelHWarn
        + ", labelHDrift="
        + labelHDrift
        + ", minEvents="
        + minEvents
        + "}";
  }

  /** Builder; every setting starts at its default. */
  public static final class Builder {
    private double alphaWarn = ALPHA_WARN;
    private double alphaDrift = ALPHA_DRIFT;
    private double psiWarn = PSI_WARN;
    private double psiDrift = PSI_DRIFT;
    private double labelHWarn = LABEL_H_WARN;
    private double labelHDrift = LABEL_H_DRIFT;
    private int minEvents = MIN_EVENTS;

    private Builder() {}

    public Builder alphaWarn(double v) {
      alphaWarn = v;
      return this;
    }

    public Builder alphaDrift(double v) {
      alphaDrift = v;
      return this;
    }

    public Builder psiWarn(double v) {
      psiWarn = v;
      return this;
    }

    public Builder psiDrift(double v) {
      psiDrift = v;
      return this;
    }

    public Builder labelHWarn(double v) {
      labelHWarn = v;
      return this;
    }

    public Builder labelHDrift(double v) {
      labelHDrift = v;
      return this;
    }

    public Builder minEvents(int v) {
      minEvents = v;
      return this;
    }

    public DriftThresholds build() {
      return new DriftThresholds(this);
    }
  }
}
