package io.fleetlearn.app.options;

/**
 * Options of {@code demo}: the pipeline's, the simulator's and the fleet monitor's. The demo
 * changes some defaults so that models appear within a minute (see {@code DemoCommand}); flags
 * given explicitly win.
 */
public interface DemoOptions extends RetrainingOptions, SimulatorOptions, MonitorOptions {}
