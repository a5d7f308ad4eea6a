package io.fleetlearn.pipeline;

import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.event.SensorEventCoder;
import io.fleetlearn.registry.FleetModel;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.training.ModelKind;
import java.util.EnumSet;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Windowed, keyed events of all machines → the fleet model's updates. Every event is re-keyed to
 * {@link FleetModel#ID}; per window a uniform sample of up to {@code fleetSampleCapacity} events
 * over the whole fleet is collected (the sample merges, so each bundle's events are folded before
 * the shuffle and the single key receives one partial sample per bundle, not every event), a model
 * is trained on it and the fleet's own registry entry decides on it with the same promotion policy
 * as a machine's. The fleet registry's drift reports are not used: a mix of machines says little
 * about any one of them.
 */
public final class TrainFleetModel
    extends PTransform<PCollection<KV<String, SensorEvent>>, PCollection<ModelUpdate>> {
  private final RetrainingConfig config;

  public TrainFleetModel(RetrainingConfig config) {
    this.config = config;
  }

  @Override
  public PCollection<ModelUpdate> expand(PCollection<KV<String, SensorEvent>> events) {
    return events
        .apply(
            "KeyAsFleet",
            MapElements.into(
                    TypeDescriptors.kvs(
                        TypeDescriptors.strings(), TypeDescriptor.of(SensorEvent.class)))
                .via((KV<String, SensorEvent> e) -> KV.of(FleetModel.ID, e.getValue())))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), SensorEventCoder.of()))
        .apply(
            "TrainFleetOnWindowClose",
            new TrainPerMachine(
                config,
                config.scoring().fleetSampleCapacity(),
                // The fleet model is always a model of its own sample (it is the fleet model).
                config.training().toBuilder().candidates(EnumSet.of(ModelKind.OWN)).build()))
        .apply("FleetModelRegistry", new ModelRegistry(config, false))
        .get(ModelRegistry.MODEL_UPDATES);
  }
}
