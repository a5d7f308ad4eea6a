package io.fleetlearn.training;

/**
 * Which of the three candidates a machine's (or entity's) model is:
 *
 * <ul>
 *   <li>{@link #OWN}: trained on the machine's own rows only;
 *   <li>{@link #FLEET_TUNED}: the fleet model continued with a few boosting rounds on the machine's
 *       rows (a complete model on its own);
 *   <li>{@link #FLEET}: the fleet model as it is.
 * </ul>
 */
public enum ModelKind {
  OWN,
  FLEET_TUNED,
  FLEET;

  /** The kind named {@code s} (case-insensitive, {@code -} for {@code _}). */
  public static ModelKind parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown model kind '" + s + "', expected OWN, FLEET_TUNED or FLEET", e);
    }
  }
}
