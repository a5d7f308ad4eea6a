package io.fleetlearn.pipeline;

import io.fleetlearn.drift.DriftThresholds;
import io.fleetlearn.event.EventLimits;
import io.fleetlearn.event.FeatureSchema;
import io.fleetlearn.metrics.MetricsConfig;
import io.fleetlearn.registry.PromotionPolicy;
import io.fleetlearn.registry.RegistrySeeds;
import io.fleetlearn.scoring.ScoringConfig;
import io.fleetlearn.training.TrainingParams;
import java.io.Serializable;
import org.joda.time.Duration;

/**
 * Everything the per-machine retraining transforms need, independent of where events come from: the
 * feature schema, input limits, windowing, reservoir size, training parameters, promotion policy,
 * and where the workers expose their metrics. Built from pipeline options by the app, or directly
 * by tests (where the metrics endpoint is off by default).
 */
public final class RetrainingConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  private final FeatureSchema schema;
  private final EventLimits limits;
  private final Duration windowSize;
  private final Duration allowedLateness;
  private final Duration lateFiringDelay;
  private final int reservoirCapacity;
  private final TrainingParams training;
  private final PromotionPolicy promotion;
  private final Duration stateRetention;
  private final DriftThresholds drift;
  private final MetricsConfig metrics;
  private final RegistrySeeds seeds;
  private final ScoringConfig scoring;

  private RetrainingConfig(Builder b) {
    if (b.windowSize.getMillis() <= 0 || b.allowedLateness.getMillis() < 0) {
      throw new IllegalArgumentException("window size must be > 0 and allowed lateness >= 0");
    }
    if (b.reservoirCapacity < 10) {
      throw new IllegalArgumentException("reservoir capacity must be at least 10");
    }
    this.schema = b.schema;
    this.limits = b.limits;
    this.windowSize = b.windowSize;
    this.allowedLateness = b.allowedLateness;
    this.lateFiringDelay = b.lateFiringDelay;
    this.reservoirCapacity = b.reservoirCapacity;
    this.training = b.training;
    this.promotion = b.promotion;
    this.stateRetention = b.stateRetention;
    this.drift = b.drift;
    this.metrics = b.metrics;
    this.seeds = b.seeds;
    this.scoring = b.scoring;
  }

  public static Builder builder() {
    return new Builder();
  }

  public FeatureSchema schema() {
    return schema;
  }

  public EventLimits limits() {
    return limits;
  }

  public Duration windowSize() {
    return windowSize;
  }

  public Duration allowedLateness() {
    return allowedLateness;
  }

  public Duration lateFiringDelay() {
    return lateFiringDelay;
  }

  public int reservoirCapacity() {
    return reservoirCapacity;
  }

  public TrainingParams training() {
    return training;
  }

  public PromotionPolicy promotion() {
    return promotion;
  }

  public Duration stateRetention() {
    return stateRetention;
  }

  public DriftThresholds drift() {
    return drift;
  }

  public MetricsConfig metrics() {
    return metrics;
  }

  /** Where the registry finds existing champions at start-up; none by default. */
  public RegistrySeeds seeds() {
    return seeds;
  }

  /** A copy of this configuration whose registry starts from {@code v}. */
  public RetrainingConfig withSeeds(RegistrySeeds v) {
    Builder b = new Builder();
    b.schema = schema;
    b.limits = limits;
    b.windowSize = windowSize;
    b.allowedLateness = allowedLateness;
    b.lateFiringDelay = lateFiringDelay;
    b.reservoirCapacity = reservoirCapacity;
    b.training = training;
    b.promotion = promotion;
    b.stateRetention = stateRetention;
    b.drift = drift;
    b.metrics = metrics;
    b.seeds = v;
    b.scoring = scoring;
    return b.build();
  }

  /** Online scoring and the fleet model; off unless configured. */
  public ScoringConfig scoring() {
    return scoring;
  }

  /** Builder; defaults match the documented option defaults. */
  public static final class Builder {
    private FeatureSchema schema = FeatureSchema.defaults();
    private EventLimits limits = EventLimits.defaults();
    private Duration windowSize = Duration.standardMinutes(5);
    private Duration allowedLateness = Duration.standardMinutes(1);
    private Duration lateFiringDelay = Duration.standardSeconds(10);
    private int reservoirCapacity = 2000;
    private TrainingParams training = TrainingParams.defaults();
    private PromotionPolicy promotion = PromotionPolicy.defaults();
    private Duration stateRetention = Duration.standardDays(7);
    private DriftThresholds drift = DriftThresholds.defaults();
    private MetricsConfig metrics = MetricsConfig.disabled();
    private RegistrySeeds seeds = RegistrySeeds.none();
    private ScoringConfig scoring = ScoringConfig.disabled();

    public Builder seeds(RegistrySeeds v) {
      seeds = v;
      return this;
    }

    public Builder scoring(ScoringConfig v) {
      scoring = v;
      return this;
    }

    public Builder metrics(MetricsConfig v) {
      metrics = v;
      return this;
    }

    public Builder drift(DriftThresholds v) {
      drift = v;
      return this;
    }

    public Builder schema(FeatureSchema v) {
      schema = v;
      return this;
    }

    public Builder limits(EventLimits v) {
      limits = v;
      return this;
    }

    public Builder windowSize(Duration v) {
      windowSize = v;
      return this;
    }

    public Builder allowedLateness(Duration v) {
      allowedLateness = v;
      return this;
    }

    public Builder lateFiringDelay(Duration v) {
      lateFiringDelay = v;
      return this;
    }

    public Builder reservoirCapacity(int v) {
      reservoirCapacity = v;
      return this;
    }

    public Builder training(TrainingParams v) {
      training = v;
      return this;
    }

    public Builder promotion(PromotionPolicy v) {
      promotion = v;
      return this;
    }

    public Builder stateRetention(Duration v) {
      stateRetention = v;
      return this;
    }

    public RetrainingConfig build() {
      return new RetrainingConfig(this);
    }
  }
}
