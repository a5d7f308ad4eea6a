package io.fleetlearn.bench;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.dataset.WindowSampleCoder;
import io.fleetlearn.drift.ReferenceProfile;
import io.fleetlearn.registry.ChampionState;
import io.fleetlearn.registry.ChampionStateCoder;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.training.TrainingResult;
import io.fleetlearn.training.XgbTrainer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.apache.beam.sdk.coders.Coder;

/**
 * Bytes per machine of the pipeline's state as its coders write it (what a checkpoint or the
 * RocksDB state backend stores): the open window's sample, and the registry entry the window leaves
 * behind (champion model, metrics and reference profile), with the model counted apart.
 */
final class StateSizes {
  final double windowSampleBytes;
  final double championBytes;
  final double modelBytes;
  final int machinesMeasured;

  private StateSizes(
      double windowSampleBytes, double championBytes, double modelBytes, int machinesMeasured) {
    this.windowSampleBytes = windowSampleBytes;
    this.championBytes = championBytes;
    this.modelBytes = modelBytes;
    this.machinesMeasured = machinesMeasured;
  }

  /** Champion state beyond its model: metrics, reference profile, version, window, hash. */
  double championBeyondModelBytes() {
    return championBytes - modelBytes;
  }

  /** Measures the first {@code limit} samples (training each one to build its registry entry). */
  static StateSizes measure(List<WindowSample> samples, XgbTrainer trainer, int limit)
      throws IOException, XGBoostError {
    long sampleBytes = 0;
    for (WindowSample s : samples) {
      sampleBytes += encodedSize(WindowSampleCoder.of(), s);
    }
    long champion = 0;
    long model = 0;
    int n = 0;
    for (WindowSample s : samples.subList(0, Math.min(limit, samples.size()))) {
      TrainingResult r = trainer.train(s);
      if (!r.isTrained()) {
        continue;
      }
      float[] scores;
      Booster b = XgbTrainer.load(r.model());
      try {
        scores = XgbTrainer.predict(b, s.featureArray(), s.size(), s.dim());
      } finally {
        b.dispose();
      }
      ChampionState c =
          new ChampionState(
              1,
              r.model(),
              ModelUpdate.sha256(r.model()),
              s.minTimestamp(),
              s.maxTimestamp(),
              r.metrics(),
              ReferenceProfile.of(s, scores, r.holdoutIndex()));
      champion += encodedSize(ChampionStateCoder.of(), c);
      model += r.model().length;
      n++;
    }
    return new StateSizes(
        samples.isEmpty() ? 0 : (double) sampleBytes / samples.size(),
        n == 0 ? 0 : (double) champion / n,
        n == 0 ? 0 : (double) model / n,
        n);
  }

  static <T> long encodedSize(Coder<T> coder, T value) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    coder.encode(value, out);
    return out.size();
  }
}
