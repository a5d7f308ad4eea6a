package io.fleetlearn.pipeline;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.transforms.DoFn;

/**
 * A fault drill: passes its input through unchanged, and throws once when this JVM has seen {@code
 * after} elements, so that the runner fails the job and restores it from its last checkpoint.
 *
 * <p>"Once" is recorded in a marker file, created atomically before the throw: whichever instance
 * creates it throws, and none throws while it exists, so the restarted job (which replays the
 * elements since the checkpoint) runs on. The count is per JVM and marker, across all instances and
 * restarts of the job in that JVM.
 */
public final class FailOnceFn<T> extends DoFn<T, T> {
  private static final Map<String, AtomicLong> SEEN = new ConcurrentHashMap<>();

  private final long after;
  private final String marker;

  /**
   * @param after elements to pass before failing (at least 1)
   * @param marker the file that records the failure
   */
  public FailOnceFn(long after, String marker) {
    if (after < 1) {
      throw new IllegalArgumentException("fail after at least 1 element, not " + after);
    }
    if (marker == null || marker.isBlank()) {
      throw new IllegalArgumentException("a fault drill needs a marker file (--failOnceMarker)");
    }
    this.after = after;
    this.marker = marker;
  }

  @ProcessElement
  public void process(@Element T element, OutputReceiver<T> out) throws IOException {
    failIfDue();
    out.output(element);
  }

  /** Counts one element; throws {@link InjectedFailure} if it is the one to fail on. */
  void failIfDue() throws IOException {
    long seen = SEEN.computeIfAbsent(marker, m -> new AtomicLong()).incrementAndGet();
    if (seen < after || Files.exists(Path.of(marker))) {
      return;
    }
    try {
      Files.createFile(Path.of(marker));
    } catch (FileAlreadyExistsException e) {
      return; // another instance failed first
    }
    throw new InjectedFailure(
        "fault drill: injected failure after " + seen + " elements (marker " + marker + ")");
  }

  /** The failure a fault drill throws. */
  public static final class InjectedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedFailure(String message) {
      super(message);
    }
  }
}
