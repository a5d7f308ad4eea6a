package io.fleetlearn.bench;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.training.FeatureMatrix;
import io.fleetlearn.training.HoldoutSplit;
import io.fleetlearn.training.TrainingParams;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The retraining limit: xgboost4j training every machine's window sample (the training rows of the
 * same stratified split the pipeline uses, the same booster parameters and rounds, {@code
 * nthread=1} per model) in a plain loop, on {@code threads} threads that take the next machine from
 * a shared counter. Nothing else: no holdout scoring, no serialisation, no registry.
 */
final class RawTrainingLimit {
  private RawTrainingLimit() {}

  /** Wall-clock nanoseconds to train one model per sample. */
  static long trainAll(List<WindowSample> samples, TrainingParams params, int threads)
      throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Thread> workers = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      Thread w =
          new Thread(
              () -> {
                try {
                  for (int i = next.getAndIncrement();
                      i < samples.size();
                      i = next.getAndIncrement()) {
                    trainOne(samples.get(i), params);
                  }
                } catch (XGBoostError | RuntimeException e) {
                  failures.add(e);
                }
              },
              "raw-train-" + t);
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) {
      w.join();
    }
    long nanos = System.nanoTime() - start;
    if (!failures.isEmpty()) {
      throw new IllegalStateException("raw training failed: " + failures.get(0), failures.get(0));
    }
    return nanos;
  }

  static void trainOne(WindowSample s, TrainingParams params) throws XGBoostError {
    HoldoutSplit split =
        HoldoutSplit.stratified(
            s.labelArray(), s.priorityArray(), s.size(), params.holdoutFraction());
    FeatureMatrix train =
        FeatureMatrix.gather(s.featureArray(), s.labelArray(), s.dim(), split.trainRows());
    DMatrix d = new DMatrix(train.data(), train.rows(), train.cols(), Float.NaN);
    try {
      d.setLabel(train.labels());
      Booster b =
          XGBoost.train(
              d, params.boosterParams(), params.rounds(), Collections.emptyMap(), null, null);
      b.dispose();
    } finally {
      d.dispose();
    }
  }
}
