package io.fleetlearn.scoring;

import io.fleetlearn.registry.ModelUpdate;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Model updates → the models scoring may use: only PROMOTED records with a model, keyed by machine
 * id. REJECTED and SKIPPED records never change what scores a machine.
 */
public final class PromotedModelsFn extends DoFn<ModelUpdate, KV<String, ScoringInput>> {
  @ProcessElement
  public void process(@Element ModelUpdate u, OutputReceiver<KV<String, ScoringInput>> out) {
    if (u.status() == ModelUpdate.Status.PROMOTED && u.model() != null) {
      out.output(KV.of(u.machineId(), ScoringInput.model(u)));
    }
  }
}
