package io.fleetlearn.scoring;

import io.fleetlearn.registry.ModelUpdate;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * A promoted (or recalibrated) fleet model → one copy per fleet-scoring shard, so that every
 * shard's state holds it. Other records are dropped.
 */
public final class BroadcastFleetModelFn extends DoFn<ModelUpdate, KV<Integer, ScoringInput>> {
  private final int shards;

  public BroadcastFleetModelFn(int shards) {
    this.shards = shards;
  }

  @ProcessElement
  public void process(@Element ModelUpdate u, OutputReceiver<KV<Integer, ScoringInput>> out) {
    if (!u.changesServedModel()) {
      return;
    }
    ScoringInput model = ScoringInput.model(u);
    for (int s = 0; s < shards; s++) {
      out.output(KV.of(s, model));
    }
  }
}
