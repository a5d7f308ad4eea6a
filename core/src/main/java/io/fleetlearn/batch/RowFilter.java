package io.fleetlearn.batch;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Keeps the rows whose columns hold one of the allowed values, e.g. {@code Type=L,M} or {@code
 * Type=L,M;country=DE}: conditions are separated by {@code ;} and must all hold; within one, the
 * column is everything before the first {@code '='} and the allowed values are comma-separated.
 * Values are compared trimmed and case-sensitively; a row with no value in a filtered column is
 * dropped. The empty filter keeps every row.
 */
public final class RowFilter implements Serializable {
  private static final long serialVersionUID = 1L;

  private final LinkedHashMap<String, LinkedHashSet<String>> conditions;

  private RowFilter(LinkedHashMap<String, LinkedHashSet<String>> conditions) {
    this.conditions = conditions;
  }

  public static RowFilter none() {
    return new RowFilter(new LinkedHashMap<>());
  }

  public static RowFilter parse(@Nullable String spec) {
    LinkedHashMap<String, LinkedHashSet<String>> c = new LinkedHashMap<>();
    if (spec != null) {
      for (String cond : spec.split(";")) {
        if (cond.isBlank()) {
          continue;
        }
        int eq = cond.indexOf('=');
        String column = eq < 0 ? "" : cond.substring(0, eq).trim();
        LinkedHashSet<String> values = new LinkedHashSet<>();
        if (eq >= 0) {
          for (String v : cond.substring(eq + 1).split(",")) {
            if (!v.isBlank()) {
              values.add(v.trim());
            }
          }
        }
        if (column.isEmpty() || values.isEmpty()) {
          throw new IllegalArgumentException(
              "filter condition must be COLUMN=VALUE[,VALUE...], got \"" + cond.trim() + "\"");
        }
        if (c.put(column, values) != null) {
          throw new IllegalArgumentException("filter names column " + column + " twice");
        }
      }
    }
    return new RowFilter(c);
  }

  public boolean isEmpty() {
    return conditions.isEmpty();
  }

  /** The filtered columns. */
  public List<String> columns() {
    return new ArrayList<>(conditions.keySet());
  }

  /** The allowed values of each filtered column. */
  public Map<String, Set<String>> conditions() {
    return Collections.unmodifiableMap(conditions);
  }

  /** Whether the row whose raw values {@code valueOf} returns passes every condition. */
  public boolean matches(Function<String, @Nullable String> valueOf) {
    for (Map.Entry<String, LinkedHashSet<String>> e : conditions.entrySet()) {
      String v = valueOf.apply(e.getKey());
      if (v == null || !e.getValue().contains(v.trim())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RowFilter && ((RowFilter) o).conditions.equals(conditions);
  }

  @Override
  public int hashCode() {
    return conditions.hashCode();
  }

  @Override
  public String toString() {
    return "RowFilter" + conditions;
  }
}
