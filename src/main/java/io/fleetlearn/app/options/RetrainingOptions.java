package io.fleetlearn.app.options;

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
