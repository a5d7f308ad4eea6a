package io.fleetlearn.dataset;

import static io.fleetlearn.dataset.WindowSampleTest.canonical;
import static io.fleetlearn.dataset.WindowSampleTest.events;
import static io.fleetlearn.dataset.WindowSampleTest.sampleOf;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fleetlearn.event.SensorEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.testing.CombineFnTester;
import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;
import org.junit.jupiter.api.Test;

/**
 * {@link CollectTrainingSetCombineFn} through Beam's {@link CombineFnTester}, which shards the
 * input, merges accumulators in several orders and compares the output.
 *
 * <p>{@link WindowSample#equals} compares the heap arrays position by position, so two samples with
 * the same rows in a different heap layout are not equal; the tester is therefore given a matcher
 * on the layout-independent form (counts plus sorted rows) rather than an expected value.
 */
class CollectTrainingSetCombineFnTest {

  static Matcher<WindowSample> sameSampleAs(WindowSample expected) {
    String want = canonical(expected);
    return new TypeSafeMatcher<>() {
      @Override
      protected boolean matchesSafely(WindowSample actual) {
        return want.equals(canonical(actual));
      }

      @Override
      public void describeTo(Description d) {
        d.appendText("a sample with the same counts and rows as " + expected);
      }
    };
  }

  @Test
  void combinesToTheSampleOfAllInputsHoweverShardedAndMerged() {
    List<SensorEvent> input = events(1000);
    CollectTrainingSetCombineFn fn = new CollectTrainingSetCombineFn(4, 64);
    CombineFnTester.testCombineFn(fn, input, sameSampleAs(sampleOf(input, 64)));
  }

  @Test
  void combinesInputSmallerThanCapacityAndEmptyInput() {
    CollectTrainingSetCombineFn fn = new CollectTrainingSetCombineFn(4, 64);
    List<SensorEvent> few = events(10);
    CombineFnTester.testCombineFn(fn, few, sameSampleAs(sampleOf(few, 64)));
    CombineFnTester.testCombineFn(fn, List.of(), sameSampleAs(new WindowSample(4, 64)));
  }

  @Test
  void mergeAccumulatorsIsOrderIndependent() {
    List<SensorEvent> input = events(2000);
    CollectTrainingSetCombineFn fn = new CollectTrainingSetCombineFn(4, 100);
    String expected = canonical(sampleOf(input, 100));
    Random rnd = new Random(3);
    for (int round = 0; round < 10; round++) {
      List<WindowSample> accs = new ArrayList<>();
      for (int p = 0; p < 6; p++) {
        accs.add(fn.createAccumulator());
      }
      for (SensorEvent e : input) {
        int p = rnd.nextInt(accs.size());
        accs.set(p, fn.addInput(accs.get(p), e));
      }
      Collections.shuffle(accs, rnd);
      WindowSample out = fn.extractOutput(fn.mergeAccumulators(accs));
      assertEquals(expected, canonical(out), "round " + round);
    }
  }

  @Test
  void mergingNoAccumulatorsGivesAnEmptySample() {
    CollectTrainingSetCombineFn fn = new CollectTrainingSetCombineFn(4, 7);
    WindowSample out = fn.mergeAccumulators(List.of());
    assertEquals(0, out.seen());
    assertEquals(7, out.capacity());
    assertEquals(4, out.dim());
  }
}
