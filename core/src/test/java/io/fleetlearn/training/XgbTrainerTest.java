package io.fleetlearn.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.event.SensorEvent;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import ml.dmlc.xgboost4j.java.Booster;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

/** Trains real xgboost4j models on small synthetic window samples. */
class XgbTrainerTest {
  private static final long T0 = 1_795_770_000_000L;

  private final XgbTrainer trainer = new XgbTrainer(TrainingParams.defaults());

  /** A learnable event: defect iff vibration > 0.9 (about 31% of events), 5% of labels flipped. */
  private static SensorEvent learnable(int i, Random rnd) {
    float[] f = {
      (float) (70 + 5 * rnd.nextGaussian()),
      (float) (0.8 + 0.2 * rnd.nextGaussian()),
      (float) (5 + 0.3 * rnd.nextGaussian()),
      (float) (12 + rnd.nextGaussian())
    };
    boolean defect = (f[1] > 0.9f) ^ (rnd.nextDouble() < 0.05);
    return new SensorEvent("press-1", T0 + i * 1000L, f, (byte) (defect ? 1 : 0));
  }

  private static WindowSample learnableSample(int n, long seed) {
    Random rnd = new Random(seed);
    WindowSample s = new WindowSample(4, 2000);
    for (int i = 0; i < n; i++) {
      s.add(learnable(i, rnd));
    }
    return s;
  }

  private static SensorEvent event(int i, float[] f, int label) {
    return new SensorEvent("press-1", T0 + i * 1000L, f, (byte) label);
  }

  /** {@code negatives} label-0 and {@code positives} label-1 events with distinct features. */
  private static WindowSample classes(int negatives, int positives) {
    WindowSample s = new WindowSample(4, 5000);
    int i = 0;
    for (int k = 0; k < negatives; k++, i++) {
      s.add(event(i, new float[] {60 + k % 17, 0.5f + (k % 10) / 100f, 5, 12}, 0));
    }
    for (int k = 0; k < positives; k++, i++) {
      s.add(event(i, new float[] {80 + k % 13, 1.2f + (k % 10) / 100f, 5, 12}, 1));
    }
    return s;
  }

  private static int labelledRows(WindowSample s) {
    int n = 0;
    for (int r = 0; r < s.size(); r++) {
      n += s.labelArray()[r] >= 0 ? 1 : 0;
    }
    return n;
  }

  private static FeatureMatrix holdoutOf(WindowSample s, TrainingResult r) {
    return FeatureMatrix.gather(s.featureArray(), s.labelArray(), s.dim(), r.holdoutIndex());
  }

  private static void assertFiniteMetrics(ClassificationMetrics m) {
    for (String name : new String[] {"auc", "f1", "precision", "recall", "accuracy", "logLoss"}) {
      assertTrue(Double.isFinite(m.get(name)), name + " = " + m.get(name));
    }
  }

  @Test
  void learnsALearnableSampleWithHoldoutAucAbove08() {
    WindowSample s = learnableSample(600, 1);
    TrainingResult r = trainer.train(s);

    assertTrue(r.isTrained(), r.reason());
    assertEquals("", r.reason());
    assertTrue(r.metrics().auc() > 0.8, "AUC " + r.metrics().auc());
    assertFiniteMetrics(r.metrics());
    assertEquals(labelledRows(s), r.trainRows() + r.holdoutRows());
    assertEquals(r.holdoutIndex().length, r.holdoutRows());
    // 20% holdout per class, rounded: between 118 and 122 of 600 rows whatever the class mix.
    assertTrue(Math.abs(r.holdoutRows() - 120) <= 2, "holdout rows " + r.holdoutRows());
    assertTrue(r.model().length > 100);
  }

  @Test
  void modelBytesReloadAndScoreTheHoldoutExactlyAsTheTrainerDid() throws Exception {
    WindowSample s = learnableSample(600, 2);
    TrainingResult r = trainer.train(s);
    FeatureMatrix holdout = holdoutOf(s, r);

    Booster loaded = XgbTrainer.load(r.model());
    float[] scores;
    float[] rescored;
    try {
      scores = XgbTrainer.predict(loaded, holdout.data(), holdout.rows(), holdout.cols());
      Booster again = XgbTrainer.load(loaded.toByteArray(XgbTrainer.MODEL_FORMAT));
      try {
        rescored = XgbTrainer.predict(again, holdout.data(), holdout.rows(), holdout.cols());
      } finally {
        again.dispose();
      }
    } finally {
      loaded.dispose();
    }
    assertArrayEquals(scores, rescored, 1e-6f);
    for (float p : scores) {
      assertTrue(p >= 0 && p <= 1, "probability " + p);
    }

    // The trainer's metrics came from the in-memory booster's scores at the model's own threshold;
    // the reloaded model's scores reproduce them (log loss is a mean of -log p, so it moves with
    // any score change).
    double threshold = r.selection().threshold();
    ClassificationMetrics m =
        BinaryMetrics.compute(scores, holdout.labelBytes(), holdout.rows(), threshold);
    ClassificationMetrics trained = r.metrics();
    assertEquals(trained.auc(), m.auc(), 1e-6);
    assertEquals(trained.logLoss(), m.logLoss(), 1e-6);
    assertEquals(trained.f1(), m.f1(), 1e-6);
    assertEquals(trained.accuracy(), m.accuracy(), 1e-6);
    ClassificationMetrics evaluated = XgbTrainer.evaluate(r.model(), holdout, threshold);
    assertEquals(trained.logLoss(), evaluated.logLoss(), 1e-6);
    assertEquals(trained.tp(), evaluated.tp());
    assertEquals(trained.fp(), evaluated.fp());
  }

  @Test
  void keepsTheModelsScoreOfEverySampleRowAsTheStoredModelGivesIt() throws Exception {
    WindowSample s = learnableSample(600, 2);
    TrainingResult r = trainer.train(s);
    float[] kept = r.sampleScores();
    assertEquals(s.size(), kept.length);
    Booster loaded = XgbTrainer.load(r.model());
    float[] reloaded;
    try {
      reloaded = XgbTrainer.predict(loaded, s.featureArray(), s.size(), s.dim());
    } finally {
      loaded.dispose();
    }
    // The registry builds the reference profile from these instead of reloading the model: they
    // must be what the published model gives.
    assertArrayEquals(reloaded, kept, 1e-6f);
    assertNull(trainer.train(classes(100, 0)).sampleScores());
  }

  @Test
  void theScoresTravelWithTheOutcome() throws Exception {
    WindowSample s = learnableSample(300, 4);
    TrainingResult r = trainer.train(s);
    WindowOutcome o = new WindowOutcome("m-1", 0, 60_000, 0, false, s, r);
    WindowOutcome back = CoderUtils.clone(WindowOutcomeCoder.of(), o);
    assertArrayEquals(r.sampleScores(), back.result().sampleScores(), 0f);
    assertArrayEquals(r.holdoutIndex(), back.result().holdoutIndex());
    WindowOutcome withoutScores =
        new WindowOutcome(
            "m-1",
            0,
            60_000,
            0,
            false,
            s,
            TrainingResult.trained(
                r.model(), r.metrics(), r.trainRows(), r.holdoutIndex(), r.trainingMillis()));
    assertNull(CoderUtils.clone(WindowOutcomeCoder.of(), withoutScores).result().sampleScores());
  }

  @Test
  void trainingIsDeterministic() {
    WindowSample s = learnableSample(400, 3);
    TrainingResult a = trainer.train(s);
    TrainingResult b = trainer.train(s);
    assertArrayEquals(a.model(), b.model());
    assertEquals(a.metrics(), b.metrics());
    assertArrayEquals(a.holdoutIndex(), b.holdoutIndex());
  }

  @Test
  void loadRejectsBytesThatAreNotAModel() {
    assertThrows(
        ml.dmlc.xgboost4j.java.XGBoostError.class,
        () -> XgbTrainer.load(new byte[] {'{', 'x', '}'}).dispose());
  }

  // --- Skips

  @Test
  void skipsWindowWithoutLabels() {
    WindowSample s = new WindowSample(4, 500);
    Random rnd = new Random(4);
    for (int i = 0; i < 100; i++) {
      SensorEvent e = learnable(i, rnd);
      s.add(new SensorEvent(e.machineId(), e.timestampMillis(), e.features(), (byte) -1));
    }
    TrainingResult r = trainer.train(s);
    assertFalse(r.isTrained());
    assertEquals(TrainingResult.Status.SKIPPED, r.status());
    assertEquals("no labelled events in the window (100 events)", r.reason());
    assertThrows(IllegalStateException.class, r::model);
    assertThrows(IllegalStateException.class, r::metrics);
    assertEquals(0, r.holdoutIndex().length);
  }

  @Test
  void skipsSingleClassWindows() {
    assertEquals(
        "single class: all 100 labelled events are non-defects",
        trainer.train(classes(100, 0)).reason());
    assertEquals(
        "single class: all 100 labelled events are defects",
        trainer.train(classes(0, 100)).reason());
  }

  @Test
  void skipsWindowWithTooFewLabelledEvents() {
    // 15 + 15 = 30 labelled events < the default minimum of 50.
    WindowSample s = classes(15, 15);
    for (int i = 0; i < 40; i++) {
      s.add(event(1000 + i, new float[] {70, 0.8f, 5, i}, -1));
    }
    assertEquals("too few labelled events: 30 < 50", trainer.train(s).reason());
  }

  @Test
  void skipsWindowWithTooFewOfOneClass() {
    // 97 + 3 = 100 labelled (>= 50), but 3 < 5 per class.
    assertEquals("too few defects: 3 < 5 per class", trainer.train(classes(97, 3)).reason());
    assertEquals("too few non-defects: 3 < 5 per class", trainer.train(classes(3, 97)).reason());
  }

  @Test
  void skipsASingleEvent() {
    WindowSample labelled = new WindowSample(4, 10);
    labelled.add(event(0, new float[] {70, 0.8f, 5, 12}, 1));
    assertEquals(
        "single class: all 1 labelled events are defects", trainer.train(labelled).reason());

    WindowSample unlabelled = new WindowSample(4, 10);
    unlabelled.add(event(0, new float[] {70, 0.8f, 5, 12}, -1));
    assertEquals("no labelled events in the window (1 events)", trainer.train(unlabelled).reason());
  }

  // --- Degenerate but trainable data

  @Test
  void constantFeaturesTrainToAConstantScoreWithAucOneHalf() throws Exception {
    WindowSample s = new WindowSample(4, 500);
    for (int i = 0; i < 200; i++) {
      s.add(event(i, new float[] {1, 1, 1, 1}, i % 4 == 0 ? 1 : 0));
    }
    TrainingResult r = trainer.train(s);

    assertTrue(r.isTrained(), r.reason());
    assertFiniteMetrics(r.metrics());
    // No split is possible, so every holdout score is the same: all pairs tie, AUC = 1/2.
    assertEquals(0.5, r.metrics().auc(), 0.0);
    FeatureMatrix holdout = holdoutOf(s, r);
    Booster b = XgbTrainer.load(r.model());
    try {
      float[] scores = XgbTrainer.predict(b, holdout.data(), holdout.rows(), holdout.cols());
      for (float p : scores) {
        assertEquals(scores[0], p, 0f);
      }
      // 50 of 200 are defects: the constant score approaches the base rate 0.25.
      assertEquals(0.25, scores[0], 0.05);
    } finally {
      b.dispose();
    }
  }

  @Test
  void aFeatureMissingEverywhereDoesNotStopLearningFromTheOthers() {
    Random rnd = new Random(5);
    WindowSample s = new WindowSample(4, 2000);
    for (int i = 0; i < 600; i++) {
      SensorEvent e = learnable(i, rnd);
      float[] f = e.features().clone();
      f[0] = Float.NaN; // temperature never reported
      s.add(new SensorEvent(e.machineId(), e.timestampMillis(), f, e.label()));
    }
    TrainingResult r = trainer.train(s);
    assertTrue(r.isTrained(), r.reason());
    assertFiniteMetrics(r.metrics());
    assertTrue(r.metrics().auc() > 0.8, "AUC " + r.metrics().auc());
  }

  @Test
  void everyFeatureMissingStillTrainsAConstantModel() {
    WindowSample s = new WindowSample(4, 500);
    float nan = Float.NaN;
    for (int i = 0; i < 100; i++) {
      s.add(event(i, new float[] {nan, nan, nan, nan}, i % 5 == 0 ? 1 : 0));
    }
    TrainingResult r = trainer.train(s);
    assertTrue(r.isTrained(), r.reason());
    assertFiniteMetrics(r.metrics());
    assertEquals(0.5, r.metrics().auc(), 0.0);
  }

  @Test
  void duplicatedDeliveriesOfEveryEventStillLearn() {
    // At-least-once delivery: every event arrives twice. Copies share one priority, so the sample
    // holds both and the split keeps them adjacent.
    Random rnd = new Random(6);
    WindowSample s = new WindowSample(4, 2000);
    for (int i = 0; i < 400; i++) {
      SensorEvent e = learnable(i, rnd);
      s.add(e);
      s.add(e);
    }
    assertEquals(800, s.size());
    TrainingResult r = trainer.train(s);
    assertTrue(r.isTrained(), r.reason());
    assertTrue(r.metrics().auc() > 0.8, "AUC " + r.metrics().auc());
    assertEquals(800, r.trainRows() + r.holdoutRows());
    // Copies sort next to each other, so only the copies at each class's cut can be split between
    // train and holdout: at most one leaking pair per class.
    Set<Long> held = new HashSet<>();
    for (int row : r.holdoutIndex()) {
      held.add(s.priorityArray()[row]);
    }
    int straddling = 0;
    for (int row = 0; row < s.size(); row++) {
      boolean inHoldout = Arrays.binarySearch(r.holdoutIndex(), row) >= 0;
      if (!inHoldout && held.contains(s.priorityArray()[row])) {
        straddling++;
      }
    }
    assertTrue(straddling <= 2, straddling + " duplicate pairs straddle train and holdout");
  }

  @Test
  void twoDistinctEventsDuplicatedManyTimesAreSeparatedPerfectly() {
    WindowSample s = new WindowSample(4, 2000);
    SensorEvent good = event(0, new float[] {60, 0.5f, 5, 12}, 0);
    SensorEvent bad = event(1, new float[] {90, 1.5f, 5, 12}, 1);
    for (int i = 0; i < 500; i++) {
      s.add(good);
      s.add(bad);
    }
    TrainingResult r = trainer.train(s);
    assertTrue(r.isTrained(), r.reason());
    // 100 of each class held out (round(500 * 0.2)); every positive outscores every negative.
    assertEquals(200, r.holdoutRows());
    assertEquals(1.0, r.metrics().auc(), 0.0);
    assertEquals(1.0, r.metrics().accuracy(), 0.0);
  }

  @Test
  void extremeImbalanceOfAThousandToFiveTrains() {
    WindowSample s = classes(1000, 5);
    TrainingResult r = trainer.train(s);
    assertTrue(r.isTrained(), r.reason());
    // Negatives: round(1000 * 0.2) = 200 held out, 800 trained; positives: round(1.0) = 1 and 4.
    assertEquals(201, r.holdoutRows());
    assertEquals(804, r.trainRows());
    assertFiniteMetrics(r.metrics());
    int heldOutDefects = 0;
    for (byte label : holdoutOf(s, r).labelBytes()) {
      heldOutDefects += label;
    }
    assertEquals(1, heldOutDefects);

    assertEquals("too few defects: 4 < 5 per class", trainer.train(classes(1000, 4)).reason());
  }
}
