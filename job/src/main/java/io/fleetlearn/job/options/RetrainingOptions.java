package io.fleetlearn.job.options;

import io.fleetlearn.tools.options.KafkaOptions;

/** All options of the retraining pipeline; the runner's own options are accepted alongside. */
public interface RetrainingOptions
    extends KafkaOptions,
        WindowingOptions,
        TrainingOptions,
        DriftOptions,
        EventOptions,
        MetricsOptions,
        FaultInjectionOptions,
        ScoringOptions {}
