package io.fleetlearn.registry;

import io.fleetlearn.drift.ReferenceProfile;
import io.fleetlearn.training.ClassificationMetrics;
import io.fleetlearn.training.ModelKind;
import java.util.Objects;

/**
 * A machine's registry entry, kept in keyed state: the champion's version and model (UBJ bytes),
 * which candidate it is ({@link ModelKind}) and its own alert threshold, the window it was trained
 * on, and its holdout metrics at training time (the baseline its decay is measured against).
 * Immutable: the registry replaces it on promotion and on recalibration.
 */
public final class ChampionState {
  private final long version;
  private final byte[] model;
  private final String modelSha256;
  private final long windowStart;
  private final long windowEnd;
  private final ClassificationMetrics trainingMetrics;
  private final ReferenceProfile reference;
  private final ModelKind kind;
  private final double threshold;

  /** An own model without a threshold of its own (entries written before either existed). */
  public ChampionState(
      long version,
      byte[] model,
      String modelSha256,
      long windowStart,
      long windowEnd,
      ClassificationMetrics trainingMetrics,
      ReferenceProfile reference) {
    this(
        version,
        model,
        modelSha256,
        windowStart,
        windowEnd,
        trainingMetrics,
        reference,
        ModelKind.OWN,
        Double.NaN);
  }

  /**
   * @param threshold the model's alert threshold; NaN when it has none (the scorer's default
   *     applies)
   */
  public ChampionState(
      long version,
      byte[] model,
      String modelSha256,
      long windowStart,
      long windowEnd,
      ClassificationMetrics trainingMetrics,
      ReferenceProfile reference,
      ModelKind kind,
      double threshold) {
    this.version = version;
    this.model = Objects.requireNonNull(model);
    this.modelSha256 = Objects.requireNonNull(modelSha256);
    this.windowStart = windowStart;
    this.windowEnd = windowEnd;
    this.trainingMetrics = Objects.requireNonNull(trainingMetrics);
    this.reference = Objects.requireNonNull(reference);
    this.kind = Objects.requireNonNull(kind);
    this.threshold = threshold;
  }

  /** The same model under a new version with another alert threshold (a recalibration). */
  public ChampionState withThreshold(long newVersion, double newThreshold) {
    return new ChampionState(
        newVersion,
        model,
        modelSha256,
        windowStart,
        windowEnd,
        trainingMetrics,
        reference,
        kind,
        newThreshold);
  }

  public ModelKind kind() {
    return kind;
  }

  /** The model's alert threshold; NaN when it carries none. */
  public double threshold() {
    return threshold;
  }

  public ReferenceProfile reference() {
    return reference;
  }

  public long version() {
    return version;
  }

  public byte[] model() {
    return model;
  }

  public String modelSha256() {
    return modelSha256;
  }

  public long windowStart() {
    return windowStart;
  }

  public long windowEnd() {
    return windowEnd;
  }

  public ClassificationMetrics trainingMetrics() {
    return trainingMetrics;
  }
}
