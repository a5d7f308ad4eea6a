package io.fleetlearn.bench;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.scoring.TreeEnsemble;
import io.fleetlearn.scoring.UnsupportedModelException;
import io.fleetlearn.training.FeatureMatrix;
import io.fleetlearn.training.FleetBaseline;
import io.fleetlearn.training.HoldoutSplit;
import io.fleetlearn.training.ModelKind;
import io.fleetlearn.training.ThresholdObjective;
import io.fleetlearn.training.TrainingParams;
import io.fleetlearn.training.XgbTrainer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The retraining limit: the xgboost4j training the pipeline does for every machine's window sample,
 * in a plain loop, on {@code threads} threads that take the next machine from a shared counter: the
 * same stratified splits, booster parameters and rounds, {@code nthread=1} per model. With the
 * product's defaults that is the machine's own model on the training rows less the validation
 * split, the fleet model continued on them when a fleet model is at hand, and the chosen model
 * trained again on all training rows (counted as the own model: the dearer refit). Nothing else: no
 * scoring of the holdout or the validation rows, no choice between candidates (its bootstrap), no
 * threshold, no serialisation, no registry, drift or Kafka.
 */
final class RawTrainingLimit {
  private RawTrainingLimit() {}

  /**
   * Wall-clock nanoseconds to do the training the pipeline does for each sample.
   *
   * @param fleet the fleet model (UBJ) the pipeline's candidates would continue; null without one
   */
  static long trainAll(
      List<WindowSample> samples, TrainingParams params, int threads, byte @Nullable [] fleet)
      throws InterruptedException {
    return loop(samples, threads, s -> trainOne(s, params, fleet));
  }

  /**
   * Wall-clock nanoseconds for the product's trainer ({@link XgbTrainer#train}) on each sample, in
   * the same loop: the raw limit's trainings plus everything else the trainer does for a decision.
   * The fleet model is read once into Java trees, as the job's trainer step does.
   */
  static long trainerAll(
      List<WindowSample> samples, TrainingParams params, int threads, byte @Nullable [] fleet)
      throws InterruptedException, UnsupportedModelException {
    XgbTrainer trainer = new XgbTrainer(params);
    FleetBaseline baseline = null;
    if (fleet != null) {
      baseline = new FleetBaseline(1, fleet, Double.NaN, TreeEnsemble.fromUbj(fleet));
    }
    FleetBaseline b = baseline;
    return loop(
        samples,
        threads,
        s -> trainer.train(s, b)); // a skipped sample costs what it costs the job too
  }

  private interface Work {
    void run(WindowSample s) throws XGBoostError;
  }

  private static long loop(List<WindowSample> samples, int threads, Work work)
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
                    work.run(samples.get(i));
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

  /** A fleet model to continue: one model on the first sample, as good as any for the cost. */
  static byte[] fleetModel(List<WindowSample> samples, TrainingParams params) throws XGBoostError {
    WindowSample s = samples.get(0);
    Booster b = train(rows(s, s.size()), s, params.boosterParams(), params.rounds(), null);
    try {
      return b.toByteArray(XgbTrainer.MODEL_FORMAT);
    } finally {
      b.dispose();
    }
  }

  static void trainOne(WindowSample s, TrainingParams params, byte @Nullable [] fleet)
      throws XGBoostError {
    HoldoutSplit split =
        HoldoutSplit.stratified(
            s.labelArray(), s.priorityArray(), s.size(), params.holdoutFraction());
    int[] trainRows = split.trainRows();
    boolean withFleet = fleet != null && params.candidates().contains(ModelKind.FLEET_TUNED);
    if (!withFleet && params.thresholdObjective() == ThresholdObjective.FIXED) {
      train(trainRows, s, params.boosterParams(), params.rounds(), null).dispose();
      return;
    }
    int[] fitRows =
        HoldoutSplit.stratified(
                s.labelArray(),
                s.priorityArray(),
                trainRows,
                params.validationFraction(),
                XgbTrainer.VALIDATION_SALT)
            .trainRows();
    if (params.candidates().contains(ModelKind.OWN)) {
      train(fitRows, s, params.boosterParams(), params.rounds(), null).dispose();
    }
    if (withFleet) {
      train(fitRows, s, params.fleetTuneParams(), params.fleetTuneRounds(), fleet).dispose();
    }
    if (params.refit()) {
      train(trainRows, s, params.boosterParams(), params.rounds(), null).dispose();
    }
  }

  private static int[] rows(WindowSample s, int n) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    return all;
  }

  /** A booster on {@code rows} of the sample: new, or {@code base} (UBJ) continued. */
  private static Booster train(
      int[] rows, WindowSample s, Map<String, Object> booster, int rounds, byte @Nullable [] base)
      throws XGBoostError {
    FeatureMatrix m = FeatureMatrix.gather(s.featureArray(), s.labelArray(), s.dim(), rows);
    DMatrix d = new DMatrix(m.data(), m.rows(), m.cols(), Float.NaN);
    try {
      d.setLabel(m.labels());
      if (base == null) {
        return XGBoost.train(d, booster, rounds, Collections.emptyMap(), null, null);
      }
      return XGBoost.train(
          d, booster, rounds, Collections.emptyMap(), null, null, null, 0, XgbTrainer.load(base));
    } finally {
      d.dispose();
    }
  }
}
