package io.fleetlearn.io.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running in a child JVM of
 * its own.
 *
 * <p>A separate process lets a test {@link #kill()} the broker the way a crash would, and keeps the
 * broker's threads, heap and logging out of the pipeline's JVM. The child runs on the same
 * classpath as this JVM, so it works both under Maven and from the shaded jar. Everything the
 * broker keeps lives under the data directory: {@code server.properties}, the log directory {@code
 * logs/} and the broker's console output {@code broker.log}.
 *
 * <p>The broker listens on 127.0.0.1 only. {@link #restart()} reuses the port, the cluster id and
 * the data, so clients configured before a restart keep working after it.
 *
 * <p>Besides its PLAINTEXT listener (used between broker and controller, and by {@link
 * #bootstrapServers()}), the broker can open further listeners with another security protocol
 * ({@link Builder#listener}), e.g. SASL_SSL; their settings ({@code listener.name.<name>.*}) are
 * passed as {@link Builder#serverProperty server properties}.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  /** How long {@link #start} and {@link #restart} wait for the broker to answer, by default. */
  public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

  /** The child's maximum heap, by default ({@code -Xmx}). */
  public static final String DEFAULT_HEAP = "512m";

  /** How long {@link #stop()} lets the broker shut down cleanly before killing it. */
  public static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

  static final String BROKER_LOG = "broker.log";
  static final String SERVER_PROPERTIES = "server.properties";
  static final String LOG_DIR = "logs";

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final String HOST = "127.0.0.1";
  private static final Pattern HEAP = Pattern.compile("\\d+[kKmMgG]?");
  private static final Duration KILL_WAIT = Duration.ofSeconds(30);
  private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration PORT_FREE_TIMEOUT = Duration.ofSeconds(15);
  private static final int BIND_ATTEMPTS = 3;
  private static final int TAIL_LINES = 60;

  private final Path dataDir;
  private final Path brokerLog;
  private final Path serverProperties;
  private final int port;
  private final int controllerPort;
  private final Map<String, Listener> listeners;
  private final String clusterId;
  private final List<String> jvm;
  private final Duration startupTimeout;
  private final Thread shutdownHook;

  private volatile Process process;
  private Duration lastStartDuration = Duration.ZERO;
  private boolean closed;

  private EmbeddedKafkaBroker(
      Builder builder,
      int port,
      int controllerPort,
      Map<String, Listener> listeners,
      String clusterId)
      throws IOException {
    this.dataDir = builder.dataDir;
    this.brokerLog = dataDir.resolve(BROKER_LOG);
    this.serverProperties = dataDir.resolve(SERVER_PROPERTIES);
    this.port = port;
    this.controllerPort = controllerPort;
    this.listeners = Map.copyOf(listeners);
    this.clusterId = clusterId;
    this.startupTimeout = builder.startupTimeout;
    this.jvm = jvmCommand(builder);
    writeServerProperties(builder);
    // Ctrl-C of the pipeline must never leave a broker behind; killing (not stopping) keeps the
    // parent's exit fast. A kill -9 of the parent is covered by BrokerMain's stdin watchdog.
    this.shutdownHook =
        new Thread(
            () -> {
              Process p = process;
              if (p != null) {
                p.destroyForcibly();
              }
            },
            "embedded-kafka-broker-killer");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts a broker with the defaults: a free port, one partition per topic, 512 MiB heap. */
  public static EmbeddedKafkaBroker start(Path dataDir) {
    return builder(dataDir).start();
  }

  /** A builder for a broker whose state lives under {@code dataDir}. */
  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /** {@code 127.0.0.1:port}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  /**
   * {@code 127.0.0.1:port} of an extra listener ({@link Builder#listener}), for {@code
   * bootstrap.servers} of clients configured for its security protocol.
   *
   * @throws IllegalArgumentException if the broker has no such listener
   */
  public String bootstrapServers(String listenerName) {
    Listener l = listeners.get(listenerName.toUpperCase(java.util.Locale.ROOT));
    if (l == null) {
      throw new IllegalArgumentException(
          "no listener " + listenerName + "; the broker has " + listeners.keySet());
    }
    return HOST + ":" + l.port;
  }

  /** The PLAINTEXT port clients connect to. */
  public int port() {
    return port;
  }

  /** The KRaft controller port (not for clients). */
  public int controllerPort() {
    return controllerPort;
  }

  /** The cluster id the log directory was formatted with. */
  public String clusterId() {
    return clusterId;
  }

  /** Where the broker keeps its configuration, data and console output. */
  public Path dataDir() {
    return dataDir;
  }

  /** The broker's console output (appended to across restarts). */
  public Path logFile() {
    return brokerLog;
  }

  /** The process id of the current (or last) broker process. */
  public synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  /** Whether the broker process is alive (it may still be starting). */
  public boolean isRunning() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** How long the last start or restart took until the broker answered. */
  public synchronized Duration lastStartDuration() {
    return lastStartDuration;
  }

  /** Admin-client properties that reach this broker. */
  public Map<String, Object> adminProperties() {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return props;
  }

  /**
   * Stops the broker cleanly (SIGTERM, so it closes its logs) and waits up to {@link
   * #STOP_TIMEOUT}; kills it if it has not exited by then.
   */
  public synchronized void stop() {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    long begin = System.nanoTime();
    p.destroy();
    if (!waitFor(p, STOP_TIMEOUT)) {
      LOG.warn("Kafka broker (pid {}) did not stop within {}; killing it", p.pid(), STOP_TIMEOUT);
      destroyAndWait(p);
    } else {
      LOG.info(
          "Kafka broker (pid {}) stopped in {} ms",
          p.pid(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
    }
    closeStreams(p);
  }

  /** Kills the broker with SIGKILL, as a crash would, and waits until the process is gone. */
  public synchronized void kill() {
    Process p = process;
    if (p == null) {
      return;
    }
    destroyAndWait(p);
    closeStreams(p);
    LOG.info("Kafka broker (pid {}) killed", p.pid());
  }

  /**
   * Starts the broker again on the same ports and data, without formatting, and waits until it
   * answers. A running broker is stopped first.
   *
   * @throws StartException if the broker does not answer within the startup timeout
   */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("broker is closed");
    }
    stop();
    // After a kill, the kernel may still hold the listening sockets for a moment.
    awaitPortFree(port);
    awaitPortFree(controllerPort);
    for (Listener l : listeners.values()) {
      awaitPortFree(l.port);
    }
    launchAndAwait();
  }

  /** Stops the broker (see {@link #stop()}) and forgets the shutdown hook; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stop();
    } finally {
      removeShutdownHook();
    }
  }

  private void removeShutdownHook() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down; the hook will run and find nothing left to kill.
    }
  }

  private void writeServerProperties(Builder builder) throws IOException {
    StringBuilder advertised = new StringBuilder("PLAINTEXT://" + HOST + ":" + port);
    StringBuilder protocols = new StringBuilder("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    for (Map.Entry<String, Listener> e : new java.util.TreeMap<>(listeners).entrySet()) {
      advertised
          .append(',')
          .append(e.getKey())
          .append("://" + HOST + ":")
          .append(e.getValue().port);
      protocols.append(',').append(e.getKey()).append(':').append(e.getValue().securityProtocol);
    }
    Map<String, String> props = new LinkedHashMap<>();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    props.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
    props.put("listeners", advertised + ",CONTROLLER://" + HOST + ":" + controllerPort);
    props.put("advertised.listeners", advertised.toString());
    props.put("controller.listener.names", "CONTROLLER");
    // Broker-internal traffic and this class's own readiness probe stay on PLAINTEXT, so an extra
    // listener's security settings cannot keep the broker from starting.
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("listener.security.protocol.map", protocols.toString());
    props.put("log.dirs", dataDir.resolve(LOG_DIR).toAbsolutePath().toString());
    props.put("num.partitions", Integer.toString(builder.partitions));
    // A single node can only ever hold one replica.
    props.put("default.replication.factor", "1");
    props.put("min.insync.replicas", "1");
    props.put("offsets.topic.replication.factor", "1");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    // The defaults (50 partitions each) make the first consumer group or transaction noticeably
    // slow to start on a small machine.
    props.put("offsets.topic.num.partitions", "5");
    props.put("transaction.state.log.num.partitions", "5");
    // Topics are created explicitly with their retention and compaction settings; a typo in a
    // topic name should fail, not create a topic with the wrong settings.
    props.put("auto.create.topics.enable", "false");
    props.put("group.initial.rebalance.delay.ms", "0");
    // After a kill the restarted controller still counts the dead incarnation of this same node
    // as alive until its session expires, and refuses the new registration until then: with the
    // default 9 s session (plus registration back-off) a restart took about 20 s instead of 5.
    props.put("broker.session.timeout.ms", "3000");
    props.put("broker.heartbeat.interval.ms", "500");
    // Sized for a 2-core test machine and a 512 MiB heap rather than for throughput.
    props.put("num.network.threads", "2");
    props.put("num.io.threads", "2");
    props.put("background.threads", "2");
    props.put("num.recovery.threads.per.data.dir", "1");
    props.put("log.cleaner.threads", "1");
    props.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
    // Small segments and frequent housekeeping so retention and compaction are observable in
    // tests and demos instead of after hours.
    props.put("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
    props.put("log.index.size.max.bytes", Integer.toString(1024 * 1024));
    props.put("log.retention.check.interval.ms", "30000");
    props.put("log.cleaner.backoff.ms", "5000");
    // Acknowledged records survive a kill -9 without fsync: the kernel still holds them in the
    // page cache. Only a machine crash could lose them, which the demo does not guard against.
    props.putAll(builder.extraProperties);

    Properties properties = new Properties();
    properties.putAll(props);
    try (Writer out = Files.newBufferedWriter(serverProperties, StandardCharsets.UTF_8)) {
      properties.store(out, "Written by " + EmbeddedKafkaBroker.class.getSimpleName());
    }
  }

  private static List<String> jvmCommand(Builder builder) {
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    command.add("-Xmx" + builder.heap);
    // Few GC threads on a small machine; the broker's heap is small anyway.
    command.add("-XX:+UseSerialGC");
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.add("-Djava.awt.headless=true");
    // The child logs through slf4j-simple (the only binding on this classpath); INFO would write
    // every config value and every partition change to broker.log.
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
    command.add("-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss.SSS");
    command.addAll(builder.jvmArguments);
    command.add("-cp");
    // The broker runs in its data directory: relative classpath entries (java -jar
    // cli/target/fleetlearn.jar) must be made absolute first.
    command.add(absoluteClassPath(System.getProperty("java.class.path")));
    return command;
  }

  private static String javaExecutable() {
    Path bin = Path.of(System.getProperty("java.home"), "bin");
    for (String name : List.of("java", "java.exe")) {
      if (Files.isExecutable(bin.resolve(name))) {
        return bin.resolve(name).toString();
      }
    }
    return ProcessHandle.current().info().command().orElse("java");
  }

  private boolean isFormatted() {
    return Files.exists(dataDir.resolve(LOG_DIR).resolve("meta.properties"));
  }

  // StorageTool runs in a child too: its main ends with System.exit, which would end this JVM.
  private void format(List<String> extraFormatArguments) {
    List<String> command = new ArrayList<>(jvm);
    command.add("kafka.tools.StorageTool");
    command.add("format");
    command.add("--cluster-id");
    command.add(clusterId);
    command.add("--config");
    command.add(serverProperties.toString());
    command.add("--ignore-formatted");
    command.addAll(extraFormatArguments);
    long logOffset = logSize();
    Process p;
    try {
      p = newProcessBuilder(command).start();
    } catch (IOException e) {
      throw new StartException("could not run the Kafka storage formatter", e);
    }
    closeQuietly(p.getOutputStream());
    if (!waitFor(p, FORMAT_TIMEOUT)) {
      destroyAndWait(p);
      throw new StartException(
          "formatting " + dataDir + " did not finish within " + FORMAT_TIMEOUT + tail(logOffset));
    }
    if (p.exitValue() != 0) {
      throw new StartException(
          "formatting " + dataDir + " failed with exit code " + p.exitValue() + tail(logOffset));
    }
  }

  private synchronized void launchAndAwait() {
    List<String> command = new ArrayList<>(jvm);
    command.add(BrokerMain.class.getName());
    command.add(serverProperties.toString());
    long logOffset = logSize();
    long begin = System.nanoTime();
    long deadline = begin + startupTimeout.toNanos();
    try {
      process = newProcessBuilder(command).start();
    } catch (IOException e) {
      throw new StartException("could not start the Kafka broker JVM", e);
    }
    try {
      awaitReady(process, deadline, logOffset);
    } catch (RuntimeException e) {
      // Never leave a half-started broker behind a failed start.
      destroyAndWait(process);
      closeStreams(process);
      throw e;
    }
    lastStartDuration = Duration.ofNanos(System.nanoTime() - begin);
    LOG.info(
        "Kafka broker (pid {}) ready on {} in {} ms",
        process.pid(),
        bootstrapServers(),
        lastStartDuration.toMillis());
  }

  private ProcessBuilder newProcessBuilder(List<String> command) {
    return new ProcessBuilder(command)
        .directory(dataDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(brokerLog.toFile()));
  }

  // First a plain TCP probe, so the admin client does not log a connection warning every
  // few milliseconds while the JVM boots; then describeCluster, which answers only once the
  // broker has registered with the controller and can serve requests.
  private void awaitReady(Process p, long deadline, long logOffset) {
    while (!canConnect(port)) {
      checkAlive(p, logOffset);
      checkDeadline(deadline, logOffset);
      sleep(100);
    }
    Map<String, Object> props = adminProperties();
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000);
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-readiness");
    try (Admin admin = Admin.create(props)) {
      while (true) {
        checkAlive(p, logOffset);
        try {
          if (!admin
                  .describeCluster(new DescribeClusterOptions().timeoutMs(2000))
                  .nodes()
                  .get(3, TimeUnit.SECONDS)
                  .isEmpty()
              && canPlaceATopic(admin)) {
            return;
          }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
          // Still starting; try again until the deadline.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StartException("interrupted while waiting for the Kafka broker", e);
        }
        checkDeadline(deadline, logOffset);
        sleep(200);
      }
    }
  }

  /**
   * Whether the controller would place a new topic now. A broker answers metadata requests before
   * the controller has unfenced it, and until then every topic creation fails with "All brokers are
   * currently fenced": validate one (nothing is created) so that callers can create topics as soon
   * as the broker is ready.
   */
  private static boolean canPlaceATopic(Admin admin)
      throws InterruptedException, java.util.concurrent.TimeoutException {
    try {
      admin
          .createTopics(
              List.of(new NewTopic("embedded-kafka-readiness", 1, (short) 1)),
              new CreateTopicsOptions().validateOnly(true).timeoutMs(2000))
          .all()
          .get(3, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException e) {
      return e.getCause() instanceof TopicExistsException;
    }
  }

  private void checkAlive(Process p, long logOffset) {
    if (!p.isAlive()) {
      String tail = tail(logOffset);
      throw new StartException(
          "Kafka broker exited with code " + p.exitValue() + " during startup" + tail,
          tail.contains("Address already in use"));
    }
  }

  private void checkDeadline(long deadline, long logOffset) {
    if (System.nanoTime() - deadline >= 0) {
      throw new StartException(
          "Kafka broker did not answer on "
              + bootstrapServers()
              + " within "
              + startupTimeout.toSeconds()
              + " s"
              + tail(logOffset));
    }
  }

  private static boolean canConnect(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void awaitPortFree(int port) {
    long deadline = System.nanoTime() + PORT_FREE_TIMEOUT.toNanos();
    while (!isBindable(port) && System.nanoTime() - deadline < 0) {
      sleep(100);
    }
    // If it is still taken, the broker's own bind error (with the log tail) says so.
  }

  private static boolean isBindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new StartException("could not find a free port on " + HOST, e);
    }
  }

  private long logSize() {
    try {
      return Files.exists(brokerLog) ? Files.size(brokerLog) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  // The last lines the child wrote since offset, for exception messages: without them a failed
  // start in CI says nothing about why.
  private String tail(long offset) {
    try (RandomAccessFile file = new RandomAccessFile(brokerLog.toFile(), "r")) {
      long from = Math.max(offset, file.length() - 16 * 1024);
      byte[] bytes = new byte[(int) Math.max(0, file.length() - from)];
      file.seek(from);
      file.readFully(bytes);
      String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\\R");
      int first = Math.max(0, lines.length - TAIL_LINES);
      return "\n--- last lines of "
          + brokerLog
          + " ---\n"
          + String.join("\n", List.of(lines).subList(first, lines.length));
    } catch (IOException e) {
      return "\n(could not read " + brokerLog + ": " + e + ")";
    }
  }

  private static boolean waitFor(Process p, Duration timeout) {
    try {
      return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
    }
  }

  private static void destroyAndWait(Process p) {
    p.destroyForcibly();
    if (!waitFor(p, KILL_WAIT)) {
      throw new IllegalStateException("Kafka broker process " + p.pid() + " survived SIGKILL");
    }
  }

  private static void closeStreams(Process p) {
    closeQuietly(p.getOutputStream());
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // Nothing to do: the process is gone or going.
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartException("interrupted while waiting for the Kafka broker", e);
    }
  }

  /** Options of a broker; {@link #start()} formats the data directory if needed and starts it. */
  public static final class Builder {
    private final Path dataDir;
    private int port;
    private int controllerPort;
    private int partitions = 1;
    private String heap = DEFAULT_HEAP;
    private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
    private final Map<String, String> extraProperties = new LinkedHashMap<>();
    private final Map<String, String> extraListeners = new LinkedHashMap<>();
    private final List<String> jvmArguments = new ArrayList<>();
    private final List<String> formatArguments = new ArrayList<>();

    private Builder(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
    }

    /** The client (PLAINTEXT) port; 0, the default, picks a free one. */
    public Builder port(int port) {
      this.port = checkPort(port);
      return this;
    }

    /** The KRaft controller port; 0, the default, picks a free one. */
    public Builder controllerPort(int controllerPort) {
      this.controllerPort = checkPort(controllerPort);
      return this;
    }

    /** {@code num.partitions}: partitions of topics created without an explicit count. */
    public Builder partitions(int partitions) {
      if (partitions < 1) {
        throw new IllegalArgumentException("partitions must be >= 1");
      }
      this.partitions = partitions;
      return this;
    }

    /**
     * An extra listener on 127.0.0.1 and a free port, with the given security protocol ({@code
     * SSL}, {@code SASL_PLAINTEXT}, {@code SASL_SSL}); clients reach it at {@link
     * EmbeddedKafkaBroker#bootstrapServers(String)}. Configure it with server properties prefixed
     * {@code listener.name.<name in lower case>.}, e.g. {@code
     * listener.name.sasl_ssl.plain.sasl.jaas.config} and {@code
     * listener.name.sasl_ssl.ssl.keystore.location}.
     */
    public Builder listener(String name, String securityProtocol) {
      String n = name.toUpperCase(java.util.Locale.ROOT);
      if (!n.matches("[A-Z][A-Z0-9_]*") || n.equals("PLAINTEXT") || n.equals("CONTROLLER")) {
        throw new IllegalArgumentException("not a free listener name: " + name);
      }
      extraListeners.put(n, Objects.requireNonNull(securityProtocol));
      return this;
    }

    /** A server property, written after (so overriding) the defaults of this class. */
    public Builder serverProperty(String key, String value) {
      extraProperties.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
      return this;
    }

    /** Server properties, written after (so overriding) the defaults of this class. */
    public Builder serverProperties(Map<String, String> properties) {
      properties.forEach(this::serverProperty);
      return this;
    }

    /** The child's maximum heap as for {@code -Xmx}, e.g. {@code "512m"}. */
    public Builder heap(String heap) {
      if (!HEAP.matcher(heap).matches()) {
        throw new IllegalArgumentException("not a heap size: " + heap);
      }
      this.heap = heap;
      return this;
    }

    /** An extra option for the child JVM (e.g. a system property). */
    public Builder jvmArgument(String argument) {
      jvmArguments.add(Objects.requireNonNull(argument));
      return this;
    }

    /** An extra argument for {@code kafka-storage format}, e.g. {@code --add-scram ...}. */
    public Builder formatArgument(String argument) {
      formatArguments.add(Objects.requireNonNull(argument));
      return this;
    }

    /** How long start and restart wait for the broker to answer. */
    public Builder startupTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("startup timeout must be positive");
      }
      this.startupTimeout = timeout;
      return this;
    }

    /**
     * Formats the data directory unless it already holds a formatted log directory (so an existing
     * directory keeps its data and cluster id), starts the broker and waits until it answers.
     *
     * @throws StartException if the broker cannot be started or does not answer in time; the
     *     message ends with the last lines of {@code broker.log}
     */
    public EmbeddedKafkaBroker start() {
      try {
        Files.createDirectories(dataDir.resolve(LOG_DIR));
      } catch (IOException e) {
        throw new StartException("could not create " + dataDir, e);
      }
      String clusterId = existingClusterId().orElseGet(() -> Uuid.randomUuid().toString());
      // A free port found here can be taken by someone else before the broker binds it, so
      // picked ports get a few tries; fixed ports fail at once.
      boolean picked = port == 0 || controllerPort == 0 || !extraListeners.isEmpty();
      for (int attempt = 1; ; attempt++) {
        int clientPort = port == 0 ? freePort() : port;
        int quorumPort = controllerPort;
        while (quorumPort == 0 || quorumPort == clientPort) {
          quorumPort = freePort();
        }
        java.util.Set<Integer> taken = new java.util.HashSet<>(List.of(clientPort, quorumPort));
        Map<String, Listener> listeners = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : extraListeners.entrySet()) {
          int p = freePort();
          while (!taken.add(p)) {
            p = freePort();
          }
          listeners.put(e.getKey(), new Listener(p, e.getValue()));
        }
        EmbeddedKafkaBroker broker;
        try {
          broker = new EmbeddedKafkaBroker(this, clientPort, quorumPort, listeners, clusterId);
        } catch (IOException e) {
          throw new StartException("could not write the broker configuration", e);
        }
        try {
          if (!broker.isFormatted()) {
            broker.format(formatArguments);
          }
          broker.launchAndAwait();
          return broker;
        } catch (RuntimeException e) {
          broker.closed = true;
          broker.removeShutdownHook();
          if (picked
              && attempt < BIND_ATTEMPTS
              && e instanceof StartException se
              && se.addressInUse) {
            LOG.warn("port taken before the broker bound it; trying other ports");
            continue;
          }
          throw e;
        }
      }
    }

    private Optional<String> existingClusterId() {
      Path meta = dataDir.resolve(LOG_DIR).resolve("meta.properties");
      if (!Files.exists(meta)) {
        return Optional.empty();
      }
      Properties properties = new Properties();
      try (InputStream in = Files.newInputStream(meta)) {
        properties.load(in);
      } catch (IOException e) {
        throw new StartException("could not read " + meta, e);
      }
      return Optional.ofNullable(properties.getProperty("cluster.id"));
    }

    private static int checkPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("not a port: " + port);
      }
      return port;
    }
  }

  private static final class Listener {
    final int port;
    final String securityProtocol;

    Listener(int port, String securityProtocol) {
      this.port = port;
      this.securityProtocol = securityProtocol;
    }
  }

  /** The broker could not be started; the message ends with the tail of its console output. */
  public static final class StartException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean addressInUse;

    StartException(String message, Throwable cause) {
      super(message, cause);
      this.addressInUse = false;
    }

    StartException(String message) {
      this(message, false);
    }

    StartException(String message, boolean addressInUse) {
      super(message);
      this.addressInUse = addressInUse;
    }
  }

  /**
   * Entry point of the broker JVM; not for direct use. Runs {@code kafka.Kafka} and exits when its
   * standard input closes, which happens when the parent JVM dies in any way, even by kill -9, so a
   * crashed test run or pipeline never leaves an orphaned broker holding the port.
   */
  public static final class BrokerMain {
    private BrokerMain() {}

    /** Arguments as for {@code kafka.Kafka}: the server.properties path. */
    public static void main(String[] args) {
      Thread watchdog =
          new Thread(
              () -> {
                try {
                  while (System.in.read() >= 0) {
                    // The parent never writes; anything read is ignored.
                  }
                } catch (IOException e) {
                  // A broken pipe means the parent is gone as well.
                }
                // A clean shutdown first, so the logs are closed; halt if it hangs.
                Thread halter =
                    new Thread(
                        () -> {
                          sleepQuietly(STOP_TIMEOUT.toMillis());
                          Runtime.getRuntime().halt(1);
                        },
                        "parent-gone-halter");
                halter.setDaemon(true);
                halter.start();
                System.exit(0);
              },
              "parent-watchdog");
      watchdog.setDaemon(true);
      watchdog.start();
      kafka.Kafka.main(args);
    }

    private static void sleepQuietly(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static String absoluteClassPath(String classPath) {
    StringBuilder b = new StringBuilder();
    for (String entry : classPath.split(java.io.File.pathSeparator)) {
      if (entry.isEmpty()) {
        continue;
      }
      if (b.length() > 0) {
        b.append(java.io.File.pathSeparatorChar);
      }
      b.append(java.nio.file.Path.of(entry).toAbsolutePath());
    }
    return b.toString();
  }
}
