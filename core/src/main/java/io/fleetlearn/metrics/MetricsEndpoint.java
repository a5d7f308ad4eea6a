package io.fleetlearn.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Serves one {@link PrometheusMeterRegistry} over HTTP in the Prometheus text format (version
 * 0.0.4): {@code GET /metrics}. Built on the JDK's {@code com.sun.net.httpserver}, with a single
 * daemon thread, so it adds no dependency and never keeps a JVM alive. It binds to the first free
 * port of a {@link PortRange} on the given address.
 */
public final class MetricsEndpoint implements AutoCloseable {
  /** The exposition format served, whatever the scraper asks for. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  public static final String PATH = "/metrics";

  private final HttpServer server;
  private final ExecutorService executor;
  private final InetSocketAddress address;

  private MetricsEndpoint(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
    this.address = server.getAddress();
  }

  /**
   * Starts an endpoint on the first free port of {@code ports}.
   *
   * @throws BindException when every port of the range is taken
   * @throws IOException when the address cannot be resolved or bound for another reason
   */
  public static MetricsEndpoint start(
      PrometheusMeterRegistry registry, String bindAddress, PortRange ports) throws IOException {
    InetAddress host = InetAddress.getByName(bindAddress);
    for (int port = ports.from(); port <= ports.to(); port++) {
      HttpServer server;
      try {
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
      } catch (BindException taken) {
        continue;
      }
      ExecutorService executor =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "fleetlearn-metrics-http");
                t.setDaemon(true);
                return t;
              });
      server.createContext("/", exchange -> handle(exchange, registry));
      server.setExecutor(executor);
      server.start();
      return new MetricsEndpoint(server, executor);
    }
    throw new BindException("no free port in " + ports + " on " + bindAddress);
  }

  /** Like {@link #start} but empty, instead of an exception, when no port is free. */
  public static Optional<MetricsEndpoint> tryStart(
      PrometheusMeterRegistry registry, String bindAddress, PortRange ports) throws IOException {
    try {
      return Optional.of(start(registry, bindAddress, ports));
    } catch (BindException e) {
      return Optional.empty();
    }
  }

  private static void handle(HttpExchange exchange, PrometheusMeterRegistry registry)
      throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body;
      if (path.equals(PATH)) {
        body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      } else if (path.equals("/")) {
        body = "fleetlearn metrics: see /metrics\n".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      } else {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      if (method.equals("HEAD")) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** The address and port actually bound. */
  public InetSocketAddress address() {
    return address;
  }

  public int port() {
    return address.getPort();
  }

  /**
   * The scrape URL. For a wildcard bind address (0.0.0.0) it names the loopback address, which is
   * one of the addresses it listens on.
   */
  public String url() {
    InetAddress a = address.getAddress();
    String host =
        a.isAnyLocalAddress()
            ? InetAddress.getLoopbackAddress().getHostAddress()
            : a.getHostAddress();
    if (host.indexOf(':') >= 0) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + address.getPort() + PATH;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return url();
  }
}
