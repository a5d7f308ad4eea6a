package io.fleetlearn.app;

import java.io.PrintStream;

/** Runs a command of the product's command line in this JVM (without System.exit), for tests. */
public final class MainAccess {
  private MainAccess() {}

  public static int run(PrintStream out, String... args) throws Exception {
    return Main.run(args, out);
  }
}
