package io.fleetlearn.sim;

/**
 * A small SplitMix64 generator with a Gaussian on top.
 *
 * <p>The simulator promises the same bytes for the same seed on every JVM, so it cannot lean on
 * {@code java.util.SplittableRandom} or {@code RandomGenerator.nextGaussian()}, whose algorithms
 * are not part of their specification. Everything here is spelled out, and the Gaussian uses {@link
 * StrictMath} so its results do not depend on the platform's intrinsics. Not thread-safe.
 */
final class SplitMix64 {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private long state;
  private double spareGaussian;
  private boolean hasSpareGaussian;

  SplitMix64(long seed) {
    this.state = seed;
  }

  long nextLong() {
    long z = (state += GOLDEN_GAMMA);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, 1) with 53 random bits. */
  double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  double uniform(double low, double high) {
    return low + (high - low) * nextDouble();
  }

  /** Uniform in [0, bound), without the modulo bias (rejection sampling). */
  int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive: " + bound);
    }
    // 2^64 mod bound: the values above 2^64 - rem would favour the low residues.
    long rem = (Long.remainderUnsigned(-1L, bound) + 1) % bound;
    long r;
    do {
      r = nextLong();
    } while (Long.compareUnsigned(r, -1L - rem) > 0);
    return (int) Long.remainderUnsigned(r, bound);
  }

  /** Standard normal by Marsaglia's polar method. */
  double nextGaussian() {
    if (hasSpareGaussian) {
      hasSpareGaussian = false;
      return spareGaussian;
    }
    double u;
    double v;
    double s;
    do {
      u = 2 * nextDouble() - 1;
      v = 2 * nextDouble() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    double factor = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
    spareGaussian = v * factor;
    hasSpareGaussian = true;
    return u * factor;
  }
}
