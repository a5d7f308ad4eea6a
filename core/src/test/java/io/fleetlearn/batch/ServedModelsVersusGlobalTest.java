package io.fleetlearn.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.training.ModelKind;
import io.fleetlearn.training.TrainingParams;
import io.fleetlearn.training.TrainingResult;
import io.fleetlearn.training.WindowOutcome;
import io.fleetlearn.training.XgbTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The promise of {@code train --compareGlobal}: an entity's served model never ranks its holdout
 * worse than the global model (by more than 0.005 AUC, on entities with at least 100 holdout rows),
 * and pooled over entities it ranks at least as well. Checked on AI4I keyed by Type and on a
 * census-like table keyed by a categorical column ({@link HeterogeneousEntities}), with the
 * transforms' own functions: the global model, each entity's candidates, the comparison.
 */
class ServedModelsVersusGlobalTest {
  private static final TrainingParams PARAMS = TrainingParams.defaults();

  /** AI4I 2020 keyed by Type: the five process readings, label Machine failure. */
  static Map<String, WindowSample> ai4iByType() throws Exception {
    List<String> lines =
        Files.readAllLines(
            Path.of(
                ServedModelsVersusGlobalTest.class.getResource("/ai4i2020/ai4i2020.csv").toURI()));
    Map<String, WindowSample> out = new TreeMap<>();
    for (int i = 1; i < lines.size(); i++) {
      String[] c = lines.get(i).split(",");
      float[] f = new float[5];
      for (int j = 0; j < 5; j++) {
        f[j] = Float.parseFloat(c[3 + j]);
      }
      out.computeIfAbsent(c[2], k -> new WindowSample(5, 100_000))
          .add(new SensorEvent(c[2], 0, f, (byte) Integer.parseInt(c[8])));
    }
    return out;
  }

  private static GlobalModelComparison serve(Map<String, WindowSample> samples, TrainingParams p)
      throws Exception {
    GlobalModel global = GlobalModel.train(new ArrayList<>(new TreeMap<>(samples).values()), p);
    XgbTrainer trainer = new XgbTrainer(p);
    List<WindowOutcome> outcomes = new ArrayList<>();
    for (Map.Entry<String, WindowSample> e : samples.entrySet()) {
      TrainingResult r = trainer.train(e.getValue(), global.asFleet(p));
      outcomes.add(new WindowOutcome(e.getKey(), 0, 0, 0, false, e.getValue(), r));
    }
    return GlobalModelComparison.compare(outcomes, global, p);
  }

  private static void assertNeverLoses(String data, GlobalModelComparison c) {
    assertTrue(c.isTrained(), c.skipReason());
    for (GlobalModelComparison.EntityComparison e : c.entities()) {
      if (e.holdoutRows() >= 100) {
        assertTrue(
            e.perEntity().auc() >= e.global().auc() - 0.005,
            data
                + " "
                + e.entity()
                + " ("
                + e.kind()
                + "): served AUC "
                + e.perEntity().auc()
                + " < global "
                + e.global().auc());
      }
    }
    assertTrue(
        c.pooledPerEntity().auc() >= c.pooledGlobal().auc(),
        data
            + ": pooled served AUC "
            + c.pooledPerEntity().auc()
            + " < global "
            + c.pooledGlobal().auc());
  }

  @Test
  void onAi4iByTypeTheServedModelsNeverLoseToTheGlobalModel() throws Exception {
    GlobalModelComparison c = serve(ai4iByType(), PARAMS);
    assertEquals(3, c.entities().size());
    assertNeverLoses("AI4I", c);
  }

  @Test
  void onACensusLikeTableTheServedModelsNeverLoseAndTheTunedModelServesWhereOwnRowsDiffer()
      throws Exception {
    for (long seed = 1; seed <= 3; seed++) {
      GlobalModelComparison c = serve(HeterogeneousEntities.samples(seed), PARAMS);
      assertNeverLoses("census-like seed " + seed, c);
      // The key whose rows follow a rule of their own is served by a model that learnt it.
      GlobalModelComparison.EntityComparison interaction =
          c.entities().stream().filter(e -> e.entity().equals("interaction")).findFirst().get();
      assertTrue(
          Set.of(ModelKind.OWN, ModelKind.FLEET_TUNED).contains(interaction.kind()),
          "seed " + seed + ": " + interaction);
      assertTrue(
          interaction.perEntity().auc() > interaction.global().auc() + 0.03,
          interaction.toString());
    }
  }

  @Test
  void ownModelsAloneLoseToTheGlobalModelOnTheSameData() throws Exception {
    // Why the candidates exist: the same entities with own models only (the old behaviour) lose
    // on some key. If this stops failing for own models, the data no longer tests anything.
    TrainingParams ownOnly = PARAMS.toBuilder().candidates(EnumSet.of(ModelKind.OWN)).build();
    GlobalModelComparison c = serve(HeterogeneousEntities.samples(1), ownOnly);
    boolean loses =
        c.entities().stream()
            .anyMatch(
                e -> e.holdoutRows() >= 100 && e.perEntity().auc() < e.global().auc() - 0.005);
    assertTrue(loses || c.pooledPerEntity().auc() < c.pooledGlobal().auc(), "own models won");
  }
}
