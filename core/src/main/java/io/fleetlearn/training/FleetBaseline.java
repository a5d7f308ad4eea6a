package io.fleetlearn.training;

import java.util.Objects;

/**
 * The fleet model a machine's candidates start from: its UBJ bytes, the alert threshold it carries
 * and its version (the {@code @fleet} champion's in the stream, 0 for the batch global model).
 * Immutable; the bytes are not copied and must not be changed.
 */
public final class FleetBaseline {
  private final long version;
  private final byte[] model;
  private final double threshold;

  public FleetBaseline(long version, byte[] model, double threshold) {
    this.version = version;
    this.model = Objects.requireNonNull(model);
    this.threshold = threshold;
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
