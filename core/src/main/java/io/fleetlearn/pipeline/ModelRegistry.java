package io.fleetlearn.pipeline;

import io.fleetlearn.drift.DriftDetector;
import io.fleetlearn.drift.DriftReport;
import io.fleetlearn.drift.DriftReportCoder;
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
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Duration;

/**
 * Window outcomes → {@link ModelUpdate}s ({@link #MODEL_UPDATES}) and {@link DriftReport}s ({@link
 * #DRIFT_REPORTS}). Beam state is scoped to a key and a window, so the outcomes are moved into the
 * global window first: there each machine's champion, version counter and reference profile live in
 * keyed state for as long as the machine reports (see {@link ModelRegistryFn}).
 */
public final class ModelRegistry
    extends PTransform<PCollection<KV<String, WindowOutcome>>, PCollectionTuple> {
  public static final TupleTag<ModelUpdate> MODEL_UPDATES =
      new TupleTag<ModelUpdate>("modelUpdates") {};
  public static final TupleTag<DriftReport> DRIFT_REPORTS =
      new TupleTag<DriftReport>("driftReports") {};

  private final RetrainingConfig config;
  private final boolean fleetFallback;

  /** The machines' registry; says in SKIPPED records when the fleet model serves a machine. */
  public ModelRegistry(RetrainingConfig config) {
    this(config, config.scoring().enabled() && config.scoring().fleetModel());
  }

  /**
   * @param fleetFallback whether machines without a champion are scored by the fleet model (false
   *     for the fleet model's own registry)
   */
  public ModelRegistry(RetrainingConfig config, boolean fleetFallback) {
    this.config = config;
    this.fleetFallback = fleetFallback;
  }

  @Override
  public PCollectionTuple expand(PCollection<KV<String, WindowOutcome>> outcomes) {
    PCollectionTuple out =
        outcomes
            .apply(
                "IntoGlobalWindow",
                Window.<KV<String, WindowOutcome>>into(new GlobalWindows())
                    .triggering(Repeatedly.forever(AfterPane.elementCountAtLeast(1)))
                    .withAllowedLateness(Duration.ZERO)
                    .discardingFiredPanes())
            .setCoder(KvCoder.of(StringUtf8Coder.of(), WindowOutcomeCoder.of()))
            .apply(
                "DecidePromotionAndDrift",
                ParDo.of(
                        new ModelRegistryFn(
                            config.schema(),
                            config.training(),
                            config.promotion(),
                            new DriftDetector(config.schema().names(), config.drift()),
                            config.stateRetention(),
                            MODEL_UPDATES,
                            DRIFT_REPORTS,
                            config.metrics(),
                            config.seeds(),
                            fleetFallback))
                    .withOutputTags(MODEL_UPDATES, TupleTagList.of(DRIFT_REPORTS)));
    out.get(MODEL_UPDATES).setCoder(ModelUpdateCoder.of());
    out.get(DRIFT_REPORTS).setCoder(DriftReportCoder.of());
    return out;
  }
}
