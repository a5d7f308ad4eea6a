package io.fleetlearn.cli.options;

import io.fleetlearn.job.options.RetrainingOptions;
import io.fleetlearn.tools.options.MonitorOptions;
import io.fleetlearn.tools.options.SimulatorOptions;

/**
 * Options of {@code demo}: the pipeline's, the simulator's and the fleet monitor's. The demo
 * changes some defaults so that models appear within a minute (see {@code DemoCommand}); flags
 * given explicitly win.
 */
public interface DemoOptions extends RetrainingOptions, SimulatorOptions, MonitorOptions {}
