package io.fleetlearn.training;

import io.fleetlearn.dataset.WindowSample;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Trains one machine's binary defect model on a window sample with xgboost4j and measures it on a
 * stratified holdout. Pure function of its inputs (deterministic for a given sample and
 * parameters); every native object is released in {@code finally}.
 */
public final class XgbTrainer implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** The format models travel in: XGBoost's own Universal Binary JSON. */
  public static final String MODEL_FORMAT = "ubj";

  private final TrainingParams params;

  public XgbTrainer(TrainingParams params) {
    this.params = params;
  }

  public TrainingParams params() {
    return params;
  }

  /** Trains on the labelled rows of {@code sample} alone (no fleet model), or says why not. */
  public TrainingResult train(WindowSample sample) {
    return train(sample, null);
  }

  /**
   * Trains the candidates on the labelled rows of {@code sample}, chooses the one that serves and
   * its alert threshold on a validation split of the training rows, and measures it on the
   * stratified holdout; or explains why no model can be had.
   *
   * <p>Candidates ({@link ModelKind}, those {@link TrainingParams#candidates()} allows): {@code
   * OWN} when the sample has {@link TrainingParams#minLabelledEvents()} labelled rows and {@link
   * TrainingParams#minPerClass()} of each class; with a fleet model, {@code FLEET} and {@code
   * FLEET_TUNED} from {@link #FLEET_MIN_PER_CLASS} rows of each class. They are trained on the
   * training rows less the validation split and compared on it ({@link CandidateSelection}); the
   * chosen one is then trained again on all training rows when {@link TrainingParams#refit()}. The
   * holdout is the same as without candidates and is never used to choose.
   *
   * @param fleet the fleet model, or null when there is none (then only {@code OWN})
   */
  public TrainingResult train(WindowSample sample, @Nullable FleetBaseline fleet) {
    int n = sample.size();
    byte[] labels = sample.labelArray();
    int labelled = 0;
    int positives = 0;
    for (int i = 0; i < n; i++) {
      if (labels[i] >= 0) {
        labelled++;
        positives += labels[i];
      }
    }
    int negatives = labelled - positives;
    if (labelled == 0) {
      return TrainingResult.skipped(
          "no labelled events in the window (" + sample.seen() + " events)");
    }
    if (positives == 0 || negatives == 0) {
      return TrainingResult.skipped(
          "single class: all "
              + labelled
              + " labelled events are "
              + (positives == 0 ? "non-defects" : "defects"));
    }
    String ownProblem = null;
    if (labelled < params.minLabelledEvents()) {
      ownProblem = "too few labelled events: " + labelled + " < " + params.minLabelledEvents();
    } else if (Math.min(positives, negatives) < params.minPerClass()) {
      ownProblem =
          "too few "
              + (positives < negatives ? "defects" : "non-defects")
              + ": "
              + Math.min(positives, negatives)
              + " < "
              + params.minPerClass()
              + " per class";
    } else if (!params.allows(ModelKind.OWN)) {
      ownProblem = "own models are not among the candidates";
    }
    boolean fleetUsable =
        fleet != null
            && (params.allows(ModelKind.FLEET) || params.allows(ModelKind.FLEET_TUNED))
            && Math.min(positives, negatives) >= FLEET_MIN_PER_CLASS;
    if (ownProblem != null && !fleetUsable) {
      return TrainingResult.skipped(
          ownProblem
              + (fleet == null || Math.min(positives, negatives) >= FLEET_MIN_PER_CLASS
                  ? ""
                  : " (the fleet model needs " + FLEET_MIN_PER_CLASS + " per class)"));
    }
    long start = System.nanoTime();
    HoldoutSplit split =
        HoldoutSplit.stratified(labels, sample.priorityArray(), n, params.holdoutFraction());
    int[] trainRows = split.trainRows();
    boolean onlyOwn = !fleetUsable;
    if (onlyOwn && params.thresholdObjective() == ThresholdObjective.FIXED) {
      // Nothing to choose: the model of the rows before candidates existed.
      return ownAtFixedThreshold(sample, split, start);
    }
    HoldoutSplit validation =
        HoldoutSplit.stratified(
            labels,
            sample.priorityArray(),
            trainRows,
            params.validationFraction(),
            VALIDATION_SALT);
    int[] fitRows = validation.trainRows();
    int[] valRows = validation.holdoutRows();
    FeatureMatrix fit = FeatureMatrix.gather(sample.featureArray(), labels, sample.dim(), fitRows);
    FeatureMatrix val = FeatureMatrix.gather(sample.featureArray(), labels, sample.dim(), valRows);
    byte[] valLabels = val.labelBytes();
    int valPositives = positives(valLabels);
    EnumMap<ModelKind, Booster> boosters = new EnumMap<>(ModelKind.class);
    FleetScorer fleetModel = null;
    try {
      if (fleetUsable) {
        fleetModel = FleetScorer.of(fleet);
        if (fleetModel.features() != sample.dim()) {
          String problem =
              "the fleet model has "
                  + fleetModel.features()
                  + " features, the window "
                  + sample.dim();
          if (ownProblem != null) {
            return TrainingResult.skipped(ownProblem + "; " + problem);
          }
          fleetModel.close();
          fleetModel = null;
          fleetUsable = false;
        }
      }
      if (ownProblem == null) {
        boosters.put(ModelKind.OWN, trainBooster(fit, null));
      }
      if (fleetUsable && params.allows(ModelKind.FLEET_TUNED) && hasBothClasses(fit)) {
        boosters.put(ModelKind.FLEET_TUNED, trainBooster(fit, fleet.model()));
      }
      // The fleet model as it is: scored by the scorer already at hand for its holdout metrics.
      boolean fleetCandidate = fleetUsable && params.allows(ModelKind.FLEET);
      if (boosters.isEmpty() && !fleetCandidate) {
        return TrainingResult.skipped(
            ownProblem + "; too few rows of each class to continue the fleet model");
      }
      Map<ModelKind, float[]> valScores = new EnumMap<>(ModelKind.class);
      for (Map.Entry<ModelKind, Booster> e : boosters.entrySet()) {
        valScores.put(e.getKey(), predict(e.getValue(), val.data(), val.rows(), val.cols()));
      }
      if (fleetCandidate) {
        valScores.put(ModelKind.FLEET, fleetModel.predict(val.data(), val.rows(), val.cols()));
      }
      CandidateSelection.Choice choice =
          CandidateSelection.choose(
              valScores,
              valLabels,
              params.selectionMargin(),
              params.selectionConfidence(),
              sample.priorityArray().length == 0 ? 0 : sample.priorityArray()[0]);
      ModelKind kind = choice.kind();
      // The threshold is chosen on rows the served model never trained on: the validation rows,
      // or, for the stream's fleet model as it is (trained on earlier windows only), all of the
      // window's training rows, five times as many: docs/served-models.md.
      float[] cutScores = valScores.get(kind);
      byte[] cutLabels = valLabels;
      String cutRows = "validation";
      if (kind == ModelKind.FLEET && fleet != null && fleet.unseenWindow()) {
        FeatureMatrix all =
            FeatureMatrix.gather(sample.featureArray(), labels, sample.dim(), trainRows);
        cutScores = fleetModel.predict(all.data(), all.rows(), all.cols());
        cutLabels = all.labelBytes();
        cutRows = "training rows";
      }
      int cutPositives = positives(cutLabels);
      boolean tooFewOfAClass =
          Math.min(cutPositives, cutLabels.length - cutPositives) < ThresholdChoice.MIN_PER_CLASS;
      double threshold =
          ThresholdChoice.choose(
              cutScores,
              cutLabels,
              cutLabels.length,
              params.thresholdObjective(),
              params.targetPrecision(),
              params.missedDefectCost(),
              params.minAlertPrecision());
      String thresholdSource = cutRows + " " + params.thresholdObjective().label();
      if (Double.isNaN(threshold) && params.silentWithoutThreshold()) {
        // These rows cannot show a threshold whose precision reaches what was asked: the model
        // alerts on nothing. A fallback (the configured threshold, even the fleet model's)
        // alerted at about half that precision in live runs: docs/served-models.md.
        threshold = AlertRule.NO_ALERTS;
        thresholdSource =
            tooFewOfAClass
                ? "no alerts (fewer than "
                    + ThresholdChoice.MIN_PER_CLASS
                    + " "
                    + cutRows
                    + " of a class to show the precision asked for)"
                : "no alerts (no threshold shows the precision asked for on " + cutRows + ")";
      } else if (Double.isNaN(threshold)) {
        boolean fromFleet =
            kind != ModelKind.OWN && fleet != null && Double.isFinite(fleet.threshold());
        threshold = fromFleet ? fleet.threshold() : params.threshold();
        String why;
        if (params.thresholdObjective() == ThresholdObjective.FIXED) {
          why = "fixed";
        } else if (tooFewOfAClass) {
          why =
              "fallback (fewer than "
                  + ThresholdChoice.MIN_PER_CLASS
                  + " "
                  + cutRows
                  + " of a class)";
        } else {
          why = "fallback (no threshold reaches the target precision on " + cutRows + ")";
        }
        thresholdSource = why + (fromFleet ? ": the fleet model's" : ": the configured one");
      }
      Booster served = boosters.get(kind);
      if (params.refit() && kind != ModelKind.FLEET) {
        FeatureMatrix train =
            FeatureMatrix.gather(sample.featureArray(), labels, sample.dim(), trainRows);
        Booster refitted = trainBooster(train, kind == ModelKind.OWN ? null : fleet.model());
        boosters.put(kind, refitted);
        served.dispose();
        served = refitted;
      }
      float[] sampleScores =
          kind == ModelKind.FLEET
              ? fleetModel.predict(sample.featureArray(), n, sample.dim())
              : predict(served, sample.featureArray(), n, sample.dim());
      byte[] model = kind == ModelKind.FLEET ? fleet.model() : served.toByteArray(MODEL_FORMAT);
      int[] holdoutRows = split.holdoutRows();
      float[] scores = new float[holdoutRows.length];
      byte[] holdoutLabels = new byte[holdoutRows.length];
      for (int i = 0; i < holdoutRows.length; i++) {
        scores[i] = sampleScores[holdoutRows[i]];
        holdoutLabels[i] = labels[holdoutRows[i]];
      }
      ClassificationMetrics m =
          BinaryMetrics.compute(scores, holdoutLabels, holdoutRows.length, threshold);
      ClassificationMetrics fleetMetrics = null;
      if (fleetModel != null) {
        FeatureMatrix h =
            FeatureMatrix.gather(sample.featureArray(), labels, sample.dim(), holdoutRows);
        fleetMetrics =
            BinaryMetrics.compute(
                fleetModel.predict(h.data(), h.rows(), h.cols()),
                holdoutLabels,
                h.rows(),
                Double.isFinite(fleet.threshold()) ? fleet.threshold() : params.threshold());
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      TrainingResult.Selection selection =
          new TrainingResult.Selection(
              kind,
              threshold,
              thresholdSource,
              ownProblem != null && kind != ModelKind.OWN
                  ? choice.reason() + " (no own model: " + ownProblem + ")"
                  : choice.reason(),
              fleet == null || fleetModel == null ? 0 : fleet.version(),
              fleetMetrics,
              valRows.length,
              valPositives,
              choice.validationAuc());
      return TrainingResult.trained(
          model,
          m,
          params.refit() ? trainRows.length : fitRows.length,
          holdoutRows,
          millis,
          sampleScores,
          selection);
    } catch (XGBoostError e) {
      return TrainingResult.skipped("XGBoost failed: " + e.getMessage());
    } finally {
      for (Booster b : boosters.values()) {
        b.dispose();
      }
      if (fleetModel != null) {
        fleetModel.close();
      }
    }
  }

  /**
   * The fleet model's scores: the baseline's own scorer when it carries one (read once for every
   * machine), else the model loaded into xgboost4j here and disposed on {@link #close}.
   */
  private static final class FleetScorer implements AutoCloseable {
    private final FleetBaseline.@Nullable Scorer trees;
    private final @Nullable Booster booster;

    private FleetScorer(FleetBaseline.@Nullable Scorer trees, @Nullable Booster booster) {
      this.trees = trees;
      this.booster = booster;
    }

    static FleetScorer of(FleetBaseline fleet) throws XGBoostError {
      FleetBaseline.Scorer s = fleet.scorer();
      return s != null ? new FleetScorer(s, null) : new FleetScorer(null, load(fleet.model()));
    }

    long features() throws XGBoostError {
      return trees != null ? trees.features() : booster.getNumFeature();
    }

    float[] predict(float[] data, int rows, int cols) throws XGBoostError {
      if (trees == null) {
        return XgbTrainer.predict(booster, data, rows, cols);
      }
      float[] out = new float[rows];
      if (rows > 0) {
        trees.predict(data, rows, cols, out);
      }
      return out;
    }

    @Override
    public void close() {
      if (booster != null) {
        booster.dispose();
      }
    }
  }

  /** The number of 1s among 0/1 labels. */
  private static int positives(byte[] labels) {
    int p = 0;
    for (byte y : labels) {
      p += y;
    }
    return p;
  }

  /** Fewest rows of each class before the fleet model's candidates are considered. */
  public static final int FLEET_MIN_PER_CLASS = 3;

  /** Salt of the validation split within the training rows (the holdout uses none). */
  public static final long VALIDATION_SALT = 0x2545F4914F6CDD1DL;

  private static boolean hasBothClasses(FeatureMatrix m) {
    boolean pos = false;
    boolean neg = false;
    for (float y : m.labels()) {
      pos |= y == 1f;
      neg |= y == 0f;
    }
    return pos && neg;
  }

  /** The own model on all training rows at the configured threshold: no validation split. */
  private TrainingResult ownAtFixedThreshold(WindowSample sample, HoldoutSplit split, long start) {
    int n = sample.size();
    byte[] labels = sample.labelArray();
    FeatureMatrix train =
        FeatureMatrix.gather(sample.featureArray(), labels, sample.dim(), split.trainRows());
    byte[] model;
    float[] sampleScores;
    try {
      Booster booster = trainBooster(train, null);
      try {
        // Every row in one call: the holdout's scores for the metrics, and all of them for the
        // registry's reference profile, which would otherwise load the model again to get them.
        sampleScores = predict(booster, sample.featureArray(), n, sample.dim());
        model = booster.toByteArray(MODEL_FORMAT);
      } finally {
        booster.dispose();
      }
    } catch (XGBoostError e) {
      return TrainingResult.skipped("XGBoost failed: " + e.getMessage());
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    // The holdout's scores and labels, picked out of the whole sample's.
    int[] holdoutRows = split.holdoutRows();
    float[] scores = new float[holdoutRows.length];
    byte[] holdoutLabels = new byte[holdoutRows.length];
    for (int i = 0; i < holdoutRows.length; i++) {
      scores[i] = sampleScores[holdoutRows[i]];
      holdoutLabels[i] = labels[holdoutRows[i]];
    }
    ClassificationMetrics m =
        BinaryMetrics.compute(scores, holdoutLabels, holdoutRows.length, params.threshold());
    return TrainingResult.trained(
        model,
        m,
        split.trainRows().length,
        holdoutRows,
        millis,
        sampleScores,
        TrainingResult.Selection.own(params.threshold()));
  }

  /**
   * A new model on {@code train}, or with {@code base} (UBJ) the base model continued with {@link
   * TrainingParams#fleetTuneRounds()} rounds on it.
   */
  private Booster trainBooster(FeatureMatrix train, byte @Nullable [] base) throws XGBoostError {
    DMatrix d = new DMatrix(train.data(), train.rows(), train.cols(), Float.NaN);
    try {
      d.setLabel(train.labels());
      if (base == null) {
        return XGBoost.train(
            d, params.boosterParams(), params.rounds(), Collections.emptyMap(), null, null);
      }
      Booster b = load(base);
      try {
        Booster out =
            XGBoost.train(
                d,
                params.fleetTuneParams(),
                params.fleetTuneRounds(),
                Collections.emptyMap(),
                null,
                null,
                null,
                0,
                b);
        b = null; // trained in place: now owned by the caller as out
        return out;
      } finally {
        if (b != null) {
          b.dispose();
        }
      }
    } finally {
      d.dispose();
    }
  }

  /** Scores rows of a row-major matrix with a booster, without building a DMatrix. */
  public static float[] predict(Booster booster, float[] data, int rows, int cols)
      throws XGBoostError {
    if (rows == 0) {
      return new float[0];
    }
    float[][] p = booster.inplace_predict(data, rows, cols, Float.NaN);
    float[] out = new float[rows];
    for (int i = 0; i < rows; i++) {
      out[i] = p[i][0];
    }
    return out;
  }

  /** Loads a model from its UBJ bytes; the caller disposes it. */
  public static Booster load(byte[] model) throws XGBoostError {
    try {
      return XGBoost.loadModel(model);
    } catch (java.io.IOException e) {
      throw new XGBoostError("cannot read model: " + e.getMessage());
    }
  }

  /** Scores a holdout with a stored model, e.g. the champion on a challenger's holdout. */
  public static ClassificationMetrics evaluate(
      byte[] model, FeatureMatrix holdout, double threshold) throws XGBoostError {
    Booster b = load(model);
    try {
      float[] s = predict(b, holdout.data(), holdout.rows(), holdout.cols());
      return BinaryMetrics.compute(s, holdout.labelBytes(), holdout.rows(), threshold);
    } finally {
      b.dispose();
    }
  }
}
