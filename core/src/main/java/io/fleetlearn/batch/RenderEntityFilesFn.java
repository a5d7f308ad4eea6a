package io.fleetlearn.batch;

import io.fleetlearn.training.WindowOutcome;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * One entity's outcome → its files as (path relative to the output directory, bytes): the metadata
 * always, the model only when one was trained.
 */
final class RenderEntityFilesFn extends DoFn<KV<String, WindowOutcome>, KV<String, byte[]>> {
  private final BatchTrainingConfig config;
  private final PCollectionView<TabularEncoder> encoder;

  RenderEntityFilesFn(BatchTrainingConfig config, PCollectionView<TabularEncoder> encoder) {
    this.config = config;
    this.encoder = encoder;
  }

  @ProcessElement
  public void process(ProcessContext c) throws XGBoostError {
    WindowOutcome o = c.element().getValue();
    byte[] model = null;
    if (o.result().isTrained()) {
      model = EntityModelFiles.modelBytes(o.result().model(), config.modelFormat());
      c.output(
          KV.of(
              EntityModelFiles.DIR
                  + EntityModelFiles.modelFile(o.machineId(), config.modelFormat()),
              model));
    }
    c.output(
        KV.of(
            EntityModelFiles.DIR + EntityModelFiles.metadataFile(o.machineId()),
            EntityModelFiles.pretty(
                EntityModelFiles.metadata(config, c.sideInput(encoder), o, model))));
  }
}
