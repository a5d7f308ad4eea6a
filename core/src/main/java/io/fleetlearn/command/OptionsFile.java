package io.fleetlearn.command;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@code --optionsFile=PATH}: pipeline options kept in a file, so that every deployment (docker
 * compose, Kubernetes, a script around {@code flink run}) reads them from one place, {@code
 * config/pipeline.properties}.
 *
 * <p>The file is a Java properties file of option names without dashes, {@code windowSize = 5m}.
 * Each entry becomes {@code --windowSize=5m} unless the command line sets that option itself: the
 * command line wins, so a deployment overrides only what is specific to it (the bootstrap servers,
 * say). Unknown names are refused later by the options parser, as on the command line.
 */
public final class OptionsFile {
  /** The flag, without dashes. */
  public static final String FLAG = "optionsFile";

  private static final String PREFIX = "--" + FLAG + "=";
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]*");

  private OptionsFile() {}

  /**
   * The arguments with {@code --optionsFile=PATH} replaced by the file's options that the other
   * arguments do not set; the arguments unchanged when there is no such flag.
   *
   * @throws IllegalArgumentException if the flag is given twice, the file cannot be read or has an
   *     invalid name
   */
  public static String[] expand(String[] args) {
    List<String> rest = new ArrayList<>();
    String path = null;
    for (String a : args) {
      if (a.startsWith(PREFIX)) {
        if (path != null) {
          throw new IllegalArgumentException("--" + FLAG + " is given more than once");
        }
        path = a.substring(PREFIX.length());
      } else if (a.equals("--" + FLAG)) {
        throw new IllegalArgumentException("--" + FLAG + " needs a value: --" + FLAG + "=PATH");
      } else {
        rest.add(a);
      }
    }
    if (path == null) {
      return args;
    }
    Properties file = load(Path.of(path));
    List<String> out = new ArrayList<>();
    // Sorted, so the expansion (and any error about it) does not depend on hash order.
    for (String name : new TreeSet<>(file.stringPropertyNames())) {
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "not an option name in " + path + ": \"" + name + "\" (write windowSize = 5m)");
      }
      if (!isSet(rest, name)) {
        out.add("--" + name + "=" + file.getProperty(name).strip());
      }
    }
    out.addAll(rest);
    return out.toArray(new String[0]);
  }

  private static boolean isSet(List<String> args, String name) {
    return args.stream().anyMatch(a -> a.equals("--" + name) || a.startsWith("--" + name + "="));
  }

  private static Properties load(Path path) {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IOException e) {
      // A wrong path is the user's to fix, like a wrong flag: no stack trace.
      throw new IllegalArgumentException(
          "cannot read the options file " + path + " (" + e.getClass().getSimpleName() + ")", e);
    }
    return p;
  }
}
