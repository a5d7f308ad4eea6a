package io.fleetlearn.scoring;

/**
 * A model that the pure-Java {@link TreeEnsemble} cannot evaluate exactly (the reason says why).
 */
public final class UnsupportedModelException extends Exception {
  private static final long serialVersionUID = 1L;

  public UnsupportedModelException(String reason) {
    super(reason);
  }
}
