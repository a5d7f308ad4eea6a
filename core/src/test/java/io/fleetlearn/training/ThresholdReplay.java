package io.fleetlearn.training;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.event.EventLimits;
import io.fleetlearn.event.FeatureSchema;
import io.fleetlearn.event.ParseResult;
import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.event.SensorEventParser;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.sim.SensorSimulator;
import io.fleetlearn.sim.SimulatedRecord;
import io.fleetlearn.sim.SimulatorConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import ml.dmlc.xgboost4j.java.Booster;

/**
 * Replays the choice of alert thresholds offline (docs/served-models.md): the simulator's machines
 * (stationary, 25 events a second, windows of 500 events by default, seed 42), a model per machine
 * and window with its threshold chosen on the window's validation rows, and its alerts counted on
 * the machine's next window. Prints the precision and recall those alerts reach, which is what a
 * live run's alerts reach on machines that do not change. Deterministic. Not a test; run it with
 *
 * <pre>
 * mvn -q -pl core test-compile dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=target/test-classpath.txt
 * cd core && java -cp target/classes:target/test-classes:$(cat target/test-classpath.txt) \
 *     io.fleetlearn.training.ThresholdReplay [windows] [objective] [minAlertPrecision] [seed] \
 *     [eventsPerWindow] [recalibrate]
 * </pre>
 *
 * (defaults 8, f1, 0.7, 42, 500, false; a few seconds). With {@code recalibrate} true, each
 * machine's first model stays its champion and its threshold is chosen again on the later windows
 * as the registry does; alerts are counted on each window before its rows join that evidence.
 */
public final class ThresholdReplay {
  private static final int MACHINES = 6;
  private static final double EVENTS_PER_SECOND = 25;

  private ThresholdReplay() {}

  public static void main(String[] args) throws Exception {
    int windows = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    String objective = args.length > 1 ? args[1] : "f1";
    double floor = args.length > 2 ? Double.parseDouble(args[2]) : 0.7;
    long seed = args.length > 3 ? Long.parseLong(args[3]) : 42;
    int eventsPerWindow = args.length > 4 ? Integer.parseInt(args[4]) : 500;
    boolean recalibrate = args.length > 5 && Boolean.parseBoolean(args[5]);
    long windowMillis = (long) (1000 * eventsPerWindow / EVENTS_PER_SECOND);
    List<List<List<SensorEvent>>> data = simulate(windows, seed, windowMillis);
    XgbTrainer trainer =
        new XgbTrainer(
            TrainingParams.builder()
                .candidates("own")
                .thresholdObjective(objective)
                .minAlertPrecision(floor)
                .build());
    if (recalibrate) {
      replayChampions(data, trainer, objective, floor, seed, eventsPerWindow);
      return;
    }
    long tp = 0;
    long fp = 0;
    long fn = 0;
    int silent = 0;
    int models = 0;
    for (int w = 0; w + 1 < windows; w++) {
      for (int m = 0; m < MACHINES; m++) {
        WindowSample sample = new WindowSample(FeatureSchema.defaults().size(), 2000);
        data.get(w).get(m).forEach(sample::add);
        TrainingResult r = trainer.train(sample, null);
        if (!r.isTrained()) {
          continue;
        }
        models++;
        double threshold = r.selection().threshold();
        if (!(threshold < AlertRule.NO_ALERTS)) {
          silent++;
        }
        List<SensorEvent> next = data.get(w + 1).get(m);
        int cols = FeatureSchema.defaults().size();
        float[] x = new float[next.size() * cols];
        for (int i = 0; i < next.size(); i++) {
          System.arraycopy(next.get(i).features(), 0, x, i * cols, cols);
        }
        float[] scores = scores(r.model(), x, next.size(), cols);
        for (int i = 0; i < next.size(); i++) {
          boolean alert = AlertRule.alerts(scores[i], threshold);
          boolean defect = next.get(i).label() == 1;
          tp += alert && defect ? 1 : 0;
          fp += alert && !defect ? 1 : 0;
          fn += !alert && defect ? 1 : 0;
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%d events a window, %s, minAlertPrecision %.2f, seed %d: precision %.3f recall %.3f"
            + " (tp %d fp %d fn %d); %d of %d models alert on nothing%n",
        eventsPerWindow,
        objective,
        floor,
        seed,
        tp / (double) (tp + fp),
        tp / (double) (tp + fn),
        tp,
        fp,
        fn,
        silent,
        models);
  }

  /**
   * Each machine's first model stays its champion; its threshold is chosen again on its scores of
   * the later windows as the registry does ({@link ThresholdCalibration}), and its alerts on each
   * window are counted before that window's rows join the calibration.
   */
  private static void replayChampions(
      List<List<List<SensorEvent>>> data,
      XgbTrainer trainer,
      String objective,
      double floor,
      long seed,
      int eventsPerWindow) {
    ThresholdObjective o = ThresholdObjective.parse(objective);
    TrainingParams p = TrainingParams.defaults();
    int cols = FeatureSchema.defaults().size();
    int windows = data.size();
    long[] tp = new long[windows];
    long[] fp = new long[windows];
    long[] fn = new long[windows];
    int[] silent = new int[windows];
    int[] recalibrations = new int[windows];
    for (int m = 0; m < MACHINES; m++) {
      TrainingResult champion = null;
      ThresholdCalibration cal = null;
      double threshold = Double.NaN;
      for (int w = 0; w < windows; w++) {
        List<SensorEvent> events = data.get(w).get(m);
        if (champion == null) {
          WindowSample sample = new WindowSample(cols, 2000);
          events.forEach(sample::add);
          TrainingResult r = trainer.train(sample, null);
          if (r.isTrained()) {
            champion = r;
            threshold = r.selection().threshold();
            float[] own = scores(r.model(), sample.featureArray(), sample.size(), cols);
            int[] h = r.holdoutIndex();
            float[] hs = new float[h.length];
            byte[] hl = new byte[h.length];
            for (int i = 0; i < h.length; i++) {
              hs[i] = own[h[i]];
              hl[i] = sample.labelArray()[h[i]];
            }
            cal =
                ThresholdCalibration.start(
                        ModelUpdate.sha256(r.model()), r.selection().validationPositives())
                    .addHoldout(hs, hl, h.length);
          }
          continue;
        }
        float[] x = new float[events.size() * cols];
        byte[] labels = new byte[events.size()];
        for (int i = 0; i < events.size(); i++) {
          System.arraycopy(events.get(i).features(), 0, x, i * cols, cols);
          labels[i] = events.get(i).label();
        }
        float[] s = scores(champion.model(), x, events.size(), cols);
        if (!(threshold < AlertRule.NO_ALERTS)) {
          silent[w]++;
        }
        for (int i = 0; i < events.size(); i++) {
          boolean alert = AlertRule.alerts(s[i], threshold);
          boolean defect = labels[i] == 1;
          tp[w] += alert && defect ? 1 : 0;
          fp[w] += alert && !defect ? 1 : 0;
          fn[w] += !alert && defect ? 1 : 0;
        }
        cal = cal.add(s, labels, events.size());
        if (cal.due(threshold, floor)) {
          double t = cal.choose(o, p.targetPrecision(), p.missedDefectCost(), floor);
          if (Double.isNaN(t) && floor > 0) {
            t = AlertRule.NO_ALERTS;
          }
          if (!Double.isNaN(t) && t != threshold) {
            threshold = t;
            recalibrations[w]++;
          }
          cal = cal.rebased();
        }
      }
    }
    long allTp = 0;
    long allFp = 0;
    long allFn = 0;
    for (int w = 1; w < windows; w++) {
      allTp += tp[w];
      allFp += fp[w];
      allFn += fn[w];
      System.out.printf(
          Locale.ROOT,
          "window %2d: %d of %d champions silent, precision %.3f recall %.3f (tp %d fp %d fn %d),"
              + " %d recalibrated after it%n",
          w,
          silent[w],
          MACHINES,
          tp[w] / (double) (tp[w] + fp[w]),
          tp[w] / (double) (tp[w] + fn[w]),
          tp[w],
          fp[w],
          fn[w],
          recalibrations[w]);
    }
    System.out.printf(
        Locale.ROOT,
        "%d events a window, %s, minAlertPrecision %.2f, seed %d, champions recalibrated:"
            + " precision %.3f recall %.3f (tp %d fp %d fn %d)%n",
        eventsPerWindow,
        objective,
        floor,
        seed,
        allTp / (double) (allTp + allFp),
        allTp / (double) (allTp + allFn),
        allTp,
        allFp,
        allFn);
  }

  private static float[] scores(byte[] model, float[] x, int rows, int cols) {
    try {
      Booster b = XgbTrainer.load(model);
      try {
        return XgbTrainer.predict(b, x, rows, cols);
      } finally {
        b.dispose();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Accepted events per window and machine, in time order. */
  private static List<List<List<SensorEvent>>> simulate(int windows, long seed, long windowMillis) {
    SensorSimulator sim =
        new SensorSimulator(
            SimulatorConfig.builder()
                .machines(MACHINES)
                .eventsPerSecondPerMachine(EVENTS_PER_SECOND)
                .seed(seed)
                .build());
    SensorEventParser parser =
        new SensorEventParser(FeatureSchema.defaults(), EventLimits.defaults());
    long t0 = 1_700_000_000_000L;
    long step = (long) (1000 / (EVENTS_PER_SECOND * MACHINES));
    List<List<List<SensorEvent>>> data = new ArrayList<>();
    for (int w = 0; w < windows; w++) {
      List<List<SensorEvent>> perMachine = new ArrayList<>();
      for (int m = 0; m < MACHINES; m++) {
        perMachine.add(new ArrayList<>());
      }
      for (long t = t0 + w * windowMillis; t < t0 + (w + 1) * windowMillis; t += step) {
        SimulatedRecord r = sim.next(t);
        ParseResult p = parser.parse(r.value(), t);
        if (p.isAccepted()) {
          perMachine.get(r.machineIndex()).add(p.event());
        }
      }
      data.add(perMachine);
    }
    return data;
  }
}
