package io.fleetlearn.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Splits a retraining run's latency into its stages by sampling the pipeline's own counters in this
 * JVM every few milliseconds: when the first and the last window pane fired (training starts right
 * after), and when the registry had decided every machine.
 */
final class PhaseClock implements AutoCloseable {
  private final MeterRegistry registry;
  private final long expected;
  private final double closedBase;
  private final double decidedBase;
  private final Thread thread;
  private volatile boolean stop;
  volatile long firstClosedNanos;
  volatile long allClosedNanos;
  volatile long allDecidedNanos;

  PhaseClock(MeterRegistry registry, long expected) {
    this.registry = registry;
    this.expected = expected;
    this.closedBase = sum("fleetlearn.windows.closed");
    this.decidedBase = sum("fleetlearn.model.decisions");
    thread = new Thread(this::sample, "bench-phase-clock");
    thread.setDaemon(true);
    thread.start();
  }

  private double sum(String name) {
    double s = 0;
    for (Counter c : registry.find(name).counters()) {
      s += c.count();
    }
    return s;
  }

  private void sample() {
    while (!stop && allDecidedNanos == 0) {
      double closed = sum("fleetlearn.windows.closed") - closedBase;
      double decided = sum("fleetlearn.model.decisions") - decidedBase;
      long now = System.nanoTime();
      if (firstClosedNanos == 0 && closed > 0) {
        firstClosedNanos = now;
      }
      if (allClosedNanos == 0 && closed >= expected) {
        allClosedNanos = now;
      }
      if (decided >= expected) {
        allDecidedNanos = now;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.join(1000);
  }
}
