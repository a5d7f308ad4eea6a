package io.fleetlearn.batch;

import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.training.TrainingParams;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/** Every entity's sample (under one key) → the {@link GlobalModel}, entities in key order. */
final class TrainGlobalModelFn
    extends DoFn<KV<String, Iterable<KV<String, WindowSample>>>, GlobalModel> {
  private final TrainingParams params;

  TrainGlobalModelFn(TrainingParams params) {
    this.params = params;
  }

  @ProcessElement
  public void process(
      @Element KV<String, Iterable<KV<String, WindowSample>>> all, OutputReceiver<GlobalModel> out)
      throws XGBoostError {
    java.util.List<java.util.Map.Entry<String, WindowSample>> entries = new java.util.ArrayList<>();
    for (KV<String, WindowSample> kv : all.getValue()) {
      entries.add(java.util.Map.entry(kv.getKey(), kv.getValue()));
    }
    out.output(GlobalModel.train(GlobalModel.sortedSamples(entries), params));
  }
}
