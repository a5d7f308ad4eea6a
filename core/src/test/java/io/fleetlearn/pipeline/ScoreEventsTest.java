package io.fleetlearn.pipeline;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.event.FeatureSchema;
import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.event.SensorEventCoder;
import io.fleetlearn.registry.FleetModel;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.scoring.DefectPrediction;
import io.fleetlearn.scoring.ModelSource;
import io.fleetlearn.scoring.ScoringConfig;
import io.fleetlearn.training.TrainingParams;
import io.fleetlearn.training.XgbTrainer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import ml.dmlc.xgboost4j.java.Booster;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

/**
 * Online scoring on the direct runner, events and model updates interleaved in a chosen order by
 * one TestStream (each step is processed completely before the next): predictions switch to a new
 * version right after its promotion, a REJECTED record never changes the model, a replayed older
 * version is ignored, and machines without a champion are scored by the fleet model.
 */
public class ScoreEventsTest {
  private static final long T0 = Instant.parse("2026-11-27T10:00:00Z").getMillis();

  @Rule public final transient TestPipeline p = TestPipeline.create();

  /** A model whose defect depends on feature {@code cause}: models differ in their scores. */
  private static byte[] model(long seed, int cause) {
    Random r = new Random(seed);
    WindowSample s = new WindowSample(4, 2000);
    for (int i = 0; i < 600; i++) {
      float[] f = new float[4];
      for (int j = 0; j < 4; j++) {
        f[j] = (float) r.nextGaussian();
      }
      byte label = (byte) (r.nextDouble() < 1 / (1 + Math.exp(-(3 * f[cause] - 1))) ? 1 : 0);
      s.add(new SensorEvent("m", T0 + i, f, label));
    }
    return new XgbTrainer(TrainingParams.defaults()).train(s).model();
  }

  private static ModelUpdate update(
      String machine, long version, ModelUpdate.Status status, byte[] model) {
    return ModelUpdate.builder()
        .machineId(machine)
        .version(version)
        .status(status)
        .reason("test")
        .window(T0, T0 + 60_000)
        .features(FeatureSchema.defaults().names())
        .model(model, T0, T0 + 60_000)
        .build();
  }

  private static SensorEvent event(String machine, long ts, Random r) {
    float[] f = new float[4];
    for (int j = 0; j < 4; j++) {
      f[j] = r.nextDouble() < 0.1 ? Float.NaN : (float) (r.nextGaussian() * 1.5);
    }
    return new SensorEvent(machine, ts, f, SensorEvent.UNLABELLED);
  }

  private static float xgboost(byte[] model, float[] row) {
    try {
      Booster b = XgbTrainer.load(model);
      try {
        return XgbTrainer.predict(b, row, 1, row.length)[0];
      } finally {
        b.dispose();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** One stream of steps: "e" + an encoded event, or "u" + a model update's JSON. */
  private static final class Steps {
    TestStream.Builder<KV<String, byte[]>> stream =
        TestStream.create(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of()));
    long clock = T0;

    void update(ModelUpdate u) {
      stream =
          stream.addElements(
              TimestampedValue.of(KV.of("u", u.toJson()), new Instant(u.windowEnd() - 1)));
    }

    void events(List<SensorEvent> events) throws IOException {
      List<TimestampedValue<KV<String, byte[]>>> batch = new ArrayList<>();
      for (SensorEvent e : events) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        SensorEventCoder.of().encode(e, b);
        batch.add(
            TimestampedValue.of(KV.of("e", b.toByteArray()), new Instant(e.timestampMillis())));
      }
      @SuppressWarnings("unchecked")
      TimestampedValue<KV<String, byte[]>>[] arr = batch.toArray(new TimestampedValue[0]);
      stream = stream.addElements(arr[0], java.util.Arrays.copyOfRange(arr, 1, arr.length));
    }
  }

  static final class DecodeEventsFn extends DoFn<KV<String, byte[]>, SensorEvent> {
    @ProcessElement
    public void process(@Element KV<String, byte[]> s, OutputReceiver<SensorEvent> out)
        throws IOException {
      if (s.getKey().equals("e")) {
        out.output(SensorEventCoder.of().decode(new ByteArrayInputStream(s.getValue())));
      }
    }
  }

  static final class DecodeUpdatesFn extends DoFn<KV<String, byte[]>, ModelUpdate> {
    private final boolean fleet;

    DecodeUpdatesFn(boolean fleet) {
      this.fleet = fleet;
    }

    @ProcessElement
    public void process(@Element KV<String, byte[]> s, OutputReceiver<ModelUpdate> out)
        throws IOException {
      if (s.getKey().equals("u")) {
        ModelUpdate u = ModelUpdate.fromJson(s.getValue());
        if (FleetModel.isFleet(u.machineId()) == fleet) {
          out.output(u);
        }
      }
    }
  }

  private PCollection<DefectPrediction> score(Steps steps, ScoringConfig scoring) {
    PCollection<KV<String, byte[]>> in = p.apply(steps.stream.advanceWatermarkToInfinity());
    PCollectionTuple tuple =
        PCollectionTuple.of(
                ScoreEvents.EVENTS,
                in.apply("Events", ParDo.of(new DecodeEventsFn())).setCoder(SensorEventCoder.of()))
            .and(
                ScoreEvents.MODEL_UPDATES,
                in.apply("Updates", ParDo.of(new DecodeUpdatesFn(false)))
                    .setCoder(io.fleetlearn.registry.ModelUpdateCoder.of()))
            .and(
                ScoreEvents.FLEET_MODEL_UPDATES,
                in.apply("FleetUpdates", ParDo.of(new DecodeUpdatesFn(true)))
                    .setCoder(io.fleetlearn.registry.ModelUpdateCoder.of()));
    return tuple.apply(new ScoreEvents(RetrainingConfig.builder().scoring(scoring).build()));
  }

  /** What each event must be scored with: model bytes, source and version, by event time. */
  private static final class Expected implements java.io.Serializable {
    final Map<Long, float[]> features = new HashMap<>();
    final Map<Long, Float> probability = new HashMap<>();
    final Map<Long, String> model = new HashMap<>();
    final Map<Long, Double> threshold = new HashMap<>();

    void add(List<SensorEvent> events, byte[] bytes, ModelSource source, long version) {
      add(events, bytes, source, version, Double.NaN);
    }

    /** As above, scored by a model with its own threshold (NaN: the scorer's default). */
    void add(List<SensorEvent> events, byte[] bytes, ModelSource source, long version, double t) {
      for (SensorEvent e : events) {
        if (!Double.isNaN(t)) {
          threshold.put(e.timestampMillis(), t);
        }
        features.put(e.timestampMillis(), e.features());
        probability.put(e.timestampMillis(), xgboost(bytes, e.features()));
        model.put(e.timestampMillis(), source + " v" + version);
      }
    }

    void check(Iterable<DefectPrediction> it, double defaultThreshold) {
      List<DefectPrediction> all =
          StreamSupport.stream(it.spliterator(), false).collect(Collectors.toList());
      assertEquals("one prediction per scorable event: " + all, model.size(), all.size());
      for (DefectPrediction d : all) {
        long ts = d.timestampMillis();
        String expected = model.get(ts);
        assertEquals("event at +" + (ts - T0), expected, d.source() + " v" + d.modelVersion());
        assertEquals("event at +" + (ts - T0), probability.get(ts), d.probability(), 1e-6);
        double t = threshold.getOrDefault(ts, defaultThreshold);
        assertEquals("event at +" + (ts - T0), t, d.threshold(), 0.0);
        assertEquals(d.probability() >= t, d.alert());
      }
    }
  }

  private static List<SensorEvent> events(String machine, int from, int n, Random r) {
    List<SensorEvent> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(event(machine, T0 + 100_000 + (from + i) * 10L, r));
    }
    return out;
  }

  @Test
  public void predictionsSwitchToEachPromotedVersionAndNeverToARejectedModel() throws Exception {
    byte[] a = model(1, 0);
    byte[] rejected = model(2, 1);
    byte[] c = model(3, 2);
    Random r = new Random(7);
    Steps s = new Steps();
    Expected x = new Expected();
    s.update(update("press-1", 1, ModelUpdate.Status.PROMOTED, a));
    List<SensorEvent> first = events("press-1", 0, 20, r);
    s.events(first);
    x.add(first, a, ModelSource.MACHINE, 1);
    // A REJECTED record, even one that carried another model under a higher version, changes
    // nothing: scoring only ever takes PROMOTED records.
    s.update(update("press-1", 2, ModelUpdate.Status.REJECTED, rejected));
    List<SensorEvent> second = events("press-1", 20, 20, r);
    s.events(second);
    x.add(second, a, ModelSource.MACHINE, 1);
    s.update(update("press-1", 2, ModelUpdate.Status.PROMOTED, c));
    List<SensorEvent> third = events("press-1", 40, 20, r);
    s.events(third);
    x.add(third, c, ModelSource.MACHINE, 2);
    // A replayed older promotion never rolls the machine back.
    s.update(update("press-1", 1, ModelUpdate.Status.PROMOTED, a));
    List<SensorEvent> fourth = events("press-1", 60, 20, r);
    s.events(fourth);
    x.add(fourth, c, ModelSource.MACHINE, 2);

    ScoringConfig scoring = ScoringConfig.builder().fleetModel(false).alertThreshold(0.3).build();
    PAssert.that(score(s, scoring))
        .satisfies(
            it -> {
              x.check(it, 0.3);
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  public void machinesWithoutAChampionAreScoredByTheFleetModelUntilTheyHaveOne() throws Exception {
    byte[] fleet = model(4, 0);
    byte[] own = model(5, 3);
    Random r = new Random(8);
    Steps s = new Steps();
    Expected x = new Expected();
    // Before any model exists nothing can score: these events produce no prediction.
    s.events(events("press-2", 0, 10, r));
    s.update(update(FleetModel.ID, 3, ModelUpdate.Status.PROMOTED, fleet));
    List<SensorEvent> byFleet = new ArrayList<>(events("press-2", 10, 15, r));
    byFleet.addAll(events("press-3", 25, 15, r));
    s.events(byFleet);
    x.add(byFleet, fleet, ModelSource.FLEET, 3);
    s.update(update("press-2", 1, ModelUpdate.Status.PROMOTED, own));
    List<SensorEvent> ownModel = events("press-2", 40, 15, r);
    List<SensorEvent> stillFleet = events("press-3", 55, 15, r);
    List<SensorEvent> both = new ArrayList<>(ownModel);
    both.addAll(stillFleet);
    s.events(both);
    x.add(ownModel, own, ModelSource.MACHINE, 1);
    x.add(stillFleet, fleet, ModelSource.FLEET, 3);

    // Keys other than 0..2, as the Flink runner's job chooses them: the model reaches every one.
    ScoringConfig scoring =
        ScoringConfig.builder().fleetShards(3).shardKeys(new int[] {40, 7, 913}).build();
    PAssert.that(score(s, scoring))
        .satisfies(
            it -> {
              x.check(it, 0.5);
              assertTrue(x.model.values().contains("FLEET v3"));
              return null;
            });
    p.run().waitUntilFinish();
  }

  @Test
  public void eachModelAlertsAtItsOwnThresholdAndOlderRecordsAtTheConfiguredOne() throws Exception {
    byte[] fleet = model(6, 0);
    byte[] own = model(7, 1);
    byte[] old = model(8, 2);
    Random r = new Random(9);
    Steps s = new Steps();
    Expected x = new Expected();
    s.update(
        ModelUpdate.builder()
            .machineId(FleetModel.ID)
            .version(2)
            .status(ModelUpdate.Status.PROMOTED)
            .reason("test")
            .window(T0, T0 + 60_000)
            .features(FeatureSchema.defaults().names())
            .model(fleet, T0, T0 + 60_000)
            .modelThreshold(0.8)
            .build());
    s.update(
        ModelUpdate.builder()
            .machineId("press-4")
            .version(1)
            .status(ModelUpdate.Status.PROMOTED)
            .reason("test")
            .window(T0, T0 + 60_000)
            .features(FeatureSchema.defaults().names())
            .model(own, T0, T0 + 60_000)
            .modelKind(io.fleetlearn.training.ModelKind.FLEET_TUNED)
            .modelThreshold(0.2)
            .build());
    s.update(update("press-5", 1, ModelUpdate.Status.PROMOTED, old));
    List<SensorEvent> byOwn = events("press-4", 0, 30, r);
    List<SensorEvent> byOld = events("press-5", 30, 30, r);
    List<SensorEvent> byFleet = events("press-6", 60, 30, r);
    List<SensorEvent> all = new ArrayList<>(byOwn);
    all.addAll(byOld);
    all.addAll(byFleet);
    s.events(all);
    x.add(byOwn, own, ModelSource.MACHINE, 1, 0.2);
    x.add(byOld, old, ModelSource.MACHINE, 1);
    x.add(byFleet, fleet, ModelSource.FLEET, 2, 0.8);

    ScoringConfig scoring = ScoringConfig.builder().fleetShards(2).alertThreshold(0.45).build();
    PAssert.that(score(s, scoring))
        .satisfies(
            it -> {
              x.check(it, 0.45);
              return null;
            });
    p.run().waitUntilFinish();
  }
}
