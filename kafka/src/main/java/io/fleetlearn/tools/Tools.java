package io.fleetlearn.tools;

import io.fleetlearn.command.Command;
import java.util.List;

/**
 * The commands that need only Kafka: creating topics, simulating machines, reading the registry and
 * the fleet monitor. Both jars carry them: the job jar (so the image that runs the job also runs
 * the monitor, the simulator and the topic initialiser) and the CLI.
 */
public final class Tools {
  private Tools() {}

  public static List<Command> commands() {
    return List.of(
        new TopicsCommand(),
        new SimulateCommand(),
        new ConsumeCommand(),
        new ModelsCommand(),
        new MonitorCommand());
  }
}
