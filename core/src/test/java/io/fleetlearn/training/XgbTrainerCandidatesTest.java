package io.fleetlearn.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.event.SensorEvent;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Each candidate kind is chosen when it should be, with real xgboost4j models: a fleet model that
 * already fits the machine serves as it is, one that fits it partly is tuned on the machine's rows,
 * one that does not fit it gives way to the machine's own model.
 */
class XgbTrainerCandidatesTest {
  private static final long T0 = 1_795_770_000_000L;
  private static final TrainingParams PARAMS = TrainingParams.defaults();

  /** How a synthetic machine's defects depend on its readings. */
  private interface Rule {
    boolean defect(float[] f, Random rnd);
  }

  /** Defect iff vibration is high, with 5% of labels flipped (the fleet's common rule). */
  private static final Rule VIBRATION = (f, r) -> (f[1] > 0.95f) ^ (r.nextDouble() < 0.05);

  /** Defect iff the temperature is high: a rule the vibration model knows nothing of. */
  private static final Rule TEMPERATURE = (f, r) -> (f[0] > 76f) ^ (r.nextDouble() < 0.05);

  /** Vibration matters, but only while the current is high; else temperature does. */
  private static final Rule MIXED =
      (f, r) -> (f[3] > 12 ? f[1] > 0.95f : f[0] > 76f) ^ (r.nextDouble() < 0.05);

  private static WindowSample sample(Rule rule, int n, long seed) {
    Random rnd = new Random(seed);
    WindowSample s = new WindowSample(4, 100_000);
    for (int i = 0; i < n; i++) {
      float[] f = {
        (float) (70 + 5 * rnd.nextGaussian()),
        (float) (0.8 + 0.2 * rnd.nextGaussian()),
        (float) (5 + 0.3 * rnd.nextGaussian()),
        (float) (12 + rnd.nextGaussian())
      };
      s.add(new SensorEvent("m", T0 + i * 1000L, f, (byte) (rule.defect(f, rnd) ? 1 : 0)));
    }
    return s;
  }

  /** A fleet model: the own model of a large sample of {@code rule}. */
  private static FleetBaseline fleet(Rule rule, long seed) {
    TrainingResult r = new XgbTrainer(PARAMS).train(sample(rule, 4000, seed));
    assertTrue(r.isTrained(), r.reason());
    return new FleetBaseline(7, r.model(), r.selection().threshold());
  }

  @Test
  void withoutAFleetModelTheMachineTrainsItsOwnAndChoosesItsThresholdOnValidation() {
    TrainingResult r = new XgbTrainer(PARAMS).train(sample(VIBRATION, 600, 1));
    assertTrue(r.isTrained(), r.reason());
    TrainingResult.Selection s = r.selection();
    assertEquals(ModelKind.OWN, s.kind());
    assertEquals(0, s.fleetVersion());
    assertNull(s.fleetMetrics());
    assertEquals(java.util.Set.of(ModelKind.OWN), s.validationAuc().keySet());
    assertEquals("validation f1", s.thresholdSource());
    // The holdout metrics are measured at the chosen threshold.
    assertEquals(s.threshold(), r.metrics().threshold(), 0.0);
    assertTrue(s.validationRows() > 0 && s.validationPositives() >= 3, s.toString());
  }

  @Test
  void aFleetModelThatAlreadyFitsTheMachineServesAsItIs() {
    FleetBaseline fleet = fleet(VIBRATION, 2);
    WindowSample machine = sample(VIBRATION, 500, 3);
    TrainingResult r = new XgbTrainer(PARAMS).train(machine, fleet);
    assertTrue(r.isTrained(), r.reason());
    assertEquals(ModelKind.FLEET, r.selection().kind(), r.selection().reason());
    // The served model is the fleet model's bytes, so its holdout metrics are the fleet's AUC.
    assertTrue(Arrays.equals(fleet.model(), r.model()));
    assertEquals(7, r.selection().fleetVersion());
    assertNotNull(r.selection().fleetMetrics());
    assertEquals(r.selection().fleetMetrics().auc(), r.metrics().auc(), 1e-9);
    assertEquals(3, r.selection().validationAuc().size());
  }

  @Test
  void aFleetModelReadOnceIntoJavaTreesScoresAsTheLoadedBoosterDoes() throws Exception {
    FleetBaseline loaded = fleet(VIBRATION, 2);
    io.fleetlearn.scoring.TreeEnsemble trees =
        io.fleetlearn.scoring.TreeEnsemble.fromUbj(loaded.model());
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    FleetBaseline.Scorer scorer = new FleetBaseline.Scorer() { // the trees, counting their calls
          @Override
          public int features() {
            return trees.features();
          }

          @Override
          public void predict(float[] data, int rows, int cols, float[] out) {
            calls.incrementAndGet();
            trees.predict(data, rows, cols, out);
          }
        };
    FleetBaseline read =
        new FleetBaseline(loaded.version(), loaded.model(), loaded.threshold(), scorer);
    for (long seed : new long[] {3, 4, 5}) {
      WindowSample machine = sample(seed == 5 ? TEMPERATURE : VIBRATION, 500, seed);
      TrainingResult a = new XgbTrainer(PARAMS).train(machine, loaded);
      int before = calls.get();
      TrainingResult b = new XgbTrainer(PARAMS).train(machine, read);
      assertTrue(calls.get() > before, "the fleet model's trees scored the rows");
      assertEquals(a.selection().kind(), b.selection().kind(), b.selection().reason());
      assertTrue(Arrays.equals(a.model(), b.model()), "the same served model");
      assertEquals(a.selection().threshold(), b.selection().threshold(), 1e-6);
      assertEquals(a.metrics().auc(), b.metrics().auc(), 1e-9);
      assertEquals(a.selection().fleetMetrics().auc(), b.selection().fleetMetrics().auc(), 1e-9);
    }
  }

  @Test
  void theStreamsFleetModelAsItIsChoosesItsThresholdOnAllTheWindowsTrainingRows() {
    FleetBaseline fleet = fleet(VIBRATION, 2);
    WindowSample machine = sample(VIBRATION, 500, 3);
    TrainingResult r = new XgbTrainer(PARAMS).train(machine, fleet);
    assertEquals(ModelKind.FLEET, r.selection().kind(), r.selection().reason());
    // Trained on earlier windows, the fleet model never saw this window: every training row is
    // out of sample for it, so the threshold is chosen on all of them, not on validation alone.
    assertEquals("training rows f1", r.selection().thresholdSource());
    assertTrue(r.selection().threshold() < 1, r.selection().toString());

    // The batch global model (version 0) was trained on these rows: validation only.
    FleetBaseline global = new FleetBaseline(0, fleet.model(), fleet.threshold());
    TrainingResult g = new XgbTrainer(PARAMS).train(machine, global);
    assertEquals(ModelKind.FLEET, g.selection().kind(), g.selection().reason());
    assertTrue(
        g.selection().thresholdSource().contains("validation"), g.selection().thresholdSource());
  }

  @Test
  void aFleetModelThatDoesNotFitTheMachineGivesWayToItsOwnModel() {
    FleetBaseline fleet = fleet(VIBRATION, 4);
    TrainingResult r = new XgbTrainer(PARAMS).train(sample(TEMPERATURE, 600, 5), fleet);
    assertTrue(r.isTrained(), r.reason());
    assertEquals(ModelKind.OWN, r.selection().kind(), r.selection().reason());
    assertTrue(
        r.metrics().auc() > r.selection().fleetMetrics().auc() + 0.2,
        r.metrics() + " vs fleet " + r.selection().fleetMetrics());
  }

  @Test
  void aMachineWithTooFewLabelsForItsOwnModelGetsTheFleetModelTunedOnItsRows() {
    // Own models need more labelled rows than this machine has; the fleet model knows half of
    // its rule (vibration, when the current is high), continuing it on the machine's rows adds
    // the other half.
    TrainingParams params =
        PARAMS.toBuilder().minLabelledEvents(5000).fleetTuneRounds(20).fleetTuneEta(0.3).build();
    FleetBaseline fleet = fleet(VIBRATION, 6);
    TrainingResult r = new XgbTrainer(params).train(sample(MIXED, 800, 7), fleet);
    assertTrue(r.isTrained(), r.reason());
    TrainingResult.Selection s = r.selection();
    assertEquals(ModelKind.FLEET_TUNED, s.kind(), s.reason());
    assertFalse(s.validationAuc().containsKey(ModelKind.OWN), "no own candidate");
    assertTrue(s.reason().contains("no own model: too few labelled events"), s.reason());
    assertTrue(r.metrics().auc() > s.fleetMetrics().auc(), r.metrics() + " vs " + s.fleetMetrics());
    // A complete model on its own: it loads and scores without the fleet model.
    ClassificationMetrics again =
        assertDoesNotThrowEvaluate(r.model(), holdoutOf(sample(MIXED, 800, 7), r), s.threshold());
    assertEquals(r.metrics().auc(), again.auc(), 1e-6);
  }

  @Test
  void aMachineWithTooFewDefectsForAnyCandidateIsSkipped() {
    WindowSample s = sample(VIBRATION, 400, 8);
    // Keep two defects only: below the fleet candidates' three per class.
    WindowSample few = new WindowSample(4, 1000);
    int defects = 0;
    for (int i = 0; i < s.size(); i++) {
      byte y = s.labelArray()[i];
      if (y == 1 && ++defects > 2) {
        continue;
      }
      few.add(
          new SensorEvent("m", T0 + i, Arrays.copyOfRange(s.featureArray(), i * 4, i * 4 + 4), y));
    }
    TrainingResult r = new XgbTrainer(PARAMS).train(few, fleet(VIBRATION, 9));
    assertFalse(r.isTrained());
    assertTrue(r.reason().contains("the fleet model needs 3 per class"), r.reason());
  }

  private static FeatureMatrix holdoutOf(WindowSample s, TrainingResult r) {
    return FeatureMatrix.gather(s.featureArray(), s.labelArray(), s.dim(), r.holdoutIndex());
  }

  private static ClassificationMetrics assertDoesNotThrowEvaluate(
      byte[] model, FeatureMatrix holdout, double threshold) {
    try {
      return XgbTrainer.evaluate(model, holdout, threshold);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
