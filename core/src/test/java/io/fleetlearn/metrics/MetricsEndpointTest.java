package io.fleetlearn.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesTheRegistryInThePrometheusTextFormatOnLoopback() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Counter.builder("fleetlearn.test.things").register(registry).increment(3);
    try (MetricsEndpoint e = MetricsEndpoint.start(registry, "127.0.0.1", PortRange.parse("0"))) {
      assertTrue(e.address().getAddress().isLoopbackAddress());
      assertEquals("http://127.0.0.1:" + e.port() + "/metrics", e.url());
      HttpResponse<String> r = get(e.url());
      assertEquals(200, r.statusCode());
      assertEquals(
          MetricsEndpoint.CONTENT_TYPE, r.headers().firstValue("Content-Type").orElseThrow());
      assertTrue(r.body().contains("# TYPE fleetlearn_test_things_total counter"), r.body());
      assertTrue(r.body().contains("fleetlearn_test_things_total 3.0"), r.body());
      assertEquals(404, get("http://127.0.0.1:" + e.port() + "/other").statusCode());
      assertEquals(200, get("http://127.0.0.1:" + e.port() + "/").statusCode());
    }
  }

  @Test
  void takesTheFirstFreePortOfTheRangeAndFreesItOnClose() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    try (ServerSocket taken = new ServerSocket(0, 1, loopback)) {
      int first = taken.getLocalPort();
      if (first >= 65534) {
        return; // no room for a range after it; vanishingly rare
      }
      PortRange range = PortRange.of(first, first + 1);
      int bound;
      try (MetricsEndpoint e = MetricsEndpoint.start(registry, "127.0.0.1", range)) {
        bound = e.port();
        assertEquals(first + 1, bound, "the first port is taken, the next one is used");
        try (MetricsEndpoint second = MetricsEndpoint.start(registry, "127.0.0.1", range)) {
          throw new AssertionError("both ports are taken, yet bound " + second.port());
        } catch (BindException expected) {
          assertTrue(expected.getMessage().contains(range.toString()));
        }
        assertEquals(
            Optional.empty(),
            MetricsEndpoint.tryStart(registry, "127.0.0.1", range).map(MetricsEndpoint::port));
      }
      // Closed: the port can be bound again.
      try (ServerSocket again = new ServerSocket(bound, 1, loopback)) {
        assertNotEquals(0, again.getLocalPort());
      }
    }
  }

  @Test
  void refusesAnUnresolvableBindAddress() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    assertThrows(
        IOException.class,
        () -> MetricsEndpoint.start(registry, "no-such-host.invalid", PortRange.parse("0")));
  }
}
