package io.fleetlearn.scoring;

import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.registry.ModelUpdate;
import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What the scoring DoFns receive on their single keyed input: either an event to score or a newly
 * promoted model (version, sha256, UBJ bytes and its alert threshold). Beam's stateful DoFns take
 * one input, so events and promotions are flattened into this tagged union with an explicit coder
 * ({@link ScoringInputCoder}).
 */
public final class ScoringInput {
  private final @Nullable SensorEvent event;
  private final long version;
  private final @Nullable String sha256;
  private final byte @Nullable [] model;
  private final double threshold;

  private ScoringInput(
      @Nullable SensorEvent event,
      long version,
      @Nullable String sha256,
      byte @Nullable [] model,
      double threshold) {
    this.event = event;
    this.version = version;
    this.sha256 = sha256;
    this.model = model;
    this.threshold = threshold;
  }

  public static ScoringInput event(SensorEvent e) {
    return new ScoringInput(Objects.requireNonNull(e), 0, null, null, Double.NaN);
  }

  /** A model without a threshold of its own (the scorer's default applies). */
  public static ScoringInput model(long version, String sha256, byte[] model) {
    return model(version, sha256, model, Double.NaN);
  }

  /**
   * @param threshold the model's alert threshold; NaN when it has none
   */
  public static ScoringInput model(long version, String sha256, byte[] model, double threshold) {
    return new ScoringInput(
        null, version, Objects.requireNonNull(sha256), Objects.requireNonNull(model), threshold);
  }

  /** The champion a model update carries; the update must have a model. */
  public static ScoringInput model(ModelUpdate u) {
    if (u.model() == null) {
      throw new IllegalArgumentException("the update of " + u.machineId() + " carries no model");
    }
    return model(u.version(), u.modelSha256(), u.model(), u.modelThreshold());
  }

  /** The model's alert threshold; NaN when it carries none. */
  public double threshold() {
    return threshold;
  }

  public boolean isEvent() {
    return event != null;
  }

  public SensorEvent event() {
    if (event == null) {
      throw new IllegalStateException("not an event");
    }
    return event;
  }

  public long version() {
    return version;
  }

  public String sha256() {
    if (sha256 == null) {
      throw new IllegalStateException("not a model");
    }
    return sha256;
  }

  public byte[] model() {
    if (model == null) {
      throw new IllegalStateException("not a model");
    }
    return model;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ScoringInput)) {
      return false;
    }
    ScoringInput s = (ScoringInput) o;
    return Objects.equals(event, s.event)
        && version == s.version
        && Objects.equals(sha256, s.sha256);
  }

  @Override
  public int hashCode() {
    return Objects.hash(event, version, sha256);
  }

  @Override
  public String toString() {
    return event != null ? "ScoringInput{" + event + "}" : "ScoringInput{model v" + version + "}";
  }
}
