package io.fleetlearn.batch;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Maps raw label values to the binary class, e.g. {@code >50K=1,<=50K=0}. Values are compared
 * trimmed and case-insensitively; the entry {@code *=0} (or {@code *=1}) maps every other present
 * value. Each entry is split at its last {@code '='}, so values may themselves contain one. A value
 * matched by no entry is {@link #UNMAPPED}.
 */
public final class LabelMapping implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Numeric and boolean spellings of the two classes. */
  public static final String DEFAULT = "1=1,0=0,1.0=1,0.0=0,true=1,false=0,yes=1,no=0";

  /** What {@link #apply} returns for a value no entry maps. */
  public static final int UNMAPPED = -1;

  private static final String OTHERWISE = "*";

  private final LinkedHashMap<String, Integer> entries;
  private final LinkedHashMap<String, Integer> byLowerCase;
  private final int otherwise;

  private LabelMapping(LinkedHashMap<String, Integer> entries) {
    this.entries = entries;
    this.byLowerCase = new LinkedHashMap<>();
    int other = UNMAPPED;
    for (Map.Entry<String, Integer> e : entries.entrySet()) {
      if (e.getKey().equals(OTHERWISE)) {
        other = e.getValue();
      } else {
        Integer previous = byLowerCase.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue());
        if (previous != null && !previous.equals(e.getValue())) {
          throw new IllegalArgumentException(
              "label value " + e.getKey() + " is mapped to both 0 and 1");
        }
      }
    }
    this.otherwise = other;
  }

  /** Parses {@code value=class,value=class,...} with classes 0 or 1. */
  public static LabelMapping parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("the label mapping is empty");
    }
    LinkedHashMap<String, Integer> m = new LinkedHashMap<>();
    for (String entry : spec.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int eq = entry.lastIndexOf('=');
      String value = eq < 0 ? "" : entry.substring(0, eq).trim();
      String cls = eq < 0 ? "" : entry.substring(eq + 1).trim();
      if (value.isEmpty() || !(cls.equals("0") || cls.equals("1"))) {
        throw new IllegalArgumentException(
            "label mapping entry must be VALUE=0 or VALUE=1, got \"" + entry.trim() + "\"");
      }
      m.put(value, Integer.parseInt(cls));
    }
    LabelMapping mapping = new LabelMapping(m);
    if (!mapping.entries.containsValue(0) || !mapping.entries.containsValue(1)) {
      throw new IllegalArgumentException(
          "the label mapping must name at least one value of each class: " + spec);
    }
    return mapping;
  }

  public static LabelMapping defaults() {
    return parse(DEFAULT);
  }

  /** 0 or 1 for a present (non-missing) raw value, or {@link #UNMAPPED}. */
  public int apply(String raw) {
    Integer c = byLowerCase.get(raw.trim().toLowerCase(Locale.ROOT));
    return c != null ? c : otherwise;
  }

  /** The entries as given, in order ({@code *} included). */
  public Map<String, Integer> entries() {
    return Collections.unmodifiableMap(entries);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelMapping && ((LabelMapping) o).entries.equals(entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return "LabelMapping" + entries;
  }
}
