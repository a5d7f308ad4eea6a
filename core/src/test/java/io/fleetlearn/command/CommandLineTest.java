package io.fleetlearn.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {
  /** Options of the test command. */
  public interface GreetOptions extends PipelineOptions {
    @Description("Whom to greet.")
    @Default.String("world")
    String getName();

    void setName(String value);

    @Description("How often.")
    @Default.Integer(1)
    int getTimes();

    void setTimes(int value);
  }

  /** Greets; its own default for --times is 2. */
  static final class Greet extends Command {
    Greet() {
      super("greet", "say hello", "Says hello.");
    }

    @Override
    public List<Class<? extends PipelineOptions>> options() {
      return List.of(GreetOptions.class);
    }

    @Override
    public Map<String, String> defaults() {
      return Map.of("times", "2");
    }

    @Override
    public int run(String[] args, PrintStream out) {
      GreetOptions o = parse(args, GreetOptions.class);
      if (o.getName().equals("nobody")) {
        throw new IllegalStateException("nobody is there");
      }
      for (int i = 0; i < o.getTimes(); i++) {
        out.println("hello " + o.getName());
      }
      return 0;
    }
  }

  @TempDir Path dir;

  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
  private final CommandLine cli = new CommandLine("greeter", "Greets.", List.of(new Greet()));

  private String out() {
    return outBytes.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theCommandsOwnDefaultAppliesUnlessTheCommandLineOrTheOptionsFileSetsIt() throws Exception {
    assertEquals(0, cli.run(new String[] {"greet"}, out, err));
    assertEquals("hello world\nhello world\n", out());
    outBytes.reset();
    Path file = dir.resolve("greet.properties");
    Files.writeString(file, "times = 3\nname = file\n");
    assertEquals(0, cli.run(new String[] {"greet", "--optionsFile=" + file, "--name=x"}, out, err));
    assertEquals("hello x\nhello x\nhello x\n", out(), "command line > file > command default");
  }

  @Test
  void helpShowsTheDefaultThatAppliesToTheCommand() throws Exception {
    assertEquals(0, cli.run(new String[] {"greet", "--help"}, out, err));
    assertTrue(out().contains("--times=int  (default: 2)"), out());
    assertTrue(out().contains("--name=String  (default: world)"), out());
    assertTrue(out().contains("Says hello."), out());
    assertEquals("", err());
  }

  @Test
  void usageErrorsGoToStandardErrorWithExitCode2() throws Exception {
    assertEquals(2, cli.run(new String[] {"greet", "--tiems=3"}, out, err));
    assertTrue(err().startsWith("fleetlearn greet: unknown option --tiems"), err());
    assertTrue(err().contains("greeter greet --help"), err());
    assertEquals("", out());

    errBytes.reset();
    assertEquals(
        2, cli.run(new String[] {"greet", "--optionsFile=" + dir.resolve("none")}, out, err));
    assertTrue(err().contains("cannot read the options file"), err());
    assertFalse(err().contains("\tat "), "no stack trace: " + err());

    errBytes.reset();
    assertEquals(2, cli.run(new String[] {"shout"}, out, err));
    assertTrue(err().contains("unknown command 'shout'"), err());

    errBytes.reset();
    assertEquals(2, cli.run(new String[0], out, err));
    assertTrue(err().contains("greet  say hello"), err());
  }

  @Test
  void failuresTheUserCanFixElsewhereExitWith1() throws Exception {
    assertEquals(1, cli.run(new String[] {"greet", "--name=nobody"}, out, err));
    assertEquals("fleetlearn greet: nobody is there\n", err());
  }

  @Test
  void versionAndUsageGoToStandardOutput() throws Exception {
    assertEquals(0, cli.run(new String[] {"--version"}, out, err));
    assertTrue(out().startsWith("fleetlearn "), out());
    outBytes.reset();
    assertEquals(0, cli.run(new String[] {"--help"}, out, err));
    assertTrue(out().contains("Usage: greeter COMMAND"), out());
    assertEquals("", err());
  }
}
