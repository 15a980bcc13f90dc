package dev.slimspark.jobs.tokenize;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.decon.DeconOptions;
import dev.slimspark.lake.Table;
import dev.slimspark.udfs.tokenize.Tokenizers;

/**
 * The validated {@code tokenize.*} settings; the only reader of those keys. Each DEFAULT_ constant
 * equals slimspark-defaults.conf (checked by TokenizeOptionsTest), which explains every key. The
 * tokenizer file itself is checked when the stage resolves it, on the driver.
 *
 * @param inputTable table to tokenize (rows with kept = false are skipped where it has that column)
 * @param kind tokenizer kind, one of {@link Tokenizers#KINDS}
 * @param path local tokenizer file or directory; unused by jtokkit-gpt2. Never a hub id: nothing is
 *     downloaded
 * @param bos token before every document as the vocabulary spells it; "" = none
 * @param eos token after every document; "" = none. Risk: a trainer expecting another boundary
 *     policy sees documents run together
 * @param chunkChars hf only: longer documents are encoded in pieces split between words, ids
 *     identical to one call; 0 = never split
 */
public record TokenizeOptions(
    String inputTable, String kind, String path, String bos, String eos, int chunkChars) {
  /** Dedup's output: the default pipeline tokenizes deduplicated documents. */
  public static final String DEFAULT_INPUT_TABLE = Table.DOCS_DEDUP.id();

  /** GPT-2 through JTokkit needs no file. */
  public static final String DEFAULT_KIND = Tokenizers.JTOKKIT_GPT2;

  public static final String DEFAULT_PATH = "";
  public static final String DEFAULT_BOS = "";

  /** GPT-2 style: a document ends with <|endoftext|>. */
  public static final String DEFAULT_EOS = "<|endoftext|>";

  /** The Rust tokenizer slows down on very long inputs; 64 Ki chars keeps it linear. */
  public static final int DEFAULT_CHUNK_CHARS = 65536;

  public TokenizeOptions {
    if (chunkChars < 0) {
      throw UserErrors.badConfigValue(
          "tokenize.chunk_chars",
          String.valueOf(chunkChars),
          "0 (no splitting) or a positive number of characters");
    }
  }

  public static TokenizeOptions defaults() {
    return new TokenizeOptions(
        DEFAULT_INPUT_TABLE,
        DEFAULT_KIND,
        DEFAULT_PATH,
        DEFAULT_BOS,
        DEFAULT_EOS,
        DEFAULT_CHUNK_CHARS);
  }

  /** The tokenize.* keys of {@code c}; an unknown kind or a negative chunk size is a user error. */
  public static TokenizeOptions from(SlimConfig c) {
    String kind = c.getEnum("tokenize.tokenizer.kind", Tokenizers.KINDS);
    int chunkChars = c.getInt("tokenize.chunk_chars");
    // Decontamination's output replaces dedup's when eval sets are configured.
    String input = DeconOptions.docsTable(c.getString("tokenize.input_table"), c);
    return new TokenizeOptions(
        input,
        kind,
        c.getString("tokenize.tokenizer.path"),
        c.getString("tokenize.bos"),
        c.getString("tokenize.eos"),
        chunkChars);
  }
}
