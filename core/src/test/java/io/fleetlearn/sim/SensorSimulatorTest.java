package io.fleetlearn.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SensorSimulatorTest {
  private static final long T0 = Instant.parse("2026-11-27T10:00:00Z").toEpochMilli();
  private static final Pattern ISO_MILLIS =
      Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
  private static final SensorEventContract CONTRACT =
      new SensorEventContract(SimulatorConfig.DEFAULT_FEATURES);

  @Test
  void sameSeedGivesTheSameBytesAndDifferentSeedsDoNot() {
    SimulatorConfig config =
        SimulatorConfig.builder()
            .malformedRatio(0.2)
            .labelRatio(0.7)
            .epochMillisRatio(0.3)
            .driftMachines(2)
            .driftStartMillis(T0 + 10_000)
            .build();
    SensorSimulator a = new SensorSimulator(config);
    SensorSimulator b = new SensorSimulator(config);
    SensorSimulator other = new SensorSimulator(config.toBuilder().seed(43).build());
    int differing = 0;
    for (int i = 0; i < 5000; i++) {
      long t = T0 + i * 7L;
      SimulatedRecord x = a.next(t);
      SimulatedRecord y = b.next(t);
      assertArrayEquals(x.value(), y.value(), "event " + i);
      assertArrayEquals(x.key(), y.key());
      assertEquals(x.malformedKind(), y.malformedKind());
      assertEquals(x.defect(), y.defect());
      if (!Arrays.equals(x.value(), other.next(t).value())) {
        differing++;
      }
    }
    // Readings have four decimals of Gaussian noise: a different seed changes nearly every event.
    assertTrue(differing > 4900, "only " + differing + " events differ across seeds");
  }

  @Test
  void everyWellFormedEventReadsAsTheContract() {
    SimulatorConfig config = SimulatorConfig.builder().machines(20).build();
    SensorSimulator sim = new SensorSimulator(config);
    for (int i = 0; i < 4000; i++) {
      long t = T0 + i * 3L;
      SimulatedRecord r = sim.next(t);
      assertFalse(r.malformed());
      SensorEventContract.Event e = CONTRACT.read(r.value());
      String key = new String(r.key(), StandardCharsets.UTF_8);
      assertEquals(config.machineId(i % 20), key, "round-robin over machines");
      assertEquals(key, e.machineId);
      assertEquals(key, r.machineId());
      assertEquals(t, e.timestampMillis);
      assertTrue(e.isoTimestamp);
      assertEquals(4, e.features.length);
      for (double v : e.features) {
        assertTrue(Double.isFinite(v), "all four features are present and finite");
      }
      assertNotNull(e.defect);
      assertEquals(r.defect(), e.defect);
      assertEquals(t, r.eventTimeMillis());
    }
  }

  @Test
  void writesTimestampsAsIsoInstantsWithMillis() throws Exception {
    SensorSimulator sim = new SensorSimulator(SimulatorConfig.builder().machines(1).build());
    long[] times = {
      0L,
      -1L, // 1969-12-31T23:59:59.999Z
      Instant.parse("2024-02-29T23:59:59.999Z").toEpochMilli(),
      Instant.parse("2000-03-01T00:00:00Z").toEpochMilli(),
      Instant.parse("2100-02-28T12:00:00.001Z").toEpochMilli(),
      Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli(),
      T0 + 250
    };
    SplitMix64 rng = new SplitMix64(7);
    for (int i = 0; i < 2000 + times.length; i++) {
      long t =
          i < times.length
              ? times[i]
              : Instant.parse("1900-01-01T00:00:00Z").toEpochMilli()
                  + (long) (rng.nextDouble() * 300 * 365.25 * 86_400_000L);
      String ts =
          SensorEventContract.MAPPER.readTree(sim.next(t).value()).get("timestamp").asText();
      assertTrue(ISO_MILLIS.matcher(ts).matches(), ts);
      assertEquals(t, Instant.parse(ts).toEpochMilli(), ts);
    }
    // Years ISO-8601 writes with a sign still come out as parseable instants.
    long far = Instant.parse("+12026-01-01T00:00:00Z").toEpochMilli();
    String ts =
        SensorEventContract.MAPPER.readTree(sim.next(far).value()).get("timestamp").asText();
    assertEquals(far, Instant.parse(ts).toEpochMilli());
  }

  @Test
  void writesSomeTimestampsAsEpochMillis() {
    SensorSimulator sim =
        new SensorSimulator(SimulatorConfig.builder().epochMillisRatio(0.3).build());
    int epoch = 0;
    for (int i = 0; i < 5000; i++) {
      long t = T0 + i;
      SensorEventContract.Event e = CONTRACT.read(sim.next(t).value());
      assertEquals(t, e.timestampMillis);
      if (!e.isoTimestamp) {
        epoch++;
      }
    }
    assertTrue(epoch > 1350 && epoch < 1650, epoch + " of 5000 epoch millis timestamps");
  }

  @Test
  void breaksEventsAtTheMalformedRatioInEveryKind() {
    SimulatorConfig config = SimulatorConfig.builder().malformedRatio(0.1).build();
    int n = 20_000;
    int count = countMalformed(new SensorSimulator(config), n);
    // Binomial(20000, 0.1) has a std of 42: four of them either way.
    assertTrue(Math.abs(count - 2000) < 170, count + " malformed of " + n);
    assertEquals(count, countMalformed(new SensorSimulator(config), n), "deterministic count");
    assertEquals(
        0, countMalformed(new SensorSimulator(config.toBuilder().malformedRatio(0).build()), n));
    assertEquals(
        n, countMalformed(new SensorSimulator(config.toBuilder().malformedRatio(1).build()), n));

    SensorSimulator sim = new SensorSimulator(config);
    Map<MalformedKind, Integer> kinds = new EnumMap<>(MalformedKind.class);
    for (int i = 0; i < n; i++) {
      SimulatedRecord r = sim.next(T0 + i);
      String violation = CONTRACT.violation(r.value());
      if (r.malformed()) {
        kinds.merge(r.malformedKind(), 1, Integer::sum);
        assertNotNull(violation, r.malformedKind() + " passed as valid: " + text(r));
        assertNull(r.defect(), "a broken event carries no usable label");
        assertEquals(config.machineId(i % config.machines()), r.machineId());
      } else {
        assertNull(violation, violation);
      }
    }
    assertEquals(MalformedKind.values().length, kinds.size(), "every kind appears: " + kinds);
    int min = kinds.values().stream().mapToInt(Integer::intValue).min().getAsInt();
    int max = kinds.values().stream().mapToInt(Integer::intValue).max().getAsInt();
    assertTrue(max - min <= 1, "kinds take equal shares: " + kinds);
  }

  @Test
  void malformedEventsDoNotShiftTheReadingsOfTheOthers() {
    SimulatorConfig clean = SimulatorConfig.builder().build();
    SensorSimulator a = new SensorSimulator(clean);
    SensorSimulator b = new SensorSimulator(clean.toBuilder().malformedRatio(0.3).build());
    int compared = 0;
    for (int i = 0; i < 3000; i++) {
      SimulatedRecord x = a.next(T0 + i);
      SimulatedRecord y = b.next(T0 + i);
      if (!y.malformed()) {
        assertArrayEquals(x.value(), y.value());
        compared++;
      }
    }
    assertTrue(compared > 1800);
  }

  @Test
  void labelsTheConfiguredShareOfEvents() {
    SensorSimulator sim = new SensorSimulator(SimulatorConfig.builder().labelRatio(0.3).build());
    int labelled = 0;
    for (int i = 0; i < 10_000; i++) {
      SimulatedRecord r = sim.next(T0 + i);
      boolean hasField = text(r).contains("\"defect\"");
      assertEquals(r.defect() != null, hasField);
      if (hasField) {
        labelled++;
      }
    }
    // Binomial(10000, 0.3): std 46.
    assertTrue(Math.abs(labelled - 3000) < 200, labelled + " labelled of 10000");
  }

  @Test
  void baseDefectRateIsBetweenThreeAndTwentyPercentOnEveryMachine() {
    SimulatorConfig config = SimulatorConfig.builder().build();
    SensorSimulator sim = new SensorSimulator(config);
    int machines = config.machines();
    int[] defects = new int[machines];
    int perMachine = 2000;
    double expected = 0;
    for (int i = 0; i < perMachine * machines; i++) {
      long t = T0 + i;
      SimulatedRecord r = sim.next(t);
      if (r.defect()) {
        defects[r.machineIndex()]++;
      }
      expected += sim.defectProbability(r.machineIndex(), floats(CONTRACT.read(r.value())), t);
    }
    int total = 0;
    for (int m = 0; m < machines; m++) {
      double rate = defects[m] / (double) perMachine;
      assertTrue(rate >= 0.03 && rate <= 0.20, "machine " + m + " defect rate " + rate);
      total += defects[m];
    }
    // The labels follow defectProbability() of the written readings: observed and expected
    // defect counts agree within four binomial stds (about 4 * 26 here).
    assertEquals(expected, total, 110, "observed " + total + ", expected " + expected);
  }

  @Test
  void featuresRelateToDefectsDifferentlyOnDifferentMachines() {
    SimulatorConfig config = SimulatorConfig.builder().build();
    SensorSimulator sim = new SensorSimulator(config);
    int machines = config.machines();
    int features = config.features().size();
    int perMachine = 2000;
    double[][][] x = new double[machines][features][perMachine];
    double[][] y = new double[machines][perMachine];
    for (int i = 0; i < perMachine * machines; i++) {
      SimulatedRecord r = sim.next(T0 + i);
      double[] v = CONTRACT.read(r.value()).features;
      for (int j = 0; j < features; j++) {
        x[r.machineIndex()][j][i / machines] = v[j];
      }
      y[r.machineIndex()][i / machines] = r.defect() ? 1 : 0;
    }
    // A correlation beyond 4 / sqrt(n) is no accident; count features that clearly raise the
    // defect risk on one machine and clearly lower it on another.
    double clear = 4 / Math.sqrt(perMachine);
    int opposite = 0;
    for (int j = 0; j < features; j++) {
      boolean up = false;
      boolean down = false;
      for (int m = 0; m < machines; m++) {
        double c = correlation(x[m][j], y[m]);
        up |= c > clear;
        down |= c < -clear;
      }
      if (up && down) {
        opposite++;
      }
    }
    assertTrue(opposite >= 2, opposite + " features with opposite effects across machines");
  }

  @Test
  void driftShiftsTheDriftedFeatureOnDriftMachinesOnlyAfterTheStart() {
    int perPhase = 2000;
    int machines = 4;
    long driftStart = T0 + (long) perPhase * machines * 10;
    SimulatorConfig config =
        SimulatorConfig.builder()
            .machines(machines)
            .driftMachineIds("press-001", "press-003")
            .driftStartMillis(driftStart)
            .build();
    SensorSimulator sim = new SensorSimulator(config);
    int vibration = config.features().indexOf("vibration");
    int temperature = config.features().indexOf("temperature");
    double[][] before = new double[machines][2];
    double[][] after = new double[machines][2];
    for (int i = 0; i < 2 * perPhase * machines; i++) {
      long t = T0 + i * 10L;
      SimulatedRecord r = sim.next(t);
      double[] v = CONTRACT.read(r.value()).features;
      double[][] phase = t < driftStart ? before : after;
      phase[r.machineIndex()][0] += v[vibration] / perPhase;
      phase[r.machineIndex()][1] += v[temperature] / perPhase;
    }
    for (int m = 0; m < machines; m++) {
      double vibrationShift = (after[m][0] - before[m][0]) / sim.noiseStd(m, vibration);
      double temperatureShift = (after[m][1] - before[m][1]) / sim.noiseStd(m, temperature);
      // A difference of two means of 2000 readings has a std of 0.032 noise stds.
      if (m == 1 || m == 3) {
        assertEquals(3.0, vibrationShift, 0.15, "vibration of drift machine " + m);
      } else {
        assertEquals(0.0, vibrationShift, 0.15, "vibration of steady machine " + m);
      }
      assertEquals(0.0, temperatureShift, 0.15, "temperature of machine " + m);
      assertEquals(sim.baseline(m, vibration), before[m][0], 0.15 * sim.noiseStd(m, vibration));
    }
  }

  @Test
  void driftChangesTheDefectRelationOnlyWhenConfigured() {
    long driftStart = T0 + 60_000;
    SimulatorConfig concept =
        SimulatorConfig.builder().driftMachines(0).driftStartMillis(driftStart).build();
    SimulatorConfig covariate = concept.toBuilder().driftChangesRelation(false).build();
    SensorSimulator conceptSim = new SensorSimulator(concept);
    SensorSimulator covariateSim = new SensorSimulator(covariate);
    int changed = 0;
    int trials = 200;
    for (int i = 0; i < trials; i++) {
      float[] readings = floats(CONTRACT.read(conceptSim.next(T0 + i).value()));
      int m = i % concept.machines();
      double oldRelation = conceptSim.defectProbability(m, readings, driftStart - 1);
      assertEquals(
          oldRelation,
          covariateSim.defectProbability(m, readings, driftStart),
          1e-12,
          "covariate shift keeps P(defect | readings)");
      double newRelation = conceptSim.defectProbability(m, readings, driftStart);
      if (m != 0) {
        assertEquals(oldRelation, newRelation, 1e-12, "steady machine " + m);
      } else if (Math.abs(logit(oldRelation) - logit(newRelation)) > 0.5) {
        changed++;
      }
    }
    assertTrue(changed > trials / concept.machines() / 2, changed + " readings changed risk");
  }

  private static int countMalformed(SensorSimulator sim, int n) {
    int count = 0;
    for (int i = 0; i < n; i++) {
      if (sim.next(T0 + i).malformed()) {
        count++;
      }
    }
    return count;
  }

  private static double logit(double p) {
    return Math.log(p / (1 - p));
  }

  private static float[] floats(SensorEventContract.Event e) {
    float[] f = new float[e.features.length];
    for (int j = 0; j < f.length; j++) {
      f[j] = (float) e.features[j];
    }
    return f;
  }

  private static String text(SimulatedRecord r) {
    return new String(r.value(), StandardCharsets.UTF_8);
  }

  private static double correlation(double[] a, double[] b) {
    double ma = mean(a);
    double mb = mean(b);
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (int i = 0; i < a.length; i++) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / Math.sqrt(saa * sbb);
  }

  private static double mean(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return s / a.length;
  }
}
