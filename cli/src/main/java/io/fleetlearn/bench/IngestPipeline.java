package io.fleetlearn.bench;

import io.fleetlearn.event.SensorEvent;
import io.fleetlearn.event.SensorEventParser;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.KafkaSensorSource;
import io.fleetlearn.pipeline.CollectWindowSampleFn;
import io.fleetlearn.pipeline.ParseAndValidate;
import io.fleetlearn.pipeline.RetrainingConfig;
import io.fleetlearn.pipeline.WindowPerMachine;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;

/**
 * The ingest half of the retraining job, built from the job's own transforms: read (KafkaIO with
 * the job's event-time policy) → parse and validate → window per machine → collect the training
 * set, ending in a {@link CollectProbe} instead of training.
 */
final class IngestPipeline {
  private IngestPipeline() {}

  static Pipeline build(
      PipelineOptions options,
      KafkaClientConfig kafka,
      String topic,
      String group,
      RetrainingConfig config,
      Duration maxOutOfOrderness,
      Duration idleTimeout,
      String probeId) {
    SensorEventParser parser = new SensorEventParser(config.schema(), config.limits());
    Pipeline p = Pipeline.create(options);
    PCollection<KV<String, SensorEvent>> windowed =
        p.apply(
                "ReadSensorEvents",
                new KafkaSensorSource(kafka, topic, group, parser, maxOutOfOrderness, idleTimeout))
            .apply("ParseAndValidate", new ParseAndValidate(parser, config.metrics()))
            .get(ParseAndValidate.ACCEPTED)
            .apply(
                "WindowPerMachine",
                new WindowPerMachine(
                    config.windowSize(), config.allowedLateness(), config.lateFiringDelay()));
    CollectWindowSampleFn.samples(windowed, config)
        .apply("RecordCollected", ParDo.of(new CollectProbe.RecordCollectedFn(probeId)));
    return p;
  }
}
