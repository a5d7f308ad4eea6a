package io.fleetlearn.pipeline;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mechanism of the fault drills: counts events of one kind in this JVM and throws {@link
 * InjectedFailure} once, at the {@code after}-th, so that the runner fails the job and restores it
 * from its last checkpoint.
 *
 * <p>"Once" is recorded in a marker file, created atomically before the throw: whichever instance
 * creates it throws, and none throws while it exists, so the restarted job (which replays what
 * happened since the checkpoint) runs on. The count is per JVM, marker and kind, across all
 * instances and restarts of the job in that JVM.
 */
public final class FailOnce implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Map<String, AtomicLong> SEEN = new ConcurrentHashMap<>();

  private final long after;
  private final String marker;
  private final String kind;

  /**
   * @param after events to let pass before failing (at least 1)
   * @param marker the file that records the failure
   * @param kind what is counted (elements, commits), for the count and the message
   */
  public FailOnce(long after, String marker, String kind) {
    if (after < 1) {
      throw new IllegalArgumentException("fail after at least 1 " + kind + ", not " + after);
    }
    if (marker == null || marker.isBlank()) {
      throw new IllegalArgumentException("a fault drill needs a marker file (--failOnceMarker)");
    }
    this.after = after;
    this.marker = marker;
    this.kind = kind;
  }

  /** Counts one event; throws {@link InjectedFailure} if it is the one to fail on. */
  public void countAndFailIfDue() {
    long seen =
        SEEN.computeIfAbsent(marker + "\u0000" + kind, m -> new AtomicLong()).incrementAndGet();
    if (seen < after || Files.exists(Path.of(marker))) {
      return;
    }
    try {
      Files.createFile(Path.of(marker));
    } catch (FileAlreadyExistsException e) {
      return; // another instance failed first
    } catch (IOException e) {
      throw new UncheckedIOException("fault drill: cannot create the marker " + marker, e);
    }
    throw new InjectedFailure(
        "fault drill: injected failure after " + seen + " " + kind + " (marker " + marker + ")");
  }

  /** The failure a fault drill throws. */
  public static final class InjectedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedFailure(String message) {
      super(message);
    }
  }
}
