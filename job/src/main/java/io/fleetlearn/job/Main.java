package io.fleetlearn.job;

import io.fleetlearn.command.Command;
import io.fleetlearn.command.CommandLine;
import io.fleetlearn.tools.Tools;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The command line of the job jar ({@code fleetlearn-job.jar}), the jar Flink clusters run: {@code
 * run} and {@code train}, which Flink submits ({@code flink run fleetlearn-job.jar run ...}, or the
 * Kubernetes operator's application mode), and the commands that need only Kafka ({@code topics},
 * {@code simulate}, {@code consume}, {@code models}, {@code monitor}), which the image runs next to
 * the cluster. Flink itself is the cluster's: it is not in this jar.
 */
public final class Main {
  /** The commands that run as Flink programs: under Flink, main must return rather than exit. */
  private static final Set<String> FLINK_PROGRAMS = Set.of("run", "train");

  private Main() {}

  /** The job jar's commands. */
  public static List<Command> commands() {
    List<Command> all = new ArrayList<>(List.of(new RunCommand(), new TrainCommand()));
    all.addAll(Tools.commands());
    return all;
  }

  static CommandLine commandLine() {
    return new CommandLine(
        "java -jar fleetlearn-job.jar",
        "fleetlearn job jar: the retraining and batch training jobs for a Flink 1.19 cluster,"
            + " and the Kafka-side commands.",
        commands());
  }

  public static void main(String[] args) throws Exception {
    if (!onClasspath("org.slf4j.LoggerFactory")) {
      // Like Flink itself, SLF4J is the distribution's: the jar alone is not a program.
      System.err.println(
          "fleetlearn-job.jar runs on a Flink 1.19 distribution: submit it with `flink run`, or run"
              + " it with the distribution's lib/ on the classpath, as the image's `fleetlearn`"
              + " command does:\n  java -cp \"fleetlearn-job.jar:$FLINK_HOME/lib/*\""
              + " io.fleetlearn.job.Main COMMAND ...\nOn a machine without Flink, use the command"
              + " line jar: java -jar fleetlearn.jar COMMAND ...");
      System.exit(CommandLine.USAGE_ERROR);
    }
    exit(args, commandLine().run(args, System.out, System.err));
  }

  private static boolean onClasspath(String className) {
    try {
      Class.forName(className, false, Main.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** Runs a command in this JVM without exiting (errors on standard error); its exit code. */
  public static int run(String[] args, PrintStream out) throws Exception {
    return run(args, out, System.err);
  }

  /** Runs a command in this JVM without exiting; its exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    return commandLine().run(args, out, err);
  }

  /**
   * Ends the JVM with {@code code}, unless {@code args} ran a Flink program under Flink: under
   * {@code flink run}, or in a JobManager in application mode, main must return (System.exit would
   * end the Flink client, or in application mode the JobManager itself), and a failure must be an
   * exception for Flink to report it.
   */
  public static void exit(String[] args, int code) {
    if (args.length > 0 && FLINK_PROGRAMS.contains(args[0]) && underFlink()) {
      if (code != 0) {
        throw new IllegalStateException(args[0] + " failed with exit code " + code);
      }
      return;
    }
    System.exit(code);
  }

  private static boolean underFlink() {
    try {
      return FlinkClientContext.active();
    } catch (LinkageError e) {
      return false; // no Flink on the classpath: not under Flink either
    }
  }
}
