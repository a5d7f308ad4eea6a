package io.fleetlearn.cli;

import io.fleetlearn.command.Command;
import io.fleetlearn.command.CommandLine;
import io.fleetlearn.job.RunCommand;
import io.fleetlearn.job.TrainCommand;
import io.fleetlearn.tools.Tools;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of the fat jar ({@code fleetlearn.jar}): everything on one machine. The job
 * jar's commands ({@code run} and {@code train} on Flink's embedded runtime by default, and the
 * Kafka-side commands), plus {@code demo}, {@code soak}, {@code bench} and {@code bench-scoring},
 * which start their own Kafka broker.
 *
 * <pre>
 * java -jar fleetlearn.jar COMMAND [--option=value ...]
 * </pre>
 */
public final class Main {
  private Main() {}

  /** Every command, in the order the usage lists them. */
  public static List<Command> commands() {
    List<Command> all = new ArrayList<>();
    all.add(new DemoCommand());
    all.add(new RunCommand());
    all.add(new TrainCommand());
    all.addAll(Tools.commands());
    all.add(new SoakCommand());
    all.add(new BenchCommand());
    all.add(new BenchScoringCommand());
    return all;
  }

  static CommandLine commandLine() {
    return new CommandLine(
        "java -jar fleetlearn.jar",
        "fleetlearn: continuous per-machine XGBoost retraining on Apache Beam and Flink.",
        commands());
  }

  public static void main(String[] args) throws Exception {
    io.fleetlearn.job.Main.exit(args, commandLine().run(args, System.out, System.err));
  }

  /** Runs a command in this JVM without exiting; its exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    return commandLine().run(args, out, err);
  }
}
