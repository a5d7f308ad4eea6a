package io.fleetlearn.training;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.event.EventLimits;
import io.fleetlearn.event.FeatureSchema;
import io.fleetlearn.event.ParseResult;
import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.event.SensorEventParser;
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
 *     [eventsPerWindow]
 * </pre>
 *
 * (defaults 8, f1, 0.7, 42, 500; a few seconds).
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
    long windowMillis = (long) (1000 * eventsPerWindow / EVENTS_PER_SECOND);
    List<List<List<SensorEvent>>> data = simulate(windows, seed, windowMillis);
    XgbTrainer trainer =
        new XgbTrainer(
            TrainingParams.builder()
                .candidates("own")
                .thresholdObjective(objective)
                .minAlertPrecision(floor)
                .build());
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
        Booster b = XgbTrainer.load(r.model());
        float[] scores;
        try {
          scores = XgbTrainer.predict(b, x, next.size(), cols);
        } finally {
          b.dispose();
        }
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
