package io.fleetlearn.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.drift.ReferenceProfile;
import io.fleetlearn.event.FeatureSchema;
import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.training.ClassificationMetrics;
import io.fleetlearn.training.ModelKind;
import io.fleetlearn.training.TrainingParams;
import io.fleetlearn.training.TrainingResult;
import io.fleetlearn.training.XgbTrainer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ChampionSeedTest {
  private static final List<String> FEATURES = FeatureSchema.defaults().names();
  private static final ClassificationMetrics AT_TRAINING =
      ClassificationMetrics.of(0.9, 0.6, 0.7, 0.5, 0.95, 0.2);
  private static final ClassificationMetrics ON_HOLDOUT =
      ClassificationMetrics.of(0.8, 0.5, 0.6, 0.4, 0.9, 0.3);
  private static byte[] model;

  @BeforeAll
  static void trainAModel() {
    Random r = new Random(1);
    WindowSample s = new WindowSample(4, 1000);
    for (int i = 0; i < 400; i++) {
      float[] f = {(float) r.nextGaussian(), (float) r.nextGaussian(), 0, 0};
      s.add(new SensorEvent("m", i, f, (byte) (f[0] > 0.5 ? 1 : 0)));
    }
    TrainingResult t = new XgbTrainer(TrainingParams.defaults()).train(s);
    model = t.model();
  }

  private static ModelUpdate.Builder record(ModelUpdate.Status status, long version) {
    return ModelUpdate.builder()
        .machineId("m")
        .version(version)
        .status(status)
        .window(1_000, 2_000)
        .features(FEATURES)
        .model(model, 500, 900);
  }

  private static ChampionSeed.Result from(ModelUpdate u, long highest) {
    return ChampionSeed.from("m", new SeedRecord(u.toJson(), highest, "t-0@5"), FEATURES);
  }

  @Test
  void aVerifiedRecordBecomesAChampionWithItsVersionWindowAndBaseline() {
    ChampionSeed.Result r =
        from(
            record(ModelUpdate.Status.REJECTED, 4)
                .metrics(ON_HOLDOUT)
                .championMetrics(ON_HOLDOUT)
                .modelMetrics(AT_TRAINING)
                .build(),
            4);
    assertNull(r.problem());
    ChampionState c = r.champion();
    assertNotNull(c);
    assertEquals(4, c.version());
    assertArrayEquals(model, c.model());
    assertEquals(500, c.windowStart());
    assertEquals(900, c.windowEnd());
    assertEquals(AT_TRAINING, c.trainingMetrics());
    assertTrue(c.reference().isEmpty());
    assertEquals(4, r.versionFloor());
  }

  @Test
  void olderRecordsWithoutModelMetricsFallBackToWhatTheyMeasured() {
    // PROMOTED: its metrics are the new champion's own.
    assertEquals(
        AT_TRAINING,
        from(record(ModelUpdate.Status.PROMOTED, 2).metrics(AT_TRAINING).build(), 2)
            .champion()
            .trainingMetrics());
    // REJECTED: the champion measured on a recent holdout.
    assertEquals(
        ON_HOLDOUT,
        from(
                record(ModelUpdate.Status.REJECTED, 2)
                    .metrics(AT_TRAINING)
                    .championMetrics(ON_HOLDOUT)
                    .build(),
                2)
            .champion()
            .trainingMetrics());
    // SKIPPED: nothing measured; no baseline, so the decay rule stays quiet.
    assertEquals(
        ChampionSeed.NO_BASELINE,
        from(record(ModelUpdate.Status.SKIPPED, 2).build(), 2).champion().trainingMetrics());
  }

  @Test
  void theFloorIsTheHighestVersionSeenEvenWhenTheRecordIsUnusable() {
    byte[] tampered =
        new String(record(ModelUpdate.Status.PROMOTED, 3).build().toJson(), StandardCharsets.UTF_8)
            .replace(ModelUpdate.sha256(model), ModelUpdate.sha256(new byte[1]))
            .getBytes(StandardCharsets.UTF_8);
    ChampionSeed.Result r = ChampionSeed.from("m", new SeedRecord(tampered, 5, "t"), FEATURES);
    assertNull(r.champion());
    assertTrue(r.problem().contains("sha256 mismatch"), r.problem());
    assertEquals(5, r.versionFloor());

    ChampionSeed.Result gone = ChampionSeed.from("m", new SeedRecord(null, 6, "t-1@9"), FEATURES);
    assertNull(gone.champion());
    assertTrue(gone.problem().contains("t-1@9"));
    assertEquals(6, gone.versionFloor());

    ChampionSeed.Result other =
        ChampionSeed.from(
            "n",
            new SeedRecord(record(ModelUpdate.Status.PROMOTED, 2).build().toJson(), 2, "t"),
            FEATURES);
    assertNull(other.champion());
    assertTrue(other.problem().contains("names machine \"m\""), other.problem());
  }

  @Test
  void aRecordWithoutAModelOnlyCarriesItsVersion() {
    ModelUpdate skipped =
        ModelUpdate.builder()
            .machineId("m")
            .version(0)
            .status(ModelUpdate.Status.SKIPPED)
            .window(0, 1)
            .features(FEATURES)
            .build();
    ChampionSeed.Result r = from(skipped, 0);
    assertNull(r.champion());
    assertNull(r.problem());
    assertEquals(0, r.versionFloor());
  }

  @Test
  void stateWinsUnlessTheSeedIsNewer() {
    ChampionState v3 = from(record(ModelUpdate.Status.PROMOTED, 3).build(), 3).champion();
    ChampionState v2 = from(record(ModelUpdate.Status.PROMOTED, 2).build(), 2).champion();
    ChampionState v4 = from(record(ModelUpdate.Status.PROMOTED, 4).build(), 4).champion();
    ChampionState otherV3 = from(record(ModelUpdate.Status.REJECTED, 3).build(), 3).champion();
    assertTrue(ChampionSeed.adopts(null, v2));
    assertFalse(ChampionSeed.adopts(v3, v2));
    assertFalse(ChampionSeed.adopts(v3, otherV3), "equal versions: the restored state stays");
    assertTrue(ChampionSeed.adopts(v3, v4));
  }

  @Test
  void readVersionIsLenient() {
    assertEquals(9, ChampionSeed.readVersion("{\"a\":{\"version\":1},\"version\":9}".getBytes()));
    assertEquals(-1, ChampionSeed.readVersion("{\"version\":\"9\"}".getBytes()));
    assertEquals(-1, ChampionSeed.readVersion("[1]".getBytes()));
    assertEquals(-1, ChampionSeed.readVersion("{\"version\":".getBytes()));
    assertEquals(-1, ChampionSeed.readVersion(null));
  }

  @Test
  void anAdoptedChampionWithItsEmptyReferenceRoundTripsThroughTheStateCoder() throws Exception {
    ChampionState c = from(record(ModelUpdate.Status.PROMOTED, 3).build(), 3).champion();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ChampionStateCoder.of().encode(c, out);
    ChampionState back =
        ChampionStateCoder.of().decode(new ByteArrayInputStream(out.toByteArray()));
    assertEquals(3, back.version());
    assertArrayEquals(model, back.model());
    assertTrue(back.reference().isEmpty());
    assertEquals(ReferenceProfile.empty(4).dim(), back.reference().dim());
  }

  @Test
  void stateWrittenBeforeKindsAndThresholdsStillDecodesAsAnOwnModel() throws Exception {
    // The form the coder wrote before: version, sha256, window, six metrics, model, reference.
    ChampionState c = from(record(ModelUpdate.Status.PROMOTED, 3).build(), 3).champion();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    java.io.DataOutputStream d = new java.io.DataOutputStream(out);
    d.writeLong(c.version());
    d.writeUTF(c.modelSha256());
    d.writeLong(c.windowStart());
    d.writeLong(c.windowEnd());
    ClassificationMetrics m = c.trainingMetrics();
    for (double v :
        new double[] {m.auc(), m.f1(), m.precision(), m.recall(), m.accuracy(), m.logLoss()}) {
      d.writeDouble(v);
    }
    d.flush();
    org.apache.beam.sdk.coders.ByteArrayCoder.of().encode(c.model(), out);
    io.fleetlearn.drift.ReferenceProfileCoder.of().encode(c.reference(), out);

    ChampionState back =
        ChampionStateCoder.of().decode(new ByteArrayInputStream(out.toByteArray()));
    assertEquals(3, back.version());
    assertArrayEquals(model, back.model());
    assertEquals(m, back.trainingMetrics());
    assertEquals(ModelKind.OWN, back.kind());
    assertTrue(Double.isNaN(back.threshold()));
  }

  @Test
  void theStateCoderKeepsTheKindAndThreshold() throws Exception {
    ChampionState c = from(record(ModelUpdate.Status.PROMOTED, 3).build(), 3).champion();
    ChampionState tuned =
        new ChampionState(
            c.version(),
            c.model(),
            c.modelSha256(),
            c.windowStart(),
            c.windowEnd(),
            c.trainingMetrics().withCounts(0.3, 1, 2, 3, 4),
            c.reference(),
            ModelKind.FLEET_TUNED,
            0.3);
    ChampionState back = CoderUtils.clone(ChampionStateCoder.of(), tuned);
    assertEquals(ModelKind.FLEET_TUNED, back.kind());
    assertEquals(0.3, back.threshold(), 0.0);
    assertEquals(tuned.trainingMetrics(), back.trainingMetrics());
  }
}
