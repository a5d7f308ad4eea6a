package io.fleetlearn.pipeline;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailOnceFnTest {
  @TempDir Path dir;

  @Test
  void throwsAtTheNthElementOnceAndNeverAgain() throws Exception {
    Path marker = dir.resolve("marker");
    FailOnceFn<String> a = new FailOnceFn<>(3, marker.toString());
    FailOnceFn<String> b = new FailOnceFn<>(3, marker.toString());
    a.failIfDue();
    b.failIfDue();
    assertThrows(FailOnce.InjectedFailure.class, a::failIfDue);
    assertTrue(Files.exists(marker), "the failure is recorded");
    // The restarted job replays the element and goes on: no second failure, in any instance.
    a.failIfDue();
    b.failIfDue();
    b.failIfDue();
  }

  @Test
  void refusesADrillWithoutAMarker() {
    assertThrows(IllegalArgumentException.class, () -> new FailOnceFn<String>(1, ""));
    assertThrows(IllegalArgumentException.class, () -> new FailOnceFn<String>(0, "m"));
  }
}
