package io.fleetlearn.drift;

import java.util.Locale;

/**
 * Prints the false-alarm and power tables of docs/drift.md, measured by simulation with {@link
 * DriftSimulation} and the default thresholds (minimum events 1). Deterministic: the same seeds
 * print the same numbers. Not a test; run it with
 *
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=target/test-classpath.txt
 * java -cp target/classes:target/test-classes:$(cat target/test-classpath.txt) \
 *     io.fleetlearn.drift.DriftPowerTable
 * </pre>
 *
 * (a few minutes on one core).
 */
public final class DriftPowerTable {
  private static final DriftThresholds THRESHOLDS =
      DriftThresholds.defaults().toBuilder().minEvents(1).build();
  private static final int[] SIZES = {50, 150, 500, 5_000};
  private static final double[] SHIFTS = {0.25, 0.5, 0.75, 1.0};

  private DriftPowerTable() {}

  public static void main(String[] args) {
    System.out.println("False alarms, no change (reference of m events, window of n):\n");
    System.out.println("| n | m | windows | DRIFT | WARN or DRIFT |");
    System.out.println("|---:|---:|---:|---:|---:|");
    int[][] pairs = {{50, 50}, {150, 150}, {500, 500}, {5_000, 5_000}, {600, 100}, {100, 600}};
    for (int[] p : pairs) {
      int windows = p[0] >= 5_000 ? 2_000 : p[0] >= 500 ? 10_000 : 40_000;
      nullRow(p[0], p[1], windows, 100 + p[0] + p[1]);
    }
    for (int features : new int[] {2, 1}) {
      System.out.printf(
          Locale.ROOT,
          "%nDRIFT per window / within two windows, mean of %s shifted (m = n):%n%n",
          features == 2 ? "two features" : "one feature");
      System.out.println("| n | 0.25 sd | 0.5 sd | 0.75 sd | 1 sd |");
      System.out.println("|---:|---:|---:|---:|---:|");
      for (int n : SIZES) {
        StringBuilder row = new StringBuilder("| " + n + " |");
        for (double shift : SHIFTS) {
          double[] p = power(n, features, shift, machines(n), 1000L * n + features);
          row.append(String.format(Locale.ROOT, " %.1f %% / %.1f %% |", 100 * p[0], 100 * p[1]));
        }
        System.out.println(row);
      }
    }
    System.out.println(
        "\nSmallest mean shift (steps of 0.05 sd) caught as DRIFT within two windows in at least"
            + " 95 % of machines:\n");
    System.out.println("| n | two features | one feature |");
    System.out.println("|---:|---:|---:|");
    for (int n : SIZES) {
      System.out.printf(
          Locale.ROOT, "| %d | %.2f sd | %.2f sd |%n", n, smallestShift(n, 2), smallestShift(n, 1));
    }
  }

  private static int machines(int n) {
    return n >= 5_000 ? 200 : 1_000;
  }

  private static void nullRow(int n, int m, int windows, long seed) {
    DriftSimulation sim = new DriftSimulation(THRESHOLDS, seed);
    int drift = 0;
    int alarm = 0;
    for (int k = 0; k < windows; k++) {
      DriftReport.Status s = sim.reportOfNewPair(m, n, 0, 0).status();
      drift += s == DriftReport.Status.DRIFT ? 1 : 0;
      alarm += s == DriftReport.Status.DRIFT || s == DriftReport.Status.WARN ? 1 : 0;
    }
    System.out.printf(
        Locale.ROOT,
        "| %d | %d | %d | %.2f %% | %.2f %% |%n",
        n,
        m,
        windows,
        100.0 * drift / windows,
        100.0 * alarm / windows);
  }

  /** {share DRIFT in the first window, share DRIFT in the first or second}. */
  private static double[] power(int n, int features, double shift, int machines, long seed) {
    DriftSimulation sim = new DriftSimulation(THRESHOLDS, seed);
    int first = 0;
    int either = 0;
    for (int k = 0; k < machines; k++) {
      ReferenceProfile reference = sim.reference(n);
      boolean a = sim.report(reference, n, features, shift).drifted();
      boolean b = sim.report(reference, n, features, shift).drifted();
      first += a ? 1 : 0;
      either += a || b ? 1 : 0;
    }
    return new double[] {first / (double) machines, either / (double) machines};
  }

  private static double smallestShift(int n, int features) {
    for (int step = 1; step <= 60; step++) {
      double shift = step * 0.05;
      if (power(n, features, shift, machines(n), 7L * n + step + features)[1] >= 0.95) {
        return shift;
      }
    }
    return Double.NaN;
  }
}
