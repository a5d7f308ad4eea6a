package io.fleetlearn.batch;

import io.fleetlearn.training.WindowOutcome;
import io.fleetlearn.training.WindowOutcomeCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Per-entity outcomes and the {@link GlobalModel} (side input, trained on all entities' training
 * rows) → the served per-entity models compared with the global model on their holdouts ({@link
 * GlobalModelComparison}); writes {@code OUTPUT/global/model.ubj|json} and {@code
 * OUTPUT/global/comparison.json}. All entities' outcomes meet on one worker, so this needs memory
 * for every sampled row.
 */
public final class CompareWithGlobalModel
    extends PTransform<PCollection<KV<String, WindowOutcome>>, WriteFilesResult<String>> {
  /** Directory of the global files, relative to the output directory. */
  public static final String DIR = "global/";

  public static final String MODEL_FILE = "model.";
  public static final String COMPARISON_FILE = "comparison.json";

  private final BatchTrainingConfig config;
  private final PCollectionView<TabularEncoder> encoder;
  private final PCollectionView<GlobalModel> global;

  public CompareWithGlobalModel(
      BatchTrainingConfig config,
      PCollectionView<TabularEncoder> encoder,
      PCollectionView<GlobalModel> global) {
    this.config = config;
    this.encoder = encoder;
    this.global = global;
  }

  @Override
  public WriteFilesResult<String> expand(PCollection<KV<String, WindowOutcome>> outcomes) {
    return outcomes
        .apply("DropEntityKeys", Values.create())
        .apply("KeyAllAlike", WithKeys.of("all"))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), WindowOutcomeCoder.of()))
        .apply("GatherAllEntities", GroupByKey.create())
        .apply(
            "CompareServedWithGlobal",
            ParDo.of(new CompareWithGlobalModelFn(config, encoder, global))
                .withSideInputs(encoder, global))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of()))
        .apply("WriteGlobalFiles", NamedFileSink.writeTo(config.output()));
  }
}
