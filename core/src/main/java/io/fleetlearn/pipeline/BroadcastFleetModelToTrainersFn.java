package io.fleetlearn.pipeline;

import io.fleetlearn.registry.ModelUpdate;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * A promoted (or recalibrated) fleet model → one copy per trainer shard, so that every shard's
 * state holds it. Other records are dropped.
 */
final class BroadcastFleetModelToTrainersFn extends DoFn<ModelUpdate, KV<Integer, TrainingInput>> {
  private final int[] shardKeys;

  /**
   * @param shardKeys the key of every shard ({@link io.fleetlearn.scoring.ScoringConfig#shardKeys})
   */
  BroadcastFleetModelToTrainersFn(int[] shardKeys) {
    this.shardKeys = shardKeys.clone();
  }

  @ProcessElement
  public void process(@Element ModelUpdate u, OutputReceiver<KV<Integer, TrainingInput>> out) {
    if (!u.changesServedModel()) {
      return;
    }
    TrainingInput fleet = TrainingInput.fleet(u);
    for (int key : shardKeys) {
      out.output(KV.of(key, fleet));
    }
  }
}
