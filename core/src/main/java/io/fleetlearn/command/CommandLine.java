package io.fleetlearn.command;

import java.beans.Introspector;
import java.io.PrintStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Hidden;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;

/**
 * A program's command line: dispatches {@code PROGRAM COMMAND [--option=value ...]} to its {@link
 * Command}s and reports, the same way for every command, what goes wrong:
 *
 * <ul>
 *   <li>a usage error (unknown command or option, bad value, missing required option, unreadable
 *       options file): one line on standard error naming the command, a pointer to its help, exit
 *       code {@value #USAGE_ERROR};
 *   <li>a failure the user can fix outside the command line (an unreachable broker, a job that
 *       failed): one line on standard error, exit code {@value #FAILURE};
 *   <li>anything else: the exception propagates (a bug, with its stack trace).
 * </ul>
 *
 * <p>{@code --help} (anywhere after the command) prints the command's help: its description and
 * every option of its options interfaces with the default that applies to this command. {@code
 * --version} prints the version from the jar's manifest.
 */
public final class CommandLine {
  /** Exit code of a usage error. */
  public static final int USAGE_ERROR = 2;

  /** Exit code of a failure the user can fix outside the command line. */
  public static final int FAILURE = 1;

  private static final int WIDTH = 100;

  private final String program;
  private final String title;
  private final Map<String, Command> commands = new LinkedHashMap<>();

  /**
   * @param program how users start the program, e.g. {@code "java -jar fleetlearn.jar"}
   * @param title the first line of the usage text
   */
  public CommandLine(String program, String title, List<? extends Command> commands) {
    this.program = program;
    this.title = title;
    for (Command c : commands) {
      if (this.commands.put(c.name(), c) != null) {
        throw new IllegalArgumentException("two commands named " + c.name());
      }
    }
  }

  public Map<String, Command> commands() {
    return commands;
  }

  /** The product's version, from the manifest of the jar it runs from. */
  public static String version() {
    String v = CommandLine.class.getPackage().getImplementationVersion();
    return v == null ? "(development build)" : v;
  }

  /**
   * Runs {@code args[0]} with the rest of the arguments.
   *
   * @return the exit code
   */
  public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    if (args.length == 0) {
      usage(err);
      return USAGE_ERROR;
    }
    String name = args[0];
    if (name.equals("--help") || name.equals("-h") || name.equals("help")) {
      if (args.length > 1 && commands.containsKey(args[1])) {
        help(commands.get(args[1]), out);
      } else {
        usage(out);
      }
      return 0;
    }
    if (name.equals("--version") || name.equals("version")) {
      out.println("fleetlearn " + version());
      return 0;
    }
    Command command = commands.get(name);
    if (command == null) {
      err.println("fleetlearn: unknown command '" + name + "'");
      err.println();
      usage(err);
      return USAGE_ERROR;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    if (Arrays.stream(rest).anyMatch(a -> a.equals("--help") || a.equals("-h"))) {
      help(command, out);
      return 0;
    }
    try {
      return command.run(rest, out);
    } catch (IllegalArgumentException e) {
      err.println("fleetlearn " + name + ": " + message(e));
      err.println("Options: " + program + " " + name + " --help");
      return USAGE_ERROR;
    } catch (IllegalStateException e) {
      err.println("fleetlearn " + name + ": " + message(e));
      return FAILURE;
    }
  }

  private static String message(Throwable e) {
    if (e.getMessage() == null) {
      return e.toString();
    }
    // Beam names the options interface, which means nothing to the user: name the option.
    Matcher m = UNKNOWN_OPTION.matcher(e.getMessage());
    if (m.lookingAt()) {
      return "unknown option --"
          + m.group(1)
          + (m.group(2) == null ? "" : "; did you mean --" + m.group(2) + "?");
    }
    return e.getMessage();
  }

  private static final Pattern UNKNOWN_OPTION =
      Pattern.compile(
          "Class interface \\S+ missing a property named '([^']+)'\\.(?: Did you mean '([^']+)'\\?)?");

  /** The list of commands. */
  public void usage(PrintStream out) {
    out.println(title);
    out.println();
    out.println("Usage: " + program + " COMMAND [--option=value ...]");
    out.println();
    out.println("Commands:");
    int width = commands.keySet().stream().mapToInt(String::length).max().orElse(0);
    for (Command c : commands.values()) {
      List<String> lines = wrap(c.summary(), WIDTH - width - 4);
      out.printf("  %-" + width + "s  %s%n", c.name(), lines.get(0));
      for (String l : lines.subList(1, lines.size())) {
        out.printf("  %-" + width + "s  %s%n", "", l);
      }
    }
    out.println();
    out.println("COMMAND --help lists the command's options with their defaults; --version prints");
    out.println("the version.");
  }

  /** A command's description and options, each option with the default that applies to it. */
  public void help(Command c, PrintStream out) {
    out.println("Usage: " + program + " " + c.name() + " [--option=value ...]");
    out.println();
    out.println(c.description());
    for (Class<? extends PipelineOptions> group : c.options()) {
      List<Method> getters =
          Arrays.stream(group.getDeclaredMethods())
              .filter(CommandLine::isDocumentedGetter)
              .sorted(Comparator.comparing(CommandLine::property))
              .toList();
      if (getters.isEmpty()) {
        continue;
      }
      out.println();
      out.println(group.getSimpleName() + ":");
      for (Method m : getters) {
        String property = property(m);
        out.println("  --" + property + "=" + typeName(m) + "  " + defaultText(c, property, m));
        for (String line : wrap(m.getAnnotation(Description.class).value(), WIDTH - 6)) {
          out.println("      " + line);
        }
      }
    }
  }

  /**
   * The options of {@code group} as a Markdown table (option, type, default, description), the
   * defaults as the interface declares them; for the reference page docs/options.md.
   */
  public static String markdownTable(Class<? extends PipelineOptions> group) {
    StringBuilder b = new StringBuilder();
    b.append("| option | type | default | description |\n|---|---|---|---|\n");
    Arrays.stream(group.getDeclaredMethods())
        .filter(CommandLine::isDocumentedGetter)
        .sorted(Comparator.comparing(CommandLine::property))
        .forEach(
            m ->
                b.append("| `--")
                    .append(property(m))
                    .append("` | ")
                    .append(typeName(m).replace("|", "\\|").replace("<", "&lt;"))
                    .append(" | ")
                    .append(
                        defaultText(null, property(m), m)
                            .replaceFirst("^\\(default: (.*)\\)$", "`$1`")
                            .replaceFirst("^\\((required|default: computed)\\)$", "$1"))
                    .append(" | ")
                    .append(
                        m.getAnnotation(Description.class)
                            .value()
                            .replace("|", "\\|")
                            .replace("\n", " "))
                    .append(" |\n"));
    return b.toString();
  }

  private static boolean isDocumentedGetter(Method m) {
    String n = m.getName();
    return m.getParameterCount() == 0
        && (n.startsWith("get") || n.startsWith("is"))
        && m.isAnnotationPresent(Description.class)
        && !m.isAnnotationPresent(Hidden.class)
        && !m.isSynthetic();
  }

  private static String property(Method m) {
    String n = m.getName();
    return Introspector.decapitalize(n.substring(n.startsWith("get") ? 3 : 2));
  }

  private static String typeName(Method m) {
    return m.getGenericReturnType()
        .getTypeName()
        .replace("java.lang.", "")
        .replace("java.util.", "")
        .replaceAll("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*\\.", "");
  }

  private static String defaultText(Command c, String property, Method m) {
    String own = c == null ? null : c.defaults().get(property);
    if (own != null) {
      return "(default: " + own + ")";
    }
    Validation.Required required = m.getAnnotation(Validation.Required.class);
    if (required != null) {
      return "(required)";
    }
    for (Annotation a : m.getAnnotations()) {
      if (a.annotationType().getEnclosingClass() == Default.class) {
        if (a instanceof Default.InstanceFactory) {
          return "(default: computed)";
        }
        try {
          Object v = a.annotationType().getMethod("value").invoke(a);
          String text = v instanceof Class<?> k ? k.getSimpleName() : String.valueOf(v);
          return "(default: " + (text.isEmpty() ? "\"\"" : text) + ")";
        } catch (ReflectiveOperationException e) {
          return "";
        }
      }
    }
    return "";
  }

  static List<String> wrap(String text, int width) {
    List<String> lines = new java.util.ArrayList<>();
    for (String paragraph : text.split("\n", -1)) {
      StringBuilder line = new StringBuilder();
      for (String word : paragraph.split(" ")) {
        if (line.length() > 0 && line.length() + 1 + word.length() > width) {
          lines.add(line.toString());
          line.setLength(0);
        }
        if (line.length() > 0) {
          line.append(' ');
        }
        line.append(word);
      }
      lines.add(line.toString());
    }
    return lines;
  }
}
