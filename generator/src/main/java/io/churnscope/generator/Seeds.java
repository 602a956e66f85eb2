package io.churnscope.generator;

import java.util.SplittableRandom;

/**
 * Deterministic random streams: every generator is seeded from (run seed, stream, entity, day), never
 * from the clock or from the iteration order of a hash map, so that the same parameters give the
 * same raw files whatever the number of tasks or their order.
 */
final class Seeds {
  // One constant per independent stream of draws; changing one changes only that stream.
  static final long ACCOUNT = 0x1001;
  static final long LIFECYCLE = 0x1002;
  static final long USER = 0x1003;
  static final long USAGE = 0x1004;
  static final long BAD_USAGE = 0x1005;
  static final long EXTRACTS = 0x1006;
  static final long BILLING_BAD = 0x1007;
  static final long FX = 0x1008;
  static final long CRM = 0x1009;
  static final long SUPPORT = 0x100a;
  static final long SURVEY = 0x100b;
  static final long MOVES = 0x100c;
  static final long DISTRESS = 0x100d;
  static final long POOL = 0x100e;

  private Seeds() {}

  static SplittableRandom random(long seed, long stream, long entity, long day) {
    return new SplittableRandom(hash(seed, stream, entity, day));
  }

  static long hash(long seed, long stream, long entity, long day) {
    long h = mix(seed ^ 0x9E3779B97F4A7C15L);
    h = mix(h ^ stream);
    h = mix(h ^ entity);
    return mix(h ^ day);
  }

  /** SplitMix64's finalizer: a bijective 64-bit mix. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
