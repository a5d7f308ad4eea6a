package io.fleetlearn.registry;

import io.fleetlearn.drift.ReferenceProfile;
import io.fleetlearn.training.ClassificationMetrics;
import java.util.Objects;

/**
 * A machine's registry entry, kept in keyed state: the champion's version and model (UBJ bytes),
 * the window it was trained on, and its holdout metrics at training time (the baseline its decay is
 * measured against). Immutable: the registry replaces it on promotion.
 */
public final class ChampionState {
  private final long version;
  private final byte[] model;
  private final String modelSha256;
  private final long windowStart;
  private final long windowEnd;
  private final ClassificationMetrics trainingMetrics;
  private final ReferenceProfile reference;

  public ChampionState(
      long version,
      byte[] model,
      String modelSha256,
      long windowStart,
      long windowEnd,
      ClassificationMetrics trainingMetrics,
      ReferenceProfile reference) {
    this.version = version;
    this.model = Objects.requireNonNull(model);
    this.modelSha256 = Objects.requireNonNull(modelSha256);
    this.windowStart = windowStart;
    this.windowEnd = windowEnd;
    this.trainingMetrics = Objects.requireNonNull(trainingMetrics);
    this.reference = Objects.requireNonNull(reference);
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
