package io.fleetlearn.training;

import java.util.Objects;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The fleet model a machine's candidates start from: its UBJ bytes, the alert threshold it carries
 * and its version (the {@code @fleet} champion's in the stream, 0 for the batch global model).
 * Immutable; the bytes are not copied and must not be changed.
 *
 * <p>It may carry a {@link Scorer} of the same model, read once for the many machines it is offered
 * to; without one the trainer loads the model into xgboost4j for each machine.
 */
public final class FleetBaseline {
  private final long version;
  private final byte[] model;
  private final double threshold;
  private final @Nullable Scorer scorer;

  /** Scores rows with the fleet model as it is, exactly as xgboost4j would (within 1e-6). */
  public interface Scorer {
    /** Features the model reads. */
    int features();

    /** Scores {@code rows} rows of a row-major matrix into {@code out}. */
    void predict(float[] data, int rows, int cols, float[] out);
  }

  public FleetBaseline(long version, byte[] model, double threshold) {
    this(version, model, threshold, null);
  }

  /**
   * @param scorer the same model, ready to score; null to have the trainer load it
   */
  public FleetBaseline(long version, byte[] model, double threshold, @Nullable Scorer scorer) {
    this.version = version;
    this.model = Objects.requireNonNull(model);
    this.threshold = threshold;
    this.scorer = scorer;
  }

  /** The model ready to score, when the caller has read it already; else null. */
  public @Nullable Scorer scorer() {
    return scorer;
  }

  public long version() {
    return version;
  }

  public byte[] model() {
    return model;
  }

  /**
   * Whether the model was trained before the window it is offered to, so that none of that window's
   * rows are in its training data: the stream's {@code @fleet} champions (version 1 on) are trained
   * on earlier windows; the batch global model (version 0) on every entity's training rows.
   */
  public boolean unseenWindow() {
    return version > 0;
  }

  /** The fleet model's own alert threshold; NaN when it carries none. */
  public double threshold() {
    return threshold;
  }
}
