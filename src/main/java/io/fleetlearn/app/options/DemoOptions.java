package io.fleetlearn.app.options;

/**
 * Options of {@code demo}: the pipeline's and the simulator's. The demo changes some defaults so
 * that models appear within a minute (see {@code DemoCommand}); flags given explicitly win.
 */
public interface DemoOptions extends RetrainingOptions, SimulatorOptions {}
