package io.fleetlearn.pipeline;

import io.fleetlearn.registry.ModelRegistryFn;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.registry.ModelUpdateCoder;
import io.fleetlearn.training.WindowOutcome;
import io.fleetlearn.training.WindowOutcomeCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;

/**
 * Window outcomes → {@link ModelUpdate}s. Beam state is scoped to a key and a window, so the
 * outcomes are moved into the global window first: there each machine's champion and version
 * counter live in keyed state for as long as the machine reports (see {@link ModelRegistryFn}).
 */
public final class ModelRegistry
    extends PTransform<PCollection<KV<String, WindowOutcome>>, PCollection<ModelUpdate>> {
  private final RetrainingConfig config;

  public ModelRegistry(RetrainingConfig config) {
    this.config = config;
  }

  @Override
  public PCollection<ModelUpdate> expand(PCollection<KV<String, WindowOutcome>> outcomes) {
    return outcomes
        .apply(
            "IntoGlobalWindow",
            Window.<KV<String, WindowOutcome>>into(new GlobalWindows())
                .triggering(Repeatedly.forever(AfterPane.elementCountAtLeast(1)))
                .withAllowedLateness(Duration.ZERO)
                .discardingFiredPanes())
        .setCoder(KvCoder.of(StringUtf8Coder.of(), WindowOutcomeCoder.of()))
        .apply(
            "DecidePromotion",
            ParDo.of(
                new ModelRegistryFn(
                    config.schema(),
                    config.training(),
                    config.promotion(),
                    config.stateRetention())))
        .setCoder(ModelUpdateCoder.of());
  }
}
