package io.fleetlearn.batch;

import java.util.Locale;

/** The file format of the per-entity model files: XGBoost's UBJ (default) or JSON. */
public enum ModelFormat {
  UBJ("ubj", "xgboost-ubj"),
  JSON("json", "xgboost-json");

  private final String extension;
  private final String label;

  ModelFormat(String extension, String label) {
    this.extension = extension;
    this.label = label;
  }

  /**
   * File extension without the dot, which is also the name xgboost4j's {@code toByteArray} takes.
   */
  public String extension() {
    return extension;
  }

  /** The name written into metadata ({@code xgboost-ubj} / {@code xgboost-json}). */
  public String label() {
    return label;
  }

  public static ModelFormat parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("--modelFormat must be ubj or json, got " + s);
    }
  }
}
