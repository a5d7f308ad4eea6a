package io.fleetlearn.batch;

import io.fleetlearn.training.WindowOutcome;
import java.util.ArrayList;
import java.util.List;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * All entities' outcomes and the global model → the global model file and {@code
 * global/comparison.json}.
 */
final class CompareWithGlobalModelFn
    extends DoFn<KV<String, Iterable<WindowOutcome>>, KV<String, byte[]>> {
  private final BatchTrainingConfig config;
  private final PCollectionView<TabularEncoder> encoder;
  private final PCollectionView<GlobalModel> global;

  CompareWithGlobalModelFn(
      BatchTrainingConfig config,
      PCollectionView<TabularEncoder> encoder,
      PCollectionView<GlobalModel> global) {
    this.config = config;
    this.encoder = encoder;
    this.global = global;
  }

  @ProcessElement
  public void process(ProcessContext c) throws XGBoostError {
    List<WindowOutcome> all = new ArrayList<>();
    c.element().getValue().forEach(all::add);
    GlobalModelComparison g =
        GlobalModelComparison.compare(all, c.sideInput(global), config.training());
    String modelFile = null;
    if (g.isTrained()) {
      modelFile = CompareWithGlobalModel.MODEL_FILE + config.modelFormat().extension();
      c.output(
          KV.of(
              CompareWithGlobalModel.DIR + modelFile,
              EntityModelFiles.modelBytes(g.model(), config.modelFormat())));
    }
    c.output(
        KV.of(
            CompareWithGlobalModel.DIR + CompareWithGlobalModel.COMPARISON_FILE,
            EntityModelFiles.pretty(
                g.toJson(
                    config.runId(),
                    c.sideInput(encoder).featureNames(),
                    config.training(),
                    modelFile))));
  }
}
