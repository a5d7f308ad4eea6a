package io.fleetlearn.testing.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A real Flink standalone session cluster for integration tests: one JobManager and one TaskManager
 * (more with {@link #addTaskManager}), each in a JVM of its own, on 127.0.0.1 only.
 *
 * <p>They start the way Flink's {@code bin/jobmanager.sh} and {@code bin/taskmanager.sh} start
 * them, from a distribution directory with {@code lib/} (the cluster's classpath) and {@code
 * plugins/} (reporters), which the build lays out from Maven Central (see the pom): the process
 * sizes come from {@code BashJavaUtils GET_JM_RESOURCE_PARAMS / GET_TM_RESOURCE_PARAMS}, the JVM
 * options from {@code env.java.opts.all} of the configuration. The configuration is a base file
 * (the product's {@code config/flink/config.yaml}) with addresses, ports, directories and the given
 * overrides replaced. Everything the cluster writes (config, logs, checkpoints, savepoints) lives
 * under the work directory. {@link #close()} stops both processes, and a shutdown hook does so if
 * the test JVM exits first.
 */
public final class StandaloneFlinkCluster implements AutoCloseable {
  private static final String HOST = "127.0.0.1";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Log4j 2 is the official image's logging backend (its {@code lib/} has log4j-slf4j-impl, and so
   * does the distribution the build lays out); like the image's {@code log4j-console.properties},
   * every process logs to its console, which this class writes to the process's log file.
   */
  private static final String LOG4J_CONFIG = "log4j-console.properties";

  private static final String LOG4J_CONSOLE =
      String.join(
          "\n",
          "rootLogger.level = INFO",
          "rootLogger.appenderRef.console.ref = ConsoleAppender",
          "logger.kafka.name = org.apache.kafka",
          "logger.kafka.level = WARN",
          "appender.console.name = ConsoleAppender",
          "appender.console.type = CONSOLE",
          "appender.console.layout.type = PatternLayout",
          "appender.console.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
          "");

  private final Path distDir;
  private final Path workDir;
  private final Path confDir;
  private final Map<String, String> config;
  private final int restPort;
  private final int jobManagerMetricsPort;
  private final int taskManagerMetricsPort;
  private final List<Process> processes = new ArrayList<>();
  private final List<String> names = new ArrayList<>();
  private final Thread shutdownHook = new Thread(this::destroyAll, "flink-cluster-shutdown");
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private StandaloneFlinkCluster(
      Path distDir, Path baseConfig, Path workDir, Map<String, String> overrides)
      throws IOException {
    this.distDir = distDir.toAbsolutePath();
    this.workDir = workDir.toAbsolutePath();
    this.confDir = this.workDir.resolve("conf");
    Files.createDirectories(confDir);
    // Chosen together, so that no two of them are the same port.
    int[] ports = freePorts(4);
    this.restPort = ports[0];
    this.jobManagerMetricsPort = ports[1];
    this.taskManagerMetricsPort = ports[2];
    Map<String, String> c = loadFlat(baseConfig);
    // Loopback only, fixed ports the test knows, and every directory under the work directory.
    c.put("jobmanager.rpc.address", HOST);
    c.put("jobmanager.bind-host", HOST);
    c.put("jobmanager.rpc.port", Integer.toString(ports[3]));
    c.put("taskmanager.host", HOST);
    c.put("taskmanager.bind-host", HOST);
    c.put("rest.address", HOST);
    c.put("rest.bind-address", HOST);
    c.put("rest.port", Integer.toString(restPort));
    c.put("state.checkpoints.dir", this.workDir.resolve("checkpoints").toUri().toString());
    c.put("state.savepoints.dir", this.workDir.resolve("savepoints").toUri().toString());
    c.put("io.tmp.dirs", this.workDir.resolve("tmp").toString());
    c.put("web.tmpdir", this.workDir.resolve("web").toString());
    c.putAll(overrides);
    this.config = c;
    Files.createDirectories(this.workDir.resolve("tmp"));
    writeFlat(c, confDir.resolve("config.yaml"));
    Files.writeString(confDir.resolve(LOG4J_CONFIG), LOG4J_CONSOLE, StandardCharsets.UTF_8);
  }

  /**
   * Starts a JobManager and a TaskManager and waits until the TaskManager has registered its slots.
   *
   * @param distDir a Flink distribution's {@code lib/} and {@code plugins/} parent
   * @param baseConfig a Flink {@code config.yaml} whose keys are taken first
   * @param workDir where the cluster keeps its configuration, logs and state
   * @param overrides configuration that wins over the base file and this class's settings
   */
  public static StandaloneFlinkCluster start(
      Path distDir, Path baseConfig, Path workDir, Map<String, String> overrides)
      throws IOException, InterruptedException {
    if (!Files.isDirectory(distDir.resolve("lib"))) {
      throw new IllegalStateException(
          distDir + "/lib is missing: run the build's pre-integration-test");
    }
    StandaloneFlinkCluster cluster =
        new StandaloneFlinkCluster(distDir, baseConfig, workDir, overrides);
    Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
    try {
      cluster.launch(
          "jobmanager",
          "GET_JM_RESOURCE_PARAMS",
          "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
          cluster.jobManagerMetricsPort);
      cluster.launch(
          "taskmanager",
          "GET_TM_RESOURCE_PARAMS",
          "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
          cluster.taskManagerMetricsPort);
      cluster.awaitSlots(1);
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /**
   * Starts one more TaskManager ({@code taskmanager-N}, with its log and Prometheus port of its
   * own) and waits until the cluster counts it.
   */
  public void addTaskManager() throws IOException, InterruptedException {
    int count;
    synchronized (this) {
      count = (int) names.stream().filter(n -> n.startsWith("taskmanager")).count();
    }
    launch(
        "taskmanager-" + (count + 1),
        "GET_TM_RESOURCE_PARAMS",
        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
        freePorts(1)[0]);
    awaitSlots(count + 1);
  }

  /** HOST:PORT of the REST endpoint, as {@code --flinkMaster} and {@code flink run -m} take it. */
  public String restAddress() {
    return HOST + ":" + restPort;
  }

  /** The configuration directory, as {@code FLINK_CONF_DIR} for a client. */
  public Path confDir() {
    return confDir;
  }

  /** The effective value of a configuration key, or null. */
  public String config(String key) {
    return config.get(key);
  }

  public Path workDir() {
    return workDir;
  }

  /** The port of the TaskManager's Prometheus reporter. */
  public int taskManagerMetricsPort() {
    return taskManagerMetricsPort;
  }

  public Path logFile(String process) {
    return workDir.resolve(process + ".log");
  }

  /**
   * Runs Flink's command-line client ({@code bin/flink}'s main class) against this cluster and
   * waits for it; returns its console output. The client's JVM gets the same classpath and JVM
   * options as the cluster's processes, and this cluster's configuration directory.
   *
   * @throws IllegalStateException if it does not end within {@code timeout} or exits non-zero
   */
  public String runCli(Duration timeout, String... args) throws IOException, InterruptedException {
    Path log = workDir.resolve("cli-" + System.nanoTime() + ".log");
    List<String> command = java(List.of());
    command.add("org.apache.flink.client.cli.CliFrontend");
    command.addAll(Arrays.asList(args));
    Process p = newProcess(command, log).start();
    p.getOutputStream().close();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      throw new IllegalStateException(
          "flink "
              + args[0]
              + " did not end in "
              + timeout
              + tail(log)
              + tail(logFile("jobmanager"))
              + tail(logFile("taskmanager")));
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "flink " + args[0] + " exited with " + p.exitValue() + tail(log));
    }
    return out;
  }

  /** GET on the REST API; the parsed JSON body. */
  public JsonNode get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  /** POST of a JSON body on the REST API; the parsed JSON body. */
  public JsonNode post(String path, Object body) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
  }

  /** The cluster's jobs ({@code /jobs/overview}): id, name and state of each. */
  public List<JsonNode> jobs() throws IOException, InterruptedException {
    List<JsonNode> jobs = new ArrayList<>();
    get("/jobs/overview").path("jobs").forEach(jobs::add);
    return jobs;
  }

  /** Polls {@code /jobs/:id} until its state is {@code state}; fails fast on FAILED. */
  public void awaitJobState(String jobId, String state, Duration timeout)
      throws IOException, InterruptedException {
    String last = "";
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      last = get("/jobs/" + jobId).path("state").asText();
      if (last.equals(state)) {
        return;
      }
      if (last.equals("FAILED") && !state.equals("FAILED")) {
        throw new IllegalStateException(
            "job " + jobId + " failed: " + get("/jobs/" + jobId + "/exceptions"));
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "job " + jobId + " is " + last + ", not " + state + " after " + timeout);
  }

  /** Waits for the single job whose state is RUNNING and whose vertices all run; its id. */
  public String awaitRunningJob(Predicate<JsonNode> which, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (JsonNode job : jobs()) {
        if (job.path("state").asText().equals("RUNNING") && which.test(job)) {
          String id = job.path("jid").asText();
          JsonNode details = get("/jobs/" + id);
          boolean allRunning = true;
          for (JsonNode v : details.path("vertices")) {
            allRunning &= v.path("status").asText().equals("RUNNING");
          }
          if (allRunning) {
            return id;
          }
        }
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("no running job after " + timeout + ": " + jobs());
  }

  /**
   * Stops a job with a savepoint ({@code POST /jobs/:id/stop}, without draining, so open windows
   * stay open in the savepoint) and returns the savepoint's location once it is complete.
   */
  public String stopWithSavepoint(String jobId, Path targetDir, Duration timeout)
      throws IOException, InterruptedException {
    JsonNode trigger =
        post(
            "/jobs/" + jobId + "/stop",
            Map.of("drain", false, "targetDirectory", targetDir.toUri().toString()));
    String requestId = trigger.path("request-id").asText();
    if (requestId.isEmpty()) {
      throw new IllegalStateException("stop-with-savepoint was not accepted: " + trigger);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode status = get("/jobs/" + jobId + "/savepoints/" + requestId);
      if (status.path("status").path("id").asText().equals("COMPLETED")) {
        JsonNode operation = status.path("operation");
        if (operation.has("failure-cause")) {
          throw new IllegalStateException("savepoint failed: " + operation.get("failure-cause"));
        }
        return operation.path("location").asText();
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("savepoint of " + jobId + " not complete after " + timeout);
  }

  /** Cancels a job if it is still running; never throws. */
  public void cancelQuietly(String jobId) {
    try {
      send(
          HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel"))
              .method("PATCH", HttpRequest.BodyPublishers.noBody()));
    } catch (Exception e) {
      // The job has ended already, or the cluster is going away.
    }
  }

  /** The TaskManager's Prometheus endpoint, as text. */
  public String taskManagerMetrics() throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://" + HOST + ":" + taskManagerMetricsPort + "/"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  /** Stops both processes: SIGTERM first, so they shut down as on a real host, then SIGKILL. */
  @Override
  public void close() {
    destroyAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // Already shutting down.
    }
  }

  private synchronized void destroyAll() {
    // TaskManager first (started last), so the JobManager does not restart anything meanwhile.
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process p = processes.get(i);
      p.destroy();
      try {
        if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
    names.clear();
  }

  private void launch(String name, String resourceCommand, String mainClass, int metricsPort)
      throws IOException, InterruptedException {
    // As bin/jobmanager.sh and bin/taskmanager.sh do: let Flink derive the JVM sizes and the
    // memory configuration from the config file, then start the entry point with both.
    String metricsPortProperty = "metrics.reporter.prom.port=" + metricsPort;
    List<String> resources = resourceParams(name, resourceCommand, metricsPortProperty);
    List<String> command = java(splitSpaces(resources.get(0)));
    command.add(mainClass);
    command.add("--configDir");
    command.add(confDir.toString());
    command.addAll(splitSpaces(resources.get(1)));
    command.add("-D");
    command.add(metricsPortProperty);
    Process p = newProcess(command, logFile(name)).start();
    p.getOutputStream().close();
    synchronized (this) {
      processes.add(p);
      names.add(name);
    }
  }

  private List<String> resourceParams(String name, String command, String dynamicProperty)
      throws IOException, InterruptedException {
    Path log = workDir.resolve(name + "-resources.log");
    List<String> cmd = java(List.of());
    cmd.addAll(
        List.of(
            "org.apache.flink.runtime.util.bash.BashJavaUtils",
            command,
            "--configDir",
            confDir.toString(),
            "-D",
            dynamicProperty));
    Process p = newProcess(cmd, log).start();
    p.getOutputStream().close();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      throw new IllegalStateException(command + " did not end" + tail(log));
    }
    List<String> results = new ArrayList<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      if (line.startsWith(RESULT_PREFIX)) {
        results.add(line.substring(RESULT_PREFIX.length()).strip());
      }
    }
    if (p.exitValue() != 0 || results.size() < 2) {
      throw new IllegalStateException(command + " failed" + tail(log));
    }
    // The last two results: JVM options, then the dynamic properties (-D key=value ...).
    return results.subList(results.size() - 2, results.size());
  }

  private List<String> java(List<String> jvmOptions) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(splitSpaces(config.getOrDefault("env.java.opts.all", "")));
    command.add("-Dlog4j.configurationFile=" + confDir.resolve(LOG4J_CONFIG).toUri());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(distDir.resolve("lib") + "/*");
    return command;
  }

  private ProcessBuilder newProcess(List<String> command, Path log) {
    ProcessBuilder b =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    b.environment().put("FLINK_CONF_DIR", confDir.toString());
    b.environment().put("FLINK_PLUGINS_DIR", distDir.resolve("plugins").toString());
    b.environment().put("OMP_NUM_THREADS", "1");
    return b;
  }

  private void awaitSlots(int taskManagers) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    String last = "(no answer)";
    while (System.nanoTime() < deadline) {
      checkAlive();
      try {
        JsonNode overview = get("/overview");
        last = overview.toString();
        if (overview.path("taskmanagers").asInt() >= taskManagers
            && overview.path("slots-total").asInt() >= taskManagers) {
          return;
        }
      } catch (IOException e) {
        // The REST endpoint is not up yet.
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        "cluster not ready after " + STARTUP_TIMEOUT + ": " + last + tail(logFile("jobmanager")));
  }

  private synchronized void checkAlive() throws IOException {
    for (int i = 0; i < processes.size(); i++) {
      if (!processes.get(i).isAlive()) {
        throw new IllegalStateException(
            names.get(i)
                + " exited with "
                + processes.get(i).exitValue()
                + tail(logFile(names.get(i))));
      }
    }
  }

  private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<InputStream> r =
        http.send(
            request.timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = r.body()) {
      byte[] bytes = body.readAllBytes();
      if (r.statusCode() >= 300) {
        throw new IOException(
            r.request().method()
                + " "
                + r.uri()
                + ": HTTP "
                + r.statusCode()
                + " "
                + new String(bytes, StandardCharsets.UTF_8));
      }
      return bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
    }
  }

  private URI uri(String path) {
    return URI.create("http://" + HOST + ":" + restPort + path);
  }

  /** The last lines of a log, for exception messages: without them a failure in CI says little. */
  public static String tail(Path log) {
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long from = Math.max(0, f.length() - 12 * 1024);
      byte[] bytes = new byte[(int) (f.length() - from)];
      f.seek(from);
      f.readFully(bytes);
      return "\n--- end of " + log + " ---\n" + new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "\n(could not read " + log + ": " + e + ")";
    }
  }

  // Flink's YAML, nested or flat, as the flat option keys Flink itself reads it as.
  static Map<String, String> loadFlat(Path file) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(file)) {
      Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      flatten("", root == null ? Map.of() : (Map<?, ?>) root, out);
    }
    return out;
  }

  private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
    map.forEach(
        (k, v) -> {
          String key = prefix + k;
          if (v instanceof Map<?, ?> m) {
            flatten(key + ".", m, out);
          } else {
            out.put(key, String.valueOf(Objects.requireNonNull(v, key)));
          }
        });
  }

  private static void writeFlat(Map<String, String> config, Path file) throws IOException {
    StringBuilder yaml = new StringBuilder();
    for (Map.Entry<String, String> e : config.entrySet()) {
      // A JSON string is a valid YAML double-quoted scalar.
      yaml.append(e.getKey())
          .append(": ")
          .append(JSON.writeValueAsString(e.getValue()))
          .append('\n');
    }
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
  }

  private static List<String> splitSpaces(String s) {
    List<String> out = new ArrayList<>();
    for (String part : s.strip().split("\\s+")) {
      if (!part.isEmpty()) {
        out.add(part);
      }
    }
    return out;
  }

  // Every socket stays open until all ports are chosen: the OS may hand out a port again as soon
  // as it is closed. (The TaskManager's own ports are picked by Flink: rpc and data port 0.)
  private static int[] freePorts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 0, InetAddress.getByName(HOST));
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }
}
