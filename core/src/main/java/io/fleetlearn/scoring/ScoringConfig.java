package io.fleetlearn.scoring;

import java.io.Serializable;

/**
 * How events are scored: whether at all, the alert threshold, the fleet model (on or off, its
 * sample size per window, and over how many keys its model is broadcast) and how many parsed models
 * each scoring instance keeps in memory. Immutable.
 */
public final class ScoringConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  private final boolean enabled;
  private final double alertThreshold;
  private final boolean fleetModel;
  private final int fleetSampleCapacity;
  private final int fleetShards;
  private final int cacheSize;

  private ScoringConfig(Builder b) {
    if (!(b.alertThreshold >= 0 && b.alertThreshold <= 1)) {
      throw new IllegalArgumentException("alert threshold must be in [0, 1]");
    }
    if (b.fleetSampleCapacity < 10 || b.fleetShards < 1 || b.cacheSize < 1) {
      throw new IllegalArgumentException(
          "fleet sample capacity must be >= 10, fleet shards and cache size >= 1");
    }
    this.enabled = b.enabled;
    this.alertThreshold = b.alertThreshold;
    this.fleetModel = b.fleetModel;
    this.fleetSampleCapacity = b.fleetSampleCapacity;
    this.fleetShards = b.fleetShards;
    this.cacheSize = b.cacheSize;
  }

  /** No scoring, no fleet model: the retraining flow alone. */
  public static ScoringConfig disabled() {
    return builder().enabled(false).fleetModel(false).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public boolean enabled() {
    return enabled;
  }

  /** A prediction with probability at or above this raises an alert. */
  public double alertThreshold() {
    return alertThreshold;
  }

  /** Whether a fleet model is trained per window and scores machines without a champion. */
  public boolean fleetModel() {
    return fleetModel;
  }

  public int fleetSampleCapacity() {
    return fleetSampleCapacity;
  }

  /** Keys the fleet scorer is spread over; each holds a copy of the fleet model. */
  public int fleetShards() {
    return fleetShards;
  }

  /** Parsed models kept per scoring instance (least recently used are dropped). */
  public int cacheSize() {
    return cacheSize;
  }

  /** Builder with the documented defaults (scoring and fleet model on). */
  public static final class Builder {
    private boolean enabled = true;
    private double alertThreshold = 0.5;
    private boolean fleetModel = true;
    private int fleetSampleCapacity = 5000;
    private int fleetShards = 16;
    private int cacheSize = 10_000;

    public Builder enabled(boolean v) {
      enabled = v;
      return this;
    }

    public Builder alertThreshold(double v) {
      alertThreshold = v;
      return this;
    }

    public Builder fleetModel(boolean v) {
      fleetModel = v;
      return this;
    }

    public Builder fleetSampleCapacity(int v) {
      fleetSampleCapacity = v;
      return this;
    }

    public Builder fleetShards(int v) {
      fleetShards = v;
      return this;
    }

    public Builder cacheSize(int v) {
      cacheSize = v;
      return this;
    }

    public ScoringConfig build() {
      return new ScoringConfig(this);
    }
  }
}
