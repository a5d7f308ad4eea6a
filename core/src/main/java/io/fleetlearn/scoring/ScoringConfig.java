package io.fleetlearn.scoring;

import java.io.Serializable;
import java.util.Arrays;

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
  private final int[] shardKeys;
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
    this.shardKeys = b.shardKeys == null ? identity(b.fleetShards) : b.shardKeys.clone();
    if (shardKeys.length != fleetShards
        || Arrays.stream(shardKeys).distinct().count() != fleetShards) {
      throw new IllegalArgumentException(
          "shard keys must be " + fleetShards + " distinct integers, one per fleet shard");
    }
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

  /**
   * Shards the steps keyed by shard are spread over (the trainers and the fleet scorer); each holds
   * a copy of the fleet model.
   */
  public int fleetShards() {
    return fleetShards;
  }

  /**
   * The key of each shard, in shard order: 0 to {@code fleetShards - 1} unless the runner chose
   * keys that it spreads evenly over its workers ({@link Builder#shardKeys}).
   */
  public int[] shardKeys() {
    return shardKeys.clone();
  }

  /**
   * The key of the shard a machine belongs to: its id's hash modulo the shards, stable across JVMs
   * (String.hashCode is specified).
   */
  public int shardKey(String machineId) {
    return shardKeys[Math.floorMod(machineId.hashCode(), fleetShards)];
  }

  private static int[] identity(int n) {
    int[] keys = new int[Math.max(0, n)];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = i;
    }
    return keys;
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
    private int[] shardKeys;
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

    /**
     * The key of each fleet shard (as many distinct integers as shards); without it, 0 to {@code
     * fleetShards - 1}.
     */
    public Builder shardKeys(int[] v) {
      shardKeys = v.clone();
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
