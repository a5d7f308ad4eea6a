package io.fleetlearn.sim;

import java.time.Clock;

/**
 * The clock and the sleep of the {@link SimulatorRunner}, together, so a test can run the real-time
 * loop on a simulated clock that advances when the runner sleeps.
 */
public interface TimeSource {
  /** The current time in epoch millis. */
  long millis();

  /** Waits about this many milliseconds (always called with a positive value). */
  void sleep(long millis) throws InterruptedException;

  /** The system clock in UTC and {@link Thread#sleep}. */
  static TimeSource system() {
    return of(Clock.systemUTC());
  }

  /** This clock and {@link Thread#sleep}. */
  static TimeSource of(Clock clock) {
    return new TimeSource() {
      @Override
      public long millis() {
        return clock.millis();
      }

      @Override
      public void sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
      }
    };
  }
}
