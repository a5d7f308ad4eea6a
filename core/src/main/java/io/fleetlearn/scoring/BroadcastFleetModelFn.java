package io.fleetlearn.scoring;

import io.fleetlearn.registry.ModelUpdate;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * A promoted (or recalibrated) fleet model → one copy per fleet-scoring shard, so that every
 * shard's state holds it. Other records are dropped.
 */
public final class BroadcastFleetModelFn extends DoFn<ModelUpdate, KV<Integer, ScoringInput>> {
  private final int[] shardKeys;

  /**
   * @param shardKeys the key of every shard ({@link io.fleetlearn.scoring.ScoringConfig#shardKeys})
   */
  public BroadcastFleetModelFn(int[] shardKeys) {
    this.shardKeys = shardKeys.clone();
  }

  @ProcessElement
  public void process(@Element ModelUpdate u, OutputReceiver<KV<Integer, ScoringInput>> out) {
    if (!u.changesServedModel()) {
      return;
    }
    ScoringInput model = ScoringInput.model(u);
    for (int key : shardKeys) {
      out.output(KV.of(key, model));
    }
  }
}
