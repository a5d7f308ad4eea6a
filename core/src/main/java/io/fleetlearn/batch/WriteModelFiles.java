package io.fleetlearn.batch;

import io.fleetlearn.training.WindowOutcome;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.WriteFilesResult;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Per-entity outcomes → {@code OUTPUT/entities/<entity>.ubj|json} and {@code
 * <entity>.metadata.json} (see {@link EntityModelFiles}), written with Beam FileIO.
 */
public final class WriteModelFiles
    extends PTransform<PCollection<KV<String, WindowOutcome>>, WriteFilesResult<String>> {
  private final BatchTrainingConfig config;
  private final PCollectionView<TabularEncoder> encoder;

  public WriteModelFiles(BatchTrainingConfig config, PCollectionView<TabularEncoder> encoder) {
    this.config = config;
    this.encoder = encoder;
  }

  @Override
  public WriteFilesResult<String> expand(PCollection<KV<String, WindowOutcome>> outcomes) {
    return outcomes
        .apply(
            "RenderEntityFiles",
            ParDo.of(new RenderEntityFilesFn(config, encoder)).withSideInputs(encoder))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of()))
        .apply("WriteEntityFiles", NamedFileSink.writeTo(config.output()));
  }
}
