package io.fleetlearn.bench;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.event.EventLimits;
import io.fleetlearn.event.FeatureSchema;
import io.fleetlearn.event.ParseResult;
import io.fleetlearn.event.SensorEventParser;
import io.fleetlearn.sim.SensorSimulator;
import io.fleetlearn.sim.SimulatedRecord;
import io.fleetlearn.sim.SimulatorConfig;
import io.fleetlearn.training.TrainingParams;
import io.fleetlearn.training.TrainingResult;
import io.fleetlearn.training.XgbTrainer;
import java.util.concurrent.TimeUnit;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One machine's window trained on one core: the raw xgboost4j call (the retraining limit of {@code
 * bench}) against the product's trainer, which adds the holdout scoring, the metrics and the
 * model's UBJ bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TrainingBenchmark {
  @Param({"500", "2000"})
  public int events;

  private WindowSample sample;
  private TrainingParams params;
  private XgbTrainer trainer;

  @Setup
  public void setUp() {
    SensorSimulator sim = new SensorSimulator(SimulatorConfig.builder().machines(1).build());
    SensorEventParser parser =
        new SensorEventParser(FeatureSchema.defaults(), EventLimits.defaults());
    sample = new WindowSample(4, 2000);
    long now = System.currentTimeMillis();
    for (int i = 0; i < events; i++) {
      SimulatedRecord r = sim.next(now - 300_000 + i * 100L);
      ParseResult p = parser.parse(r.value(), now);
      sample.add(p.event());
    }
    params = TrainingParams.defaults();
    trainer = new XgbTrainer(params);
  }

  @Benchmark
  public void rawXgboost() throws XGBoostError {
    RawTrainingLimit.trainOne(sample, params, null);
  }

  @Benchmark
  public TrainingResult productTrainer() {
    return trainer.train(sample);
  }
}
