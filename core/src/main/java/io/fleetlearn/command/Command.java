package io.fleetlearn.command;

import java.beans.Introspector;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.Validation;

/**
 * One command of the product's command line ({@code demo}, {@code run}, {@code monitor}, ...). A
 * command declares, once, everything its help and its parsing need: its name, a one-line summary, a
 * description, the options interfaces it accepts (listed by {@code --help} in that order) and the
 * defaults in which it differs from those interfaces' own {@code @Default}s. {@link CommandLine}
 * dispatches to it and reports its errors.
 *
 * <p>{@link #parse} reads the arguments the same way for every command: {@code --optionsFile=PATH}
 * is expanded first ({@link OptionsFile}), then each of this command's defaults is added where
 * neither the command line nor the file sets the option; so the command line wins over the file,
 * and the file over the command's defaults.
 */
public abstract class Command {
  private final String name;
  private final String summary;
  private final String description;

  /**
   * @param name what the user types, e.g. {@code "demo"}
   * @param summary one line for the list of commands
   * @param description what {@code COMMAND --help} says before the options
   */
  protected Command(String name, String summary, String description) {
    this.name = name;
    this.summary = summary;
    this.description = description;
  }

  public final String name() {
    return name;
  }

  public final String summary() {
    return summary;
  }

  public final String description() {
    return description;
  }

  /** The options interfaces this command accepts, in the order its help lists them. */
  public abstract List<Class<? extends PipelineOptions>> options();

  /**
   * This command's defaults where they differ from the options interfaces' own: option name (no
   * dashes) to value, in the order the help lists them. Empty by default.
   */
  public Map<String, String> defaults() {
    return Map.of();
  }

  /**
   * Runs the command. Bad options and other mistakes of the user's are {@link
   * IllegalArgumentException}s, unreachable services and the like {@link IllegalStateException}s:
   * {@link CommandLine} reports both without a stack trace.
   *
   * @param args the arguments after the command's name, as given
   * @return the process exit code
   */
  public abstract int run(String[] args, PrintStream out) throws Exception;

  /**
   * The arguments as this command parses them: {@code --optionsFile} expanded, then this command's
   * {@link #defaults()} added for the options that are still unset.
   */
  public final String[] withDefaults(String[] args) {
    return withDefaults(args, defaults());
  }

  /**
   * {@code args} with {@code --optionsFile} expanded, then {@code defaults} (option name to value)
   * added for the options that are still unset.
   */
  public static String[] withDefaults(String[] args, Map<String, String> defaults) {
    List<String> all = new ArrayList<>(Arrays.asList(OptionsFile.expand(args)));
    List<String> given = List.copyOf(all);
    for (Map.Entry<String, String> d : defaults.entrySet()) {
      if (!hasFlag(given, d.getKey())) {
        all.add("--" + d.getKey() + "=" + d.getValue());
      }
    }
    return all.toArray(new String[0]);
  }

  /**
   * Parses {@link #withDefaults} of {@code args} as {@code type}, validated (required options
   * present, every flag known).
   *
   * @throws IllegalArgumentException on an unknown option, a bad value or a missing required one
   */
  public final <T extends PipelineOptions> T parse(String[] args, Class<T> type) {
    for (Class<? extends PipelineOptions> c : options()) {
      PipelineOptionsFactory.register(c);
    }
    T options = PipelineOptionsFactory.fromArgs(withDefaults(args)).as(type);
    checkRequired(type, options);
    return options;
  }

  /**
   * Beam's own validation also resolves the default runner (the direct runner, which the job jar
   * does not have, and which commands that run no pipeline do not need): only the required options
   * are checked here.
   */
  private static void checkRequired(Class<?> type, PipelineOptions options) {
    for (Method m : type.getMethods()) {
      Validation.Required required = m.getAnnotation(Validation.Required.class);
      if (required == null || m.getParameterCount() != 0 || m.getName().equals("getRunner")) {
        continue;
      }
      Object value;
      try {
        value = m.invoke(options);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read option " + m.getName(), e);
      }
      if (value == null || (value instanceof String s && s.isBlank())) {
        String n = m.getName();
        String flag = Introspector.decapitalize(n.substring(n.startsWith("get") ? 3 : 2));
        throw new IllegalArgumentException("--" + flag + " is required");
      }
    }
  }

  /** Whether {@code --name} or {@code --name=...} is among the arguments. */
  public static boolean hasFlag(String[] args, String name) {
    return hasFlag(Arrays.asList(args), name);
  }

  private static boolean hasFlag(List<String> args, String name) {
    return args.stream().anyMatch(a -> a.equals("--" + name) || a.startsWith("--" + name + "="));
  }

  /** A defaults map in declaration order, from name-value pairs. */
  public static Map<String, String> ordered(String... nameValuePairs) {
    if (nameValuePairs.length % 2 != 0) {
      throw new IllegalArgumentException("name-value pairs expected");
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < nameValuePairs.length; i += 2) {
      m.put(nameValuePairs[i], nameValuePairs[i + 1]);
    }
    return m;
  }
}
