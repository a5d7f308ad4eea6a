package io.fleetlearn.monitor;

import static io.fleetlearn.monitor.FleetRecords.T0;
import static io.fleetlearn.monitor.FleetRecords.WINDOW;
import static io.fleetlearn.monitor.FleetRecords.metrics;
import static io.fleetlearn.monitor.FleetRecords.report;
import static io.fleetlearn.monitor.FleetRecords.update;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.drift.DriftReport;
import io.fleetlearn.registry.ModelUpdate;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FleetStateTest {
  @Test
  void championMetricsFollowTheDecision() {
    FleetState s = new FleetState();
    s.apply(update("m1", 1, ModelUpdate.Status.PROMOTED, metrics(0.9, 0.6), null, 0, 0));
    int i = s.indexOf("m1");
    assertEquals(1, s.version(i));
    assertEquals(0.9, s.championAuc(i));
    assertEquals(T0 + WINDOW, s.modelTrainedUntilMillis(i));
    // Rejected: the champion stays, measured on the same holdout.
    s.apply(
        update(
            "m1", 1, ModelUpdate.Status.REJECTED, metrics(0.85, 0.5), metrics(0.88, 0.55), 1, 0));
    assertEquals(0.88, s.championAuc(i));
    assertEquals(0.55, s.championF1(i));
    assertEquals(ModelUpdate.Status.REJECTED, s.status(i));
    // Skipped: nothing was measured, the last known champion metrics stay.
    s.apply(update("m1", 1, ModelUpdate.Status.SKIPPED, null, null, 2, 0));
    assertEquals(0.88, s.championAuc(i));
    assertEquals(ModelUpdate.Status.SKIPPED, s.status(i));
    s.apply(
        update("m1", 2, ModelUpdate.Status.PROMOTED, metrics(0.95, 0.7), metrics(0.7, 0.4), 3, 3));
    assertEquals(2, s.version(i));
    assertEquals(0.95, s.championAuc(i));
    assertEquals(T0 + 4 * WINDOW, s.modelTrainedUntilMillis(i));
    // A machine whose first windows are skipped has no model and no metrics.
    s.apply(update("m2", 0, ModelUpdate.Status.SKIPPED, null, null, 0, 0));
    int j = s.indexOf("m2");
    assertEquals(0, s.version(j));
    assertTrue(Double.isNaN(s.championAuc(j)));
    assertEquals(FleetState.NONE, s.modelTrainedUntilMillis(j));
    assertEquals(-1, s.indexOf("m3"));
  }

  @Test
  void aLatePaneOfAnOlderWindowDoesNotRollTheDriftStateBack() {
    FleetState s = new FleetState();
    s.apply(
        report(
            "m1",
            4,
            DriftReport.Status.DRIFT,
            Map.of("vibration", 0.4, "temperature", 0.01),
            Map.of("vibration", 3e-7, "temperature", 0.6),
            0.2,
            0.05));
    s.apply(
        report(
            "m1",
            3,
            DriftReport.Status.STABLE,
            Map.of("vibration", 0.02),
            Map.of("vibration", 0.9),
            0.05,
            0.05));
    int i = s.indexOf("m1");
    assertTrue(s.drifted(i));
    assertEquals(0.4, s.maxPsi(i));
    assertEquals(3e-7, s.minAdjustedPValue(i));
    assertEquals(Set.of("vibration", "temperature"), Set.copyOf(s.features(i)));
    assertEquals(0.4, s.featurePsi(i, s.features(i).indexOf("vibration")));
    assertEquals(0.6, s.featureAdjustedPValue(i, s.features(i).indexOf("temperature")));
    assertEquals(0.2, s.labelRate(i));
    assertEquals(0.05, s.referenceLabelRate(i));
    // The next window without statistics: no PSI, not drifted.
    s.apply(report("m1", 5, DriftReport.Status.INSUFFICIENT_DATA, Map.of(), 0.1, Double.NaN));
    assertFalse(s.drifted(i));
    assertTrue(Double.isNaN(s.maxPsi(i)));
    assertTrue(Double.isNaN(s.minAdjustedPValue(i)));
    assertEquals(List.of(), s.features(i));
    assertEquals(DriftReport.Status.INSUFFICIENT_DATA, s.driftStatus(i));
    assertNull(s.status(i), "no model update yet");
  }

  @Test
  void worstRanksDriftedByPsiThenMissingModelsThenLowestAuc() {
    FleetState s = new FleetState();
    s.apply(update("good", 1, ModelUpdate.Status.PROMOTED, metrics(0.97, 0.8), null, 0, 0));
    s.apply(update("weak", 1, ModelUpdate.Status.PROMOTED, metrics(0.61, 0.2), null, 0, 0));
    s.apply(update("none", 0, ModelUpdate.Status.SKIPPED, null, null, 0, 0));
    s.apply(update("drift-a", 1, ModelUpdate.Status.PROMOTED, metrics(0.99, 0.9), null, 0, 0));
    s.apply(report("drift-a", 1, DriftReport.Status.DRIFT, Map.of("vibration", 0.3), 0.1, 0.1));
    s.apply(report("drift-b", 1, DriftReport.Status.DRIFT, Map.of("vibration", 1.3), 0.1, 0.1));
    int[] worst = s.worst(4);
    String[] ids = IntStream.of(worst).mapToObj(s::machineId).toArray(String[]::new);
    assertArrayEquals(new String[] {"drift-b", "drift-a", "none", "weak"}, ids);
    assertEquals(5, s.worst(10).length, "never more than the fleet");
    assertEquals(0, s.worst(0).length);
  }

  @Test
  void theBoundedHeapAgreesWithAFullSort() {
    Random r = new Random(7);
    FleetState s = new FleetState();
    for (int m = 0; m < 3000; m++) {
      String id = "m-" + m;
      if (r.nextInt(10) > 0) {
        // Coarse AUCs so that ties (broken by id) occur.
        double auc = Math.round(r.nextDouble() * 20) / 20.0;
        s.apply(update(id, 1, ModelUpdate.Status.PROMOTED, metrics(auc, 0.5), null, 0, 0));
      } else {
        s.apply(update(id, 0, ModelUpdate.Status.SKIPPED, null, null, 0, 0));
      }
      if (r.nextInt(20) == 0) {
        s.apply(
            report(
                id,
                1,
                DriftReport.Status.DRIFT,
                Map.of("vibration", Math.round(r.nextDouble() * 10) / 10.0 + 0.25),
                0.1,
                0.1));
      }
    }
    int[] all =
        IntStream.range(0, s.size())
            .boxed()
            .sorted(s::compareWorse)
            .mapToInt(Integer::intValue)
            .toArray();
    for (int n : new int[] {1, 20, 150, 2999, 3000}) {
      assertArrayEquals(java.util.Arrays.copyOf(all, n), s.worst(n), "n = " + n);
    }
  }

  @Test
  void summaryCountsStatusesAndTakesAucQuantiles() {
    FleetState s = new FleetState();
    double[] aucs = {0.6, 0.7, 0.8, 0.9, 1.0};
    for (int m = 0; m < aucs.length; m++) {
      s.apply(update("m" + m, 1, ModelUpdate.Status.PROMOTED, metrics(aucs[m], 0.5), null, 0, m));
    }
    s.apply(
        update("m0", 1, ModelUpdate.Status.REJECTED, metrics(0.5, 0.3), metrics(0.6, 0.5), 1, 0));
    s.apply(update("m9", 0, ModelUpdate.Status.SKIPPED, null, null, 0, 0));
    s.apply(report("m1", 1, DriftReport.Status.DRIFT, Map.of("vibration", 0.5), 0.1, 0.1));
    s.apply(report("m2", 1, DriftReport.Status.WARN, Map.of("vibration", 0.15), 0.1, 0.1));
    FleetState.Summary sum = s.summarize(new double[] {0, 0.5, 0.25, 1});
    assertEquals(6, sum.machines());
    assertEquals(5, sum.withModel());
    assertEquals(4, sum.byStatus(ModelUpdate.Status.PROMOTED));
    assertEquals(1, sum.byStatus(ModelUpdate.Status.REJECTED));
    assertEquals(1, sum.byStatus(ModelUpdate.Status.SKIPPED));
    assertEquals(1, sum.byDriftStatus(DriftReport.Status.DRIFT));
    assertEquals(1, sum.byDriftStatus(DriftReport.Status.WARN));
    assertEquals(1, sum.drifting());
    assertEquals(0.6, sum.aucQuantile(0), 1e-12);
    assertEquals(0.8, sum.aucQuantile(1), 1e-12);
    assertEquals(0.7, sum.aucQuantile(2), 1e-12);
    assertEquals(1.0, sum.aucQuantile(3), 1e-12);
    assertEquals(T0 + WINDOW, sum.oldestModelUntilMillis());
    assertTrue(Double.isNaN(new FleetState().summarize(new double[] {0.5}).aucQuantile(0)));
  }
}
