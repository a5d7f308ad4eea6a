package io.fleetlearn.pipeline;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.drift.DriftReport;
import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.registry.PromotionPolicy;
import io.fleetlearn.training.BinaryMetrics;
import io.fleetlearn.training.ClassificationMetrics;
import io.fleetlearn.training.FeatureMatrix;
import io.fleetlearn.training.ThresholdCalibration;
import io.fleetlearn.training.TrainingParams;
import io.fleetlearn.training.TrainingResult;
import io.fleetlearn.training.WindowOutcome;
import io.fleetlearn.training.WindowOutcomeCoder;
import io.fleetlearn.training.XgbTrainer;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import ml.dmlc.xgboost4j.java.Booster;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

/**
 * The registry's decisions and drift reports, fed window outcomes with real xgboost4j models in a
 * chosen order (TestStream, direct runner): first promotion, rejection of a worse challenger,
 * promotion after the champion decays, a stale window arriving after a newer one, and drift.
 */
public class ModelRegistryTest {
  private static final long W = 60_000;
  private static final long T0 = Instant.parse("2026-11-27T10:00:00Z").getMillis();
  private static final TrainingParams PARAMS = TrainingParams.defaults();

  @Rule public final transient TestPipeline p = TestPipeline.create();

  /**
   * 600 events; the defect depends on feature {@code cause}; {@code shift} moves feature 1's mean
   * by that many standard deviations.
   */
  private static WindowSample sample(long seed, int cause, double shift) {
    Random r = new Random(seed);
    WindowSample s = new WindowSample(4, 2000);
    for (int i = 0; i < 600; i++) {
      float[] f = new float[4];
      for (int j = 0; j < 4; j++) {
        f[j] = (float) r.nextGaussian();
      }
      f[1] += (float) shift;
      double z = cause == 1 ? f[1] - shift : f[cause];
      byte label = (byte) (r.nextDouble() < 1 / (1 + Math.exp(-(3 * z - 2))) ? 1 : 0);
      s.add(new SensorEvent("m", T0 + i, f, label));
    }
    return s;
  }

  private static WindowOutcome trained(long window, WindowSample s) {
    return new WindowOutcome(
        "m", T0 + window * W, T0 + (window + 1) * W, 0, false, s, new XgbTrainer(PARAMS).train(s));
  }

  /** A challenger whose model was trained on labels shuffled at random, measured honestly. */
  private static WindowOutcome weak(long window, WindowSample s) throws Exception {
    TrainingResult good = new XgbTrainer(PARAMS).train(s);
    WindowSample shuffled = new WindowSample(4, 2000);
    Random r = new Random(99);
    for (int i = 0; i < s.size(); i++) {
      float[] f = new float[4];
      for (int j = 0; j < 4; j++) {
        f[j] = s.feature(i, j);
      }
      shuffled.add(new SensorEvent("m", T0 + i, f, (byte) (r.nextDouble() < 0.3 ? 1 : 0)));
    }
    byte[] model = new XgbTrainer(PARAMS).train(shuffled).model();
    FeatureMatrix h =
        FeatureMatrix.gather(s.featureArray(), s.labelArray(), 4, good.holdoutIndex());
    Booster b = XgbTrainer.load(model);
    ClassificationMetrics m;
    try {
      m =
          BinaryMetrics.compute(
              XgbTrainer.predict(b, h.data(), h.rows(), 4), h.labelBytes(), h.rows(), 0.5);
    } finally {
      b.dispose();
    }
    TrainingResult weakResult =
        TrainingResult.trained(model, m, good.trainRows(), good.holdoutIndex(), 1);
    return new WindowOutcome("m", T0 + window * W, T0 + (window + 1) * W, 0, false, s, weakResult);
  }

  private PCollectionTuple run(PromotionPolicy policy, WindowOutcome... outcomes) {
    return run(policy, PARAMS, outcomes);
  }

  private PCollectionTuple run(
      PromotionPolicy policy, TrainingParams params, WindowOutcome... outcomes) {
    TestStream.Builder<KV<String, WindowOutcome>> b =
        TestStream.create(KvCoder.of(StringUtf8Coder.of(), WindowOutcomeCoder.of()));
    for (WindowOutcome o : outcomes) {
      // One element per step, so the registry sees them in exactly this order.
      b = b.addElements(TimestampedValue.of(KV.of("m", o), new Instant(o.windowEnd() - 1)));
    }
    RetrainingConfig config = RetrainingConfig.builder().promotion(policy).training(params).build();
    return p.apply(b.advanceWatermarkToInfinity()).apply(new ModelRegistry(config));
  }

  private static <T> List<T> list(Iterable<T> it, Comparator<T> order) {
    return StreamSupport.stream(it.spliterator(), false).sorted(order).collect(Collectors.toList());
  }

  @Test
  public void promotesTheFirstModelAndRejectsAWorseChallenger() throws Exception {
    WindowSample s1 = sample(1, 0, 0);
    WindowSample s2 = sample(2, 0, 0);
    PCollectionTuple out = run(PromotionPolicy.defaults(), trained(0, s1), weak(1, s2));
    PAssert.that(out.get(ModelRegistry.MODEL_UPDATES))
        .satisfies(
            it -> {
              List<ModelUpdate> u = list(it, Comparator.comparingLong(ModelUpdate::windowStart));
              assertEquals(2, u.size());
              assertEquals(ModelUpdate.Status.PROMOTED, u.get(0).status());
              assertEquals(1, u.get(0).version());
              assertTrue(u.get(0).reason().startsWith("first model"));
              assertEquals(ModelUpdate.Status.REJECTED, u.get(1).status());
              // the champion stays; a new version only if its threshold was chosen again
              assertEquals(u.get(1).recalibration() == null ? 1 : 2, u.get(1).version());
              // the rejected record still carries the champion, so the compacted topic stays whole
              assertEquals(u.get(0).modelSha256(), u.get(1).modelSha256());
              assertTrue(u.get(1).metrics().auc() + 0.01 < u.get(1).championMetrics().auc());
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  public void aFirstChallengerBelowThePromotionFloorIsRejectedAndTheNextGoodOneIsVersionOne()
      throws Exception {
    WindowSample s1 = sample(3, 0, 0);
    WindowSample s2 = sample(4, 0, 0);
    WindowOutcome bad = weak(0, s1);
    assertTrue("" + bad.result().metrics().auc(), bad.result().metrics().auc() < 0.7);
    PCollectionTuple out = run(new PromotionPolicy("auc", 0.01, 0.05, 0.7), bad, trained(1, s2));
    PAssert.that(out.get(ModelRegistry.MODEL_UPDATES))
        .satisfies(
            it -> {
              List<ModelUpdate> u = list(it, Comparator.comparingLong(ModelUpdate::windowStart));
              assertEquals(2, u.size());
              assertEquals(ModelUpdate.Status.REJECTED, u.get(0).status());
              assertEquals(0, u.get(0).version());
              assertTrue(u.get(0).reason(), u.get(0).reason().contains("promotion floor 0.7"));
              assertEquals(ModelUpdate.Status.PROMOTED, u.get(1).status());
              assertEquals(1, u.get(1).version());
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  public void promotesAChallengerAfterTheChampionDecays() {
    WindowSample before = sample(1, 0, 0);
    // The defect now depends on feature 2: the champion's ranking collapses.
    WindowSample after = sample(3, 2, 0);
    // An improvement threshold no challenger can reach: only the decay rule can promote.
    PromotionPolicy policy = new PromotionPolicy("auc", 0.9, 0.05);
    PCollectionTuple out = run(policy, trained(0, before), trained(1, after));
    PAssert.that(out.get(ModelRegistry.MODEL_UPDATES))
        .satisfies(
            it -> {
              List<ModelUpdate> u = list(it, Comparator.comparingLong(ModelUpdate::windowStart));
              assertEquals(ModelUpdate.Status.PROMOTED, u.get(1).status());
              assertEquals(2, u.get(1).version());
              assertTrue(u.get(1).reason(), u.get(1).reason().startsWith("champion decayed"));
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  public void aStaleWindowNeverReplacesANewerChampion() {
    WindowOutcome w0 = trained(0, sample(1, 0, 0));
    WindowOutcome w1 = trained(1, sample(2, 0, 0));
    WindowOutcome w2 = trained(2, sample(3, 0, 0));
    // window 0 arrives last, e.g. replayed or late
    PCollectionTuple out = run(new PromotionPolicy("auc", 0.0, 0.05), w1, w2, w0);
    PAssert.that(out.get(ModelRegistry.MODEL_UPDATES))
        .satisfies(
            it -> {
              List<ModelUpdate> u = list(it, Comparator.comparingLong(ModelUpdate::windowStart));
              assertEquals(3, u.size());
              ModelUpdate stale = u.get(0);
              assertEquals(ModelUpdate.Status.REJECTED, stale.status());
              assertTrue(stale.reason(), stale.reason().startsWith("stale window"));
              long newest = Math.max(u.get(1).version(), u.get(2).version());
              assertEquals(newest, stale.version());
              // it carries the champion as it stood after window 2, untouched
              assertEquals(u.get(2).modelSha256(), stale.modelSha256());
              // versions: +1 per promotion or recalibration, no gaps, never reused
              long served = u.stream().filter(ModelUpdate::changesServedModel).count();
              assertEquals(served, newest);
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  public void reportsDriftOnTheShiftedFeatureOnlyAndNoneForSteadyData() {
    WindowOutcome ref = trained(0, sample(1, 0, 0));
    WindowOutcome steady = trained(1, sample(2, 0, 0));
    WindowOutcome shifted = trained(2, sample(3, 0, 1.5));
    PCollectionTuple out = run(new PromotionPolicy("auc", 0.99, 0.99), ref, steady, shifted);
    PAssert.that(out.get(ModelRegistry.DRIFT_REPORTS))
        .satisfies(
            it -> {
              List<DriftReport> r = list(it, Comparator.comparingLong(DriftReport::windowStart));
              assertEquals(3, r.size());
              assertEquals(DriftReport.Status.NO_REFERENCE, r.get(0).status());
              assertEquals(DriftReport.Status.STABLE, r.get(1).status());
              assertTrue("steady max PSI " + r.get(1).maxPsi(), r.get(1).maxPsi() < 0.1);
              assertEquals(1, r.get(1).referenceVersion());
              DriftReport d = r.get(2);
              assertEquals(DriftReport.Status.DRIFT, d.status());
              assertEquals(List.of("vibration"), d.driftedFeatures());
              assertTrue("PSI " + d.psi("vibration"), d.psi("vibration") > 0.5);
              assertTrue("KS " + d.ks()[1], d.ks()[1] > 0.4);
              assertTrue(d.psi("temperature") < 0.1);
              assertNotNull(d.championOnWindow());
              assertFalse(Double.isNaN(d.predictionPsi()));
              return null;
            });
    p.run().waitUntilFinish();
  }

  private static float[] score(byte[] model, WindowSample s) throws Exception {
    Booster b = XgbTrainer.load(model);
    try {
      return XgbTrainer.predict(b, s.featureArray(), s.size(), s.dim());
    } finally {
      b.dispose();
    }
  }

  @Test
  public void aRetainedChampionsThresholdIsChosenAgainOnLaterWindowsAsANewVersion()
      throws Exception {
    WindowSample s0 = sample(1, 0, 0);
    WindowSample s1 = sample(2, 0, 0);
    WindowSample s2 = sample(5, 0, 0);
    WindowOutcome first = trained(0, s0);
    TrainingResult r0 = first.result();
    // What the registry should compute: the champion's holdout, then all of window 1's rows.
    float[] own = score(r0.model(), s0);
    int[] h = r0.holdoutIndex();
    float[] hs = new float[h.length];
    byte[] hl = new byte[h.length];
    for (int i = 0; i < h.length; i++) {
      hs[i] = own[h[i]];
      hl[i] = s0.labelArray()[h[i]];
    }
    ThresholdCalibration expected =
        ThresholdCalibration.start(
                ModelUpdate.sha256(r0.model()), r0.selection().validationPositives())
            .addHoldout(hs, hl, h.length)
            .add(score(r0.model(), s1), s1.labelArray(), s1.size());
    assertTrue(expected.due(r0.selection().threshold(), PARAMS.minAlertPrecision()));
    double threshold =
        expected.choose(
            PARAMS.thresholdObjective(),
            PARAMS.targetPrecision(),
            PARAMS.missedDefectCost(),
            PARAMS.minAlertPrecision());
    assertTrue("" + threshold, threshold > 0 && threshold < 1);
    assertTrue(threshold != r0.selection().threshold());
    double expectedPositives = expected.positives();

    PCollectionTuple out = run(PromotionPolicy.defaults(), first, weak(1, s1), weak(2, s2));
    PAssert.that(out.get(ModelRegistry.MODEL_UPDATES))
        .satisfies(
            it -> {
              List<ModelUpdate> u = list(it, Comparator.comparingLong(ModelUpdate::windowStart));
              assertEquals(3, u.size());
              assertEquals(ModelUpdate.Status.PROMOTED, u.get(0).status());
              assertEquals(1, u.get(0).version());
              assertEquals(null, u.get(0).recalibration());
              // window 1: the challenger is rejected, the champion's threshold chosen again
              ModelUpdate again = u.get(1);
              assertEquals(ModelUpdate.Status.REJECTED, again.status());
              assertEquals(2, again.version());
              assertEquals(u.get(0).modelSha256(), again.modelSha256());
              assertEquals(threshold, again.modelThreshold(), 1e-12);
              assertNotNull(again.recalibration());
              assertEquals(1, again.recalibration().previousVersion());
              assertEquals(u.get(0).modelThreshold(), again.recalibration().previousThreshold(), 0);
              assertEquals(expectedPositives, again.recalibration().positives(), 1e-6);
              assertEquals(1, again.recalibration().windows());
              assertTrue(again.changesServedModel());
              assertTrue(again.reason(), again.reason().contains("chosen again"));
              // window 2 adds fewer defects than the threshold was chosen on: it stays
              ModelUpdate after = u.get(2);
              assertEquals(ModelUpdate.Status.REJECTED, after.status());
              assertEquals(2, after.version());
              assertEquals(null, after.recalibration());
              assertFalse(after.changesServedModel());
              assertEquals(threshold, after.modelThreshold(), 1e-12);
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  public void withoutRecalibrationARejectedWindowKeepsTheVersionAndThreshold() throws Exception {
    WindowOutcome first = trained(0, sample(1, 0, 0));
    PCollectionTuple out =
        run(
            PromotionPolicy.defaults(),
            PARAMS.toBuilder().recalibrateThresholds(false).build(),
            first,
            weak(1, sample(2, 0, 0)));
    PAssert.that(out.get(ModelRegistry.MODEL_UPDATES))
        .satisfies(
            it -> {
              List<ModelUpdate> u = list(it, Comparator.comparingLong(ModelUpdate::windowStart));
              assertEquals(1, u.get(1).version());
              assertEquals(null, u.get(1).recalibration());
              assertEquals(u.get(0).modelThreshold(), u.get(1).modelThreshold(), 0);
              return null;
            });
    p.run().waitUntilFinish();
  }
}
