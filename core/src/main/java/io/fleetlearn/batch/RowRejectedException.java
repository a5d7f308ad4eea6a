package io.fleetlearn.batch;

/**
 * Signals that one history row cannot be used, with a stable {@link RowRejectReason} and a detail
 * for people. Thrown per row and caught by the step that routes the row to the rejected output, so
 * it carries no stack trace.
 */
public final class RowRejectedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final RowRejectReason reason;

  public RowRejectedException(RowRejectReason reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
  }

  public RowRejectReason reason() {
    return reason;
  }

  public String detail() {
    return getMessage();
  }
}
