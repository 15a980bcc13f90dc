package dev.slimspark.cli;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.sample.SampleCorpusGenerator;
import java.util.Set;

/**
 * The sample corpus {@code slimspark demo} generates: the only reader of the {@code demo.*} keys.
 *
 * @param docs valid documents in the corpus (planted bad lines come on top); the demo's run time
 *     grows with it
 * @param shards files the corpus is split into
 * @param seed seed of the generator: the same seed gives the same corpus, byte for byte
 */
record DemoOptions(int docs, int shards, long seed) {
  static final int DEFAULT_DOCS = 2000;
  static final int DEFAULT_SHARDS = 4;
  static final long DEFAULT_SEED = 42;

  /**
   * The keys under {@code demo} this class reads: every key of that section in the defaults file.
   */
  static final Set<String> KEYS = Set.of("docs", "shards", "seed");

  static DemoOptions from(SlimConfig c) {
    return new DemoOptions(c.getInt("demo.docs"), c.getInt("demo.shards"), c.getInt("demo.seed"));
  }

  /** The generator's options: these three, its own defaults for the rest. */
  SampleCorpusGenerator.Options generator() {
    return SampleCorpusGenerator.Options.of(docs, shards, seed);
  }
}
