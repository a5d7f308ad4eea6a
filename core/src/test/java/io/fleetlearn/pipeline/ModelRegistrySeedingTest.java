package io.fleetlearn.pipeline;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.drift.DriftReport;
import io.fleetlearn.event.FeatureSchema;
import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.registry.PromotionPolicy;
import io.fleetlearn.registry.RegistrySeeds;
import io.fleetlearn.registry.SeedRecord;
import io.fleetlearn.scoring.TreeEnsemble;
import io.fleetlearn.training.BinaryMetrics;
import io.fleetlearn.training.ClassificationMetrics;
import io.fleetlearn.training.TrainingParams;
import io.fleetlearn.training.TrainingResult;
import io.fleetlearn.training.WindowOutcome;
import io.fleetlearn.training.WindowOutcomeCoder;
import io.fleetlearn.training.XgbTrainer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

/**
 * The registry started from existing records of the model-updates topic (TestStream, direct runner,
 * real xgboost4j models): a seeded champion is the first challenger's opponent on the same holdout
 * and versions continue after it; records that fail verification are ignored and counted without
 * reusing their version; a seed never replaces a newer entry in state.
 */
public class ModelRegistrySeedingTest {
  private static final long W = 60_000;
  private static final long T0 = Instant.parse("2026-11-27T10:00:00Z").getMillis();
  private static final TrainingParams PARAMS = TrainingParams.defaults();
  private static final List<String> FEATURES = FeatureSchema.defaults().names();

  @Rule public final transient TestPipeline p = TestPipeline.create();

  /** The records a lookup finds, per machine: a stand-in for the topic. */
  static final class MapSeeds implements RegistrySeeds {
    private static final long serialVersionUID = 1L;
    private final HashMap<String, SeedRecord> records = new HashMap<>();
    private final HashMap<String, SeedRecord> decided = new HashMap<>();

    MapSeeds put(String machine, byte[] value, long highestVersion) {
      records.put(machine, new SeedRecord(value, highestVersion, "test-" + machine));
      return this;
    }

    /** A record of the topic that decided {@code u}'s window, as a replay finds it. */
    MapSeeds decided(ModelUpdate u, long highestVersion) {
      decided.put(
          u.machineId() + "@" + u.windowStart() + "/" + u.paneIndex(),
          new SeedRecord(u.toJson(), highestVersion, "test-decided-" + u.machineId()));
      return this;
    }

    @Override
    public Lookup open() {
      Map<String, SeedRecord> r = records;
      Map<String, SeedRecord> d = decided;
      return new Lookup() {
        @Override
        public @Nullable SeedRecord decided(String machineId, long windowStartMillis, long pane) {
          return d.get(machineId + "@" + windowStartMillis + "/" + pane);
        }

        @Override
        public long highestVersion(String machineId) {
          SeedRecord s = r.get(machineId);
          return s == null ? -1 : s.highestVersion();
        }

        @Override
        public @Nullable SeedRecord latest(String machineId) {
          return r.get(machineId);
        }

        @Override
        public void close() {}
      };
    }
  }

  /** 600 events whose defect depends on feature 0. */
  private static WindowSample sample(String machine, long seed) {
    Random r = new Random(seed);
    WindowSample s = new WindowSample(4, 2000);
    for (int i = 0; i < 600; i++) {
      float[] f = new float[4];
      for (int j = 0; j < 4; j++) {
        f[j] = (float) r.nextGaussian();
      }
      byte label = (byte) (r.nextDouble() < 1 / (1 + Math.exp(-(3 * f[0] - 2))) ? 1 : 0);
      s.add(new SensorEvent(machine, T0 + i, f, label));
    }
    return s;
  }

  /** The same rows with labels drawn at random: a model trained on them ranks at chance. */
  private static WindowSample shuffled(String machine, WindowSample s) {
    WindowSample out = new WindowSample(4, 2000);
    Random r = new Random(99);
    for (int i = 0; i < s.size(); i++) {
      float[] f = new float[4];
      for (int j = 0; j < 4; j++) {
        f[j] = s.feature(i, j);
      }
      out.add(new SensorEvent(machine, T0 + i, f, (byte) (r.nextDouble() < 0.3 ? 1 : 0)));
    }
    return out;
  }

  private static WindowOutcome outcome(String machine, long window, WindowSample s) {
    return outcome(machine, window, s, new XgbTrainer(PARAMS).train(s));
  }

  private static WindowOutcome outcome(
      String machine, long window, WindowSample s, TrainingResult r) {
    return new WindowOutcome(machine, T0 + window * W, T0 + (window + 1) * W, 0, false, s, r);
  }

  /** A challenger trained on shuffled labels, measured honestly on the real holdout. */
  private static WindowOutcome weak(String machine, long window, WindowSample s) throws Exception {
    TrainingResult good = new XgbTrainer(PARAMS).train(s);
    byte[] model = new XgbTrainer(PARAMS).train(shuffled(machine, s)).model();
    ClassificationMetrics m = onHoldout(model, s, good.holdoutIndex());
    return outcome(
        machine,
        window,
        s,
        TrainingResult.trained(model, m, good.trainRows(), good.holdoutIndex(), 1));
  }

  /** {@code model} scored on the given rows of {@code s}, as the registry scores a champion. */
  private static ClassificationMetrics onHoldout(byte[] model, WindowSample s, int[] rows)
      throws Exception {
    return onHoldout(model, s, rows, PARAMS.threshold());
  }

  /**
   * The model on the rows, at {@code threshold}: the registry measures a champion at its own, with
   * the pure-Java trees read from the UBJ bytes.
   */
  private static ClassificationMetrics onHoldout(
      byte[] model, WindowSample s, int[] rows, double threshold) throws Exception {
    float[] all = new float[s.size()];
    TreeEnsemble.fromUbj(model).predict(s.featureArray(), s.size(), s.dim(), all);
    float[] sc = new float[rows.length];
    byte[] l = new byte[rows.length];
    for (int i = 0; i < rows.length; i++) {
      sc[i] = all[rows[i]];
      l[i] = s.labelArray()[rows[i]];
    }
    return BinaryMetrics.compute(sc, l, rows.length, threshold);
  }

  /** A warm-start record as {@code train --publishModels} publishes it: PROMOTED, version 1. */
  private static ModelUpdate warmStart(String machine, TrainingResult r, List<String> features) {
    return ModelUpdate.builder()
        .machineId(machine)
        .version(1)
        .status(ModelUpdate.Status.PROMOTED)
        .reason("warm start: trained on the history")
        .window(0, 0)
        .samples(600, 600, 100, r.trainRows(), r.holdoutRows())
        .metrics(r.metrics())
        .features(features)
        .params(PARAMS.describe())
        .model(r.model(), 0, 0)
        .modelMetrics(r.metrics())
        .build();
  }

  private PCollectionTuple run(RegistrySeeds seeds, WindowOutcome... outcomes) {
    TestStream.Builder<KV<String, WindowOutcome>> b =
        TestStream.create(KvCoder.of(StringUtf8Coder.of(), WindowOutcomeCoder.of()));
    for (WindowOutcome o : outcomes) {
      b =
          b.addElements(
              TimestampedValue.of(KV.of(o.machineId(), o), new Instant(o.windowEnd() - 1)));
    }
    RetrainingConfig config =
        RetrainingConfig.builder()
            .promotion(PromotionPolicy.defaults())
            // These tests pin seeding and replays by version; a recalibrated threshold adds
            // versions of its own (ModelRegistryTest).
            .training(PARAMS.toBuilder().recalibrateThresholds(false).build())
            .seeds(seeds)
            .build();
    return p.apply(b.advanceWatermarkToInfinity()).apply(new ModelRegistry(config));
  }

  private static Map<String, List<ModelUpdate>> byMachine(Iterable<ModelUpdate> it) {
    return StreamSupport.stream(it.spliterator(), false)
        .sorted(Comparator.comparingLong(ModelUpdate::windowStart))
        .collect(Collectors.groupingBy(ModelUpdate::machineId, Collectors.toList()));
  }

  private static long counter(PipelineResult r, String name) {
    long total = 0;
    for (MetricResult<Long> c :
        r.metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named("fleetlearn", name))
                    .build())
            .getCounters()) {
      total += c.getAttempted();
    }
    return total;
  }

  @Test
  public void aSeededChampionMeetsTheFirstChallengerOnItsHoldoutAndVersionsContinue()
      throws Exception {
    // warm-good: a good warm champion; its first streaming challenger is weak.
    TrainingResult goodWarm = new XgbTrainer(PARAMS).train(sample("warm-good", 1));
    WindowOutcome goodFirst = weak("warm-good", 0, sample("warm-good", 2));
    // warm-weak: a warm champion that ranks at chance; its challengers are good, then weak.
    TrainingResult weakWarm =
        new XgbTrainer(PARAMS).train(shuffled("warm-weak", sample("warm-weak", 3)));
    WindowOutcome weakFirst = outcome("warm-weak", 0, sample("warm-weak", 4));
    WindowOutcome weakSecond = weak("warm-weak", 1, sample("warm-weak", 5));
    // cold: no record on the topic.
    WindowOutcome cold = outcome("cold", 0, sample("cold", 6));

    ClassificationMetrics goodWarmOnHoldout =
        onHoldout(goodWarm.model(), goodFirst.sample(), goodFirst.result().holdoutIndex());
    ClassificationMetrics weakWarmOnHoldout =
        onHoldout(weakWarm.model(), weakFirst.sample(), weakFirst.result().holdoutIndex());
    ClassificationMetrics promotedOnSecondHoldout =
        onHoldout(
            weakFirst.result().model(),
            weakSecond.sample(),
            weakSecond.result().holdoutIndex(),
            weakFirst.result().selection().threshold());
    String goodWarmSha = ModelUpdate.sha256(goodWarm.model());
    ClassificationMetrics goodWarmAtTraining = goodWarm.metrics();
    String promotedSha = ModelUpdate.sha256(weakFirst.result().model());

    MapSeeds seeds =
        new MapSeeds()
            .put("warm-good", warmStart("warm-good", goodWarm, FEATURES).toJson(), 1)
            .put("warm-weak", warmStart("warm-weak", weakWarm, FEATURES).toJson(), 1);
    PCollectionTuple out = run(seeds, goodFirst, weakFirst, cold, weakSecond);
    PAssert.that(out.get(ModelRegistry.MODEL_UPDATES))
        .satisfies(
            it -> {
              Map<String, List<ModelUpdate>> u = byMachine(it);
              ModelUpdate g = u.get("warm-good").get(0);
              assertEquals(g.reason(), ModelUpdate.Status.REJECTED, g.status());
              assertEquals(1, g.version());
              assertEquals(goodWarmSha, g.modelSha256());
              // compared with the seeded champion, on the challenger's holdout
              assertEquals(goodWarmOnHoldout, g.championMetrics());
              // its baseline travels on: the record says how the champion scored at training
              assertEquals(goodWarmAtTraining, g.modelMetrics());

              ModelUpdate w1 = u.get("warm-weak").get(0);
              assertEquals(w1.reason(), ModelUpdate.Status.PROMOTED, w1.status());
              assertEquals(2, w1.version());
              assertEquals(weakWarmOnHoldout, w1.championMetrics());
              assertTrue(w1.reason(), w1.reason().startsWith("challenger"));
              assertEquals(promotedSha, w1.modelSha256());
              // the seed (version 1) does not come back over the newer entry (version 2)
              ModelUpdate w2 = u.get("warm-weak").get(1);
              assertEquals(w2.reason(), ModelUpdate.Status.REJECTED, w2.status());
              assertEquals(2, w2.version());
              assertEquals(promotedSha, w2.modelSha256());
              assertEquals(promotedOnSecondHoldout, w2.championMetrics());

              ModelUpdate c = u.get("cold").get(0);
              assertEquals(ModelUpdate.Status.PROMOTED, c.status());
              assertEquals(1, c.version());
              assertNull(c.championMetrics());
              assertTrue(c.reason(), c.reason().startsWith("first model"));
              return null;
            });
    PAssert.that(out.get(ModelRegistry.DRIFT_REPORTS))
        .satisfies(
            it -> {
              Map<String, DriftReport> first = new HashMap<>();
              List<DriftReport> weakReports = new ArrayList<>();
              for (DriftReport r : it) {
                first.putIfAbsent(r.machineId(), r);
                if (r.machineId().equals("warm-weak")) {
                  weakReports.add(r);
                }
                assertFalse(new String(r.toJson(), StandardCharsets.UTF_8).contains("NaN"));
              }
              // the warm champion's training data is unknown: no reference yet, not an alarm
              assertEquals(DriftReport.Status.NO_REFERENCE, first.get("warm-good").status());
              weakReports.sort(Comparator.comparingLong(DriftReport::windowStart));
              assertEquals(DriftReport.Status.NO_REFERENCE, weakReports.get(0).status());
              // after the first streaming promotion, drift is measured against its data
              assertNotEquals(DriftReport.Status.NO_REFERENCE, weakReports.get(1).status());
              assertEquals(2, weakReports.get(1).referenceVersion());
              return null;
            });
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertEquals(2, counter(result, "seeds_adopted"));
    assertEquals(0, counter(result, "seeds_ignored"));
  }

  /**
   * A replay (at-least-once, after a failure) meets a window whose decision is on the topic: the
   * registry publishes that record again as it is, and the champion it promoted, rebuilt with its
   * reference profile, meets the next window as it did the first time. Deciding the window again
   * would adopt the same champion from the topic and reject its own model, and the next window's
   * drift would have no reference.
   */
  @Test
  public void aWindowAlreadyDecidedOnTheTopicIsPublishedAgainAsItIsAndItsChampionCarriesOn()
      throws Exception {
    WindowOutcome first = outcome("replayed", 0, sample("replayed", 11));
    WindowOutcome second = weak("replayed", 1, sample("replayed", 12));
    TrainingResult r = first.result();
    ModelUpdate earlier =
        ModelUpdate.builder()
            .machineId("replayed")
            .version(1)
            .status(ModelUpdate.Status.PROMOTED)
            .reason("decided by the attempt before the failure")
            .window(first.windowStart(), first.windowEnd())
            .pane(0, false)
            .samples(600, 600, first.sample().positives(), r.trainRows(), r.holdoutRows())
            .metrics(r.metrics())
            .selection(r.selection())
            .features(FEATURES)
            .params(PARAMS.describe())
            .trainingMillis(1234)
            .model(r.model(), first.windowStart(), first.windowEnd())
            .modelKind(r.selection().kind())
            .modelThreshold(r.selection().threshold())
            .modelMetrics(r.metrics())
            .build();
    String sha = ModelUpdate.sha256(r.model());
    byte[] earlierJson = earlier.toJson();
    long secondStart = second.windowStart();
    MapSeeds seeds = new MapSeeds().put("replayed", earlier.toJson(), 1).decided(earlier, 1);
    PCollectionTuple out = run(seeds, first, second);
    PAssert.that(out.get(ModelRegistry.MODEL_UPDATES))
        .satisfies(
            it -> {
              List<ModelUpdate> u = byMachine(it).get("replayed");
              assertEquals(2, u.size());
              assertArrayEquals("the same record", earlierJson, u.get(0).toJson());
              ModelUpdate next = u.get(1);
              assertEquals(next.reason(), ModelUpdate.Status.REJECTED, next.status());
              assertEquals(1, next.version());
              assertEquals("the republished champion stays", sha, next.modelSha256());
              return null;
            });
    PAssert.that(out.get(ModelRegistry.DRIFT_REPORTS))
        .satisfies(
            it -> {
              for (DriftReport d : it) {
                if (d.windowStart() == secondStart) {
                  assertEquals(1, d.referenceVersion());
                  assertNotEquals(
                      "the champion's reference profile was rebuilt",
                      DriftReport.Status.NO_REFERENCE,
                      d.status());
                }
              }
              return null;
            });
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertEquals(1, counter(result, "decisions_republished"));
  }

  @Test
  public void recordsThatFailVerificationAreIgnoredAndCountedAndTheirVersionsNotReused()
      throws Exception {
    TrainingResult warm = new XgbTrainer(PARAMS).train(sample("x", 1));
    String good = ModelUpdate.sha256(warm.model());
    String wrong = ModelUpdate.sha256(new byte[] {1, 2, 3});
    byte[] badSha =
        new String(warmStart("bad-sha", warm, FEATURES).toJson(), StandardCharsets.UTF_8)
            .replace(good, wrong)
            .getBytes(StandardCharsets.UTF_8);
    byte[] otherFeatures = warmStart("other-features", warm, List.of("a", "b", "c", "d")).toJson();
    ModelUpdate v7 =
        ModelUpdate.builder()
            .machineId("corrupt-model")
            .version(7)
            .status(ModelUpdate.Status.REJECTED)
            .window(0, 0)
            .features(FEATURES)
            .model(new byte[] {'{', 'x'}, 0, 0) // sha256 matches; XGBoost cannot load it
            .build();
    MapSeeds seeds =
        new MapSeeds()
            .put("bad-sha", badSha, 1)
            .put("garbage", "not a model update".getBytes(StandardCharsets.UTF_8), -1)
            .put("other-features", otherFeatures, 1)
            .put("corrupt-model", v7.toJson(), 7);
    PCollectionTuple out =
        run(
            seeds,
            outcome("bad-sha", 0, sample("bad-sha", 2)),
            outcome("garbage", 0, sample("garbage", 3)),
            outcome("other-features", 0, sample("other-features", 4)),
            outcome("corrupt-model", 0, sample("corrupt-model", 5)));
    PAssert.that(out.get(ModelRegistry.MODEL_UPDATES))
        .satisfies(
            it -> {
              Map<String, List<ModelUpdate>> u = byMachine(it);
              Map<String, Long> expected =
                  Map.of("bad-sha", 2L, "garbage", 1L, "other-features", 2L, "corrupt-model", 8L);
              for (Map.Entry<String, Long> e : expected.entrySet()) {
                ModelUpdate x = u.get(e.getKey()).get(0);
                assertEquals(e.getKey(), ModelUpdate.Status.PROMOTED, x.status());
                assertTrue(x.reason(), x.reason().startsWith("first model"));
                assertNull("no champion was adopted", x.championMetrics());
                assertEquals(e.getKey(), (long) e.getValue(), x.version());
                assertArrayEquals(
                    e.getKey(), FEATURES.toArray(), x.features().toArray(new String[0]));
              }
              return null;
            });
    PipelineResult result = p.run();
    result.waitUntilFinish();
    assertEquals(4, counter(result, "seeds_ignored"));
    assertEquals(0, counter(result, "seeds_adopted"));
  }
}
