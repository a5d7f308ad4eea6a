package io.fleetlearn.event;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ordered feature names every model of a deployment uses. The order fixes the column of each
 * feature in training matrices and in the models themselves, so it must not change while models
 * trained under it are in use.
 */
public final class FeatureSchema implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The features of the sensor-event contract's example. */
  public static final List<String> DEFAULT_FEATURES =
      List.of("temperature", "vibration", "pressure", "current");

  private final String[] names;
  private final Map<String, Integer> index;

  private FeatureSchema(String[] names) {
    if (names.length == 0) {
      throw new IllegalArgumentException("a feature schema needs at least one feature");
    }
    Map<String, Integer> idx = new HashMap<>();
    for (int i = 0; i < names.length; i++) {
      String n = names[i];
      if (n == null || n.isEmpty()) {
        throw new IllegalArgumentException("feature names must be non-empty");
      }
      if (idx.put(n, i) != null) {
        throw new IllegalArgumentException("duplicate feature name: " + n);
      }
    }
    this.names = names;
    this.index = idx;
  }

  public static FeatureSchema of(List<String> names) {
    return new FeatureSchema(names.toArray(new String[0]));
  }

  public static FeatureSchema of(String... names) {
    return new FeatureSchema(names.clone());
  }

  public static FeatureSchema defaults() {
    return of(DEFAULT_FEATURES);
  }

  /** Parses a comma-separated list such as {@code temperature,vibration}. */
  public static FeatureSchema parse(String csv) {
    return new FeatureSchema(
        Arrays.stream(csv.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toArray(String[]::new));
  }

  public int size() {
    return names.length;
  }

  public String name(int i) {
    return names[i];
  }

  /** The column of {@code name}, or -1 when the schema has no such feature. */
  public int indexOf(String name) {
    Integer i = index.get(name);
    return i == null ? -1 : i;
  }

  public List<String> names() {
    return Collections.unmodifiableList(Arrays.asList(names));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureSchema && Arrays.equals(names, ((FeatureSchema) o).names);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(names);
  }

  @Override
  public String toString() {
    return String.join(",", names);
  }
}
