package io.fleetlearn.monitor;

import static io.fleetlearn.monitor.FleetRecords.T0;
import static io.fleetlearn.monitor.FleetRecords.WINDOW;
import static io.fleetlearn.monitor.FleetRecords.metrics;
import static io.fleetlearn.monitor.FleetRecords.report;
import static io.fleetlearn.monitor.FleetRecords.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.drift.DriftReport;
import io.fleetlearn.registry.ModelUpdate;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FleetGaugesTest {
  private static final Pattern MACHINE_SERIES =
      Pattern.compile("(?m)^(fleetlearn_machine_[a-z0-9_]+)\\{[^}]*machine_id=\"([^\"]+)\"");
  private static final Pattern FLEET_SERIES = Pattern.compile("(?m)^fleetlearn_fleet_\\S+ ");

  private final AtomicLong now = new AtomicLong(T0 + 10 * WINDOW);

  /** A fleet of {@code n} machines, every 50th drifting, AUCs spread at random. */
  private static FleetState fleet(int n) {
    Random r = new Random(3);
    FleetState s = new FleetState();
    for (int m = 0; m < n; m++) {
      String id = String.format("press-%05d", m);
      double auc = 0.5 + 0.5 * r.nextDouble();
      s.apply(
          update(id, 1 + r.nextInt(9), ModelUpdate.Status.PROMOTED, metrics(auc, 0.5), null, 5, 5));
      boolean drift = m % 50 == 0;
      s.apply(
          report(
              id,
              6,
              drift ? DriftReport.Status.DRIFT : DriftReport.Status.STABLE,
              Map.of(
                  "temperature", 0.01,
                  "vibration", drift ? 0.3 + r.nextDouble() : 0.02,
                  "pressure", 0.03,
                  "current", 0.04),
              Map.of(
                  "temperature", 0.9,
                  "vibration", drift ? 1e-9 : 0.5,
                  "pressure", 0.8,
                  "current", 0.7),
              0.1,
              0.08));
    }
    return s;
  }

  @Test
  void tenThousandMachinesExportOnlyTheWorstAndTheWatchedIndividually() {
    FleetState s = fleet(10_000);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    FleetGauges g = new FleetGauges(registry, 20, Set.of("press-00007"), now::get);
    g.refresh(s);
    String text = registry.scrape();

    Set<String> machines = new TreeSet<>();
    int perMachineSeries = 0;
    Matcher m = MACHINE_SERIES.matcher(text);
    while (m.find()) {
      machines.add(m.group(2));
      perMachineSeries++;
    }
    assertEquals(21, machines.size(), "20 worst + 1 watched: " + machines);
    assertTrue(machines.contains("press-00007"), "the watched machine");
    // The 20 worst are the 200 drifted machines' top 20 by PSI.
    for (String id : machines) {
      if (!id.equals("press-00007")) {
        assertEquals(0, Integer.parseInt(id.substring(6)) % 50, id + " is a drifting machine");
      }
    }
    // 14 series per machine (version, age, AUC, F1, precision, recall, kind, max PSI, smallest
    // adjusted p-value, drifted, status, two label rates, rank for the ranked ones) + 4 feature
    // PSIs + 4 feature p-values; the threshold, lift and confusion counts only where the records
    // carry them (not here): bounded by the guard, not by the fleet.
    assertTrue(perMachineSeries <= 21 * (20 + 2 * 4), perMachineSeries + " per-machine series");
    assertEquals(20 * 22 + 21, perMachineSeries, "exact count");
    int fleetSeries = 0;
    for (Matcher f = FLEET_SERIES.matcher(text); f.find(); ) {
      fleetSeries++;
    }
    // machines, with model, 3 by status, 5 by drift status, drifting, 7 AUC quantiles, oldest age,
    // 3 by kind, 7 lift quantiles, with lift, 4 confusion cells
    assertEquals(34, fleetSeries, text);
    assertTrue(text.contains("fleetlearn_fleet_machines 10000.0"), text);
    assertTrue(text.contains("fleetlearn_fleet_drifting_machines 200.0"), text);
    assertTrue(text.contains("fleetlearn_fleet_machines_by_status{status=\"PROMOTED\"} 10000.0"));
    assertTrue(text.contains("fleetlearn_machine_worst_rank{machine_id=\"press-"), text);
    assertEquals(21, g.exportedMachines());
  }

  @Test
  void exportsAMachinesValuesAndDropsItsSeriesWhenItLeavesTheWorstSet() {
    FleetState s = new FleetState();
    s.apply(update("m1", 3, ModelUpdate.Status.PROMOTED, metrics(0.93, 0.71), null, 8, 8));
    s.apply(
        report(
            "m1",
            9,
            DriftReport.Status.DRIFT,
            Map.of("vibration", 0.31, "current", 0.02),
            Map.of("vibration", 2e-5, "current", 0.75),
            0.09,
            0.03));
    s.apply(update("m2", 1, ModelUpdate.Status.PROMOTED, metrics(0.99, 0.9), null, 8, 8));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    FleetGauges g = new FleetGauges(registry, 1, Set.of(), now::get);
    g.refresh(s);
    String text = registry.scrape();
    assertTrue(text.contains("fleetlearn_machine_model_version{machine_id=\"m1\"} 3.0"), text);
    assertTrue(text.contains("fleetlearn_machine_champion_auc{machine_id=\"m1\"} 0.93"), text);
    assertTrue(text.contains("fleetlearn_machine_champion_f1{machine_id=\"m1\"} 0.71"), text);
    assertTrue(text.contains("fleetlearn_machine_drifted{machine_id=\"m1\"} 1.0"), text);
    assertTrue(text.contains("fleetlearn_machine_max_psi{machine_id=\"m1\"} 0.31"), text);
    assertTrue(
        text.contains(
            "fleetlearn_machine_feature_psi{feature=\"vibration\",machine_id=\"m1\"} 0.31"),
        text);
    assertTrue(
        text.contains("fleetlearn_machine_min_adjusted_p_value{machine_id=\"m1\"} 2.0E-5"), text);
    assertTrue(
        text.contains(
            "fleetlearn_machine_feature_adjusted_p_value{feature=\"current\",machine_id=\"m1\"}"
                + " 0.75"),
        text);
    assertTrue(
        text.contains("fleetlearn_machine_status{machine_id=\"m1\",status=\"PROMOTED\"} 1.0"),
        text);
    assertTrue(text.contains("fleetlearn_machine_label_rate{machine_id=\"m1\"} 0.09"), text);
    assertTrue(
        text.contains("fleetlearn_machine_reference_label_rate{machine_id=\"m1\"} 0.03"), text);
    assertTrue(text.contains("fleetlearn_machine_worst_rank{machine_id=\"m1\"} 1.0"), text);
    // Model age: now (window 10 start) minus the end of window 8 = one window.
    assertTrue(
        text.contains(
            "fleetlearn_machine_model_age_seconds{machine_id=\"m1\"} " + WINDOW / 1000 + ".0"),
        text);
    assertFalse(text.contains("machine_id=\"m2\""), "only the worst one");

    // The wall clock moves: the age is computed at scrape time.
    now.addAndGet(60_000);
    assertTrue(
        registry
            .scrape()
            .contains(
                "fleetlearn_machine_model_age_seconds{machine_id=\"m1\"} "
                    + (WINDOW / 1000 + 60)
                    + ".0"));

    // m1 recovers and m2 decays: m2 becomes the worst, m1's series go away.
    s.apply(
        report(
            "m1",
            10,
            DriftReport.Status.STABLE,
            Map.of("vibration", 0.01, "current", 0.02),
            0.03,
            0.03));
    s.apply(update("m1", 4, ModelUpdate.Status.PROMOTED, metrics(0.95, 0.8), null, 10, 10));
    s.apply(
        update("m2", 1, ModelUpdate.Status.REJECTED, metrics(0.55, 0.2), metrics(0.58, 0.2), 9, 8));
    g.refresh(s);
    text = registry.scrape();
    assertFalse(text.contains("machine_id=\"m1\""), text);
    assertTrue(text.contains("fleetlearn_machine_champion_auc{machine_id=\"m2\"} 0.58"), text);
    assertTrue(
        text.contains("fleetlearn_machine_status{machine_id=\"m2\",status=\"REJECTED\"} 1.0"),
        text);
  }
}
