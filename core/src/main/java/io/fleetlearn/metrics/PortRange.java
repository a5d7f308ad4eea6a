package io.fleetlearn.metrics;

import java.io.Serializable;
import java.util.Objects;

/**
 * A TCP port or an inclusive range of ports, written {@code 9250}, {@code 9250-9259}, or {@code 0}
 * (any free port, chosen by the operating system). An endpoint takes the first free port of its
 * range, so several JVMs on one host (TaskManagers, say) can share one configured range.
 */
public final class PortRange implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Longest range accepted: a scrape configuration has to list every port of it. */
  public static final int MAX_SIZE = 1000;

  private final int from;
  private final int to;

  private PortRange(int from, int to) {
    this.from = from;
    this.to = to;
  }

  public static PortRange of(int from, int to) {
    if (from < 0 || to > 65535 || from > to) {
      throw new IllegalArgumentException("not a port range: " + from + "-" + to);
    }
    if (from == 0 && to != 0) {
      throw new IllegalArgumentException("port 0 (any free port) cannot start a range");
    }
    if (to - from + 1 > MAX_SIZE) {
      throw new IllegalArgumentException(
          "port range " + from + "-" + to + " is longer than " + MAX_SIZE + " ports");
    }
    return new PortRange(from, to);
  }

  /** Parses {@code PORT} or {@code FROM-TO}. */
  public static PortRange parse(String spec) {
    String s = Objects.requireNonNull(spec, "spec").trim();
    try {
      int dash = s.indexOf('-');
      if (dash < 0) {
        int p = Integer.parseInt(s);
        return of(p, p);
      }
      return of(
          Integer.parseInt(s.substring(0, dash).trim()),
          Integer.parseInt(s.substring(dash + 1).trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "not a port or port range: \"" + spec + "\" (use e.g. 9250, 9250-9259, or 0)", e);
    }
  }

  public int from() {
    return from;
  }

  public int to() {
    return to;
  }

  /** True for port 0: the operating system picks a free port. */
  public boolean isAnyFree() {
    return from == 0;
  }

  public int size() {
    return to - from + 1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PortRange && ((PortRange) o).from == from && ((PortRange) o).to == to;
  }

  @Override
  public int hashCode() {
    return 31 * from + to;
  }

  @Override
  public String toString() {
    return from == to ? Integer.toString(from) : from + "-" + to;
  }
}
