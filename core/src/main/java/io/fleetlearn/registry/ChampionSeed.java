package io.fleetlearn.registry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.fleetlearn.drift.ReferenceProfile;
import io.fleetlearn.training.ClassificationMetrics;
import io.fleetlearn.training.XgbTrainer;
import java.io.IOException;
import java.util.List;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Turns a machine's latest record on the model-updates topic into a registry entry, and says when
 * such an entry may replace the one in state. Pure: no Kafka, no runner.
 *
 * <ul>
 *   <li>The record's model becomes the champion only if the record parses, its model bytes match
 *       their sha256, the model loads in XGBoost, and its feature list is the pipeline's. Otherwise
 *       the record is ignored and the reason returned (the registry logs and counts it).
 *   <li>Whatever happens to the model, the highest version found on the topic for the machine is
 *       returned as a floor: the next promotion gets a higher version, so versions are never
 *       reused, even after a record that could not be used.
 *   <li>An adopted champion has no reference profile ({@link ReferenceProfile#empty}): the topic
 *       does not carry the training data, so drift is {@code NO_REFERENCE} until a champion trained
 *       in the stream replaces it.
 *   <li>State wins unless the topic is ahead: an entry already in state (restored from a checkpoint
 *       or savepoint, or built by this run) is replaced only by a record of a strictly higher
 *       version ({@link #adopts}).
 * </ul>
 */
public final class ChampionSeed {
  /**
   * Baseline of a champion whose record does not say how it scored at training: all zeros, so the
   * decay rule (which needs a baseline) never fires for it. Never published.
   */
  public static final ClassificationMetrics NO_BASELINE =
      ClassificationMetrics.of(0, 0, 0, 0, 0, 0);

  private static final JsonFactory JSON = new JsonFactory();

  private ChampionSeed() {}

  /**
   * What a record yields: the champion to adopt (null if none), the version floor, and why the
   * record was ignored (null if it was not).
   */
  public record Result(
      @Nullable ChampionState champion,
      long versionFloor,
      @Nullable String problem,
      double thresholdBasis) {
    public Result(@Nullable ChampionState champion, long versionFloor, @Nullable String problem) {
      this(champion, versionFloor, problem, UNKNOWN_THRESHOLD_BASIS);
    }
  }

  /**
   * Defects assumed behind an adopted champion's threshold when its record does not say (a REJECTED
   * or SKIPPED record): its threshold is chosen again once this many defects of later windows have
   * been scored ({@link io.fleetlearn.training.ThresholdCalibration}).
   */
  public static final double UNKNOWN_THRESHOLD_BASIS = 32;

  /**
   * Reads {@code record}, the latest of {@code machineId}, for a pipeline with {@code features}.
   */
  public static Result from(String machineId, SeedRecord record, List<String> features) {
    long floor = Math.max(0, record.highestVersion());
    byte[] value = record.value();
    if (value == null) {
      return new Result(null, floor, "the record at " + record.coordinates() + " is gone");
    }
    ModelUpdate u;
    try {
      u = ModelUpdate.fromJson(value);
    } catch (IOException e) {
      return new Result(null, floor, e.getMessage());
    }
    floor = Math.max(floor, u.version());
    if (!u.machineId().equals(machineId)) {
      return new Result(null, floor, "the record names machine \"" + u.machineId() + "\"");
    }
    byte[] model = u.model();
    if (model == null) {
      return new Result(null, floor, null); // the machine had no model yet: nothing to adopt
    }
    if (u.version() < 1) {
      return new Result(null, floor, "a model with version " + u.version());
    }
    if (!u.features().equals(features)) {
      return new Result(
          null,
          floor,
          "its model's features " + u.features() + " are not the pipeline's " + features);
    }
    try {
      Booster b = XgbTrainer.load(model);
      b.dispose();
    } catch (XGBoostError e) {
      return new Result(null, floor, "its model does not load: " + e.getMessage());
    }
    ClassificationMetrics baseline = u.modelMetrics();
    if (baseline == null) {
      // Records written before model.metrics existed: a PROMOTED record's metrics are the new
      // champion's own; a REJECTED one measured the champion on a recent holdout.
      baseline =
          u.status() == ModelUpdate.Status.PROMOTED && u.metrics() != null
              ? u.metrics()
              : u.championMetrics() != null ? u.championMetrics() : NO_BASELINE;
    }
    return new Result(
        new ChampionState(
            u.version(),
            model,
            ModelUpdate.sha256(model),
            u.modelWindowStart(),
            u.modelWindowEnd(),
            baseline,
            ReferenceProfile.empty(features.size()),
            u.modelKind(),
            u.modelThreshold()),
        floor,
        null,
        thresholdBasis(u));
  }

  /** Defects the record's champion threshold was chosen on, where the record says. */
  private static double thresholdBasis(ModelUpdate u) {
    if (u.recalibration() != null) {
      return u.recalibration().positives();
    }
    if (u.status() == ModelUpdate.Status.PROMOTED && u.selection() != null) {
      return u.selection().validationPositives();
    }
    return UNKNOWN_THRESHOLD_BASIS;
  }

  /** Whether {@code seed} replaces {@code current}: only if there is none or it is newer. */
  public static boolean adopts(@Nullable ChampionState current, ChampionState seed) {
    return current == null || seed.version() > current.version();
  }

  /**
   * The window a model-update record decided, as {@code "<window.start>/<window.pane>"} (the start
   * as written, an ISO instant), read without decoding or verifying anything else; null if the
   * bytes are not a JSON object with a window of that shape.
   */
  public static @Nullable String readWindow(byte @Nullable [] json) {
    if (json == null) {
      return null;
    }
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (!name.equals("window")) {
          p.skipChildren();
          continue;
        }
        if (v != JsonToken.START_OBJECT) {
          return null;
        }
        String start = null;
        long pane = -1;
        for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
          String field = p.currentName();
          JsonToken fv = p.nextToken();
          if (field.equals("start") && fv == JsonToken.VALUE_STRING) {
            start = p.getText();
          } else if (field.equals("pane") && fv == JsonToken.VALUE_NUMBER_INT) {
            pane = p.getLongValue();
          } else {
            p.skipChildren();
          }
        }
        return start == null || pane < 0 ? null : windowKey(start, pane);
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }

  /** The key {@link #readWindow} returns for a record of {@code u}'s window and pane. */
  public static String windowKey(ModelUpdate u) {
    return windowKey(java.time.Instant.ofEpochMilli(u.windowStart()).toString(), u.paneIndex());
  }

  /** The key {@link #readWindow} returns for a window starting at {@code startMillis}. */
  public static String windowKey(long startMillis, long pane) {
    return windowKey(java.time.Instant.ofEpochMilli(startMillis).toString(), pane);
  }

  private static String windowKey(String start, long pane) {
    return start + "/" + pane;
  }

  /**
   * The top-level {@code version} of a model-update record, read without decoding or verifying
   * anything else; -1 if the bytes are not a JSON object with an integral version.
   */
  public static long readVersion(byte @Nullable [] json) {
    if (json == null) {
      return -1;
    }
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return -1;
      }
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if (name.equals("version")) {
          return v == JsonToken.VALUE_NUMBER_INT ? Math.max(-1, p.getLongValue()) : -1;
        }
        p.skipChildren();
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }
}
