package io.fleetlearn.batch;

import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Rows → the {@link TabularEncoder} learnt from all of them, as a singleton side input. One
 * encoding for every entity, so all per-entity models (and the global one) share one feature list.
 * Without rows there is no encoder, and nothing downstream reads it.
 */
public final class LearnEncoding
    extends PTransform<PCollection<TabularRecord>, PCollectionView<TabularEncoder>> {
  private final TabularSchema schema;

  public LearnEncoding(TabularSchema schema) {
    this.schema = schema;
  }

  @Override
  public PCollectionView<TabularEncoder> expand(PCollection<TabularRecord> rows) {
    return rows.apply(
            "CountCategories",
            Combine.globally(new LearnEncodingCombineFn(schema)).withoutDefaults())
        .setCoder(TabularEncoderCoder.of())
        .apply("ShareEncoding", View.asSingleton());
  }
}
