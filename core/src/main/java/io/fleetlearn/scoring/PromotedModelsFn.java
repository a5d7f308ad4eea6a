package io.fleetlearn.scoring;

import io.fleetlearn.registry.ModelUpdate;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Model updates → the models scoring may use, keyed by machine id: PROMOTED records, and records
 * whose champion's threshold was chosen again (a new version of the same model, {@link
 * ModelUpdate#recalibration()}). A rejected challenger never changes what scores a machine.
 */
public final class PromotedModelsFn extends DoFn<ModelUpdate, KV<String, ScoringInput>> {
  @ProcessElement
  public void process(@Element ModelUpdate u, OutputReceiver<KV<String, ScoringInput>> out) {
    if (u.changesServedModel()) {
      out.output(KV.of(u.machineId(), ScoringInput.model(u)));
    }
  }
}
