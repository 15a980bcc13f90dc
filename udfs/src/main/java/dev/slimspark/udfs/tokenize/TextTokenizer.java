package dev.slimspark.udfs.tokenize;

import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/**
 * A tokenizer as the pipeline needs it: text to ids and back, nothing else.
 *
 * <p>Semantics shared by every implementation:
 *
 * <ul>
 *   <li>{@link #encode} adds no special tokens (no BOS/EOS, no template); document boundaries are
 *       the caller's policy.
 *   <li>The text of special tokens that appears <em>inside</em> a document (e.g. a literal {@code
 *       <|endoftext|>} or {@code <s>}) is encoded as ordinary text, as tiktoken's {@code
 *       encode_ordinary} and SentencePiece do, so that documents cannot inject false boundaries.
 *   <li>Nothing is truncated: every character of the input is encoded.
 * </ul>
 *
 * <p>Implementations are thread-safe: one instance per JVM is shared by every task thread (see
 * {@link Tokenizers}).
 */
public interface TextTokenizer extends Closeable {
  /** Token ids of {@code text}, no special tokens added, never truncated. */
  default int[] encode(String text) {
    return encodeCounted(text).ids();
  }

  /**
   * Like {@link #encode}, also saying how many native encode calls (chunks) were needed. Long texts
   * may be encoded in pieces split at token-safe whitespace, with ids identical to one call.
   */
  Encoded encodeCounted(String text);

  /**
   * {@link #encodeCounted} of the UTF-8 text {@code utf8[off, off + len)}, with the ids the String
   * decoded from those bytes would give (malformed bytes become U+FFFD, as in {@code new
   * String(bytes, UTF_8)}). The default decodes into a String; an implementation may read the bytes
   * in place, saving the String a Spark task would otherwise allocate per document.
   */
  default Encoded encodeUtf8(byte[] utf8, int off, int len) {
    return encodeCounted(new String(utf8, off, len, StandardCharsets.UTF_8));
  }

  /** Text of {@code ids} (special tokens included as their text). */
  String decode(int[] ids);

  /** Number of ids the tokenizer can produce (vocabulary plus added tokens). */
  int vocabSize();

  /**
   * Id of a token given by its vocabulary string (e.g. "&lt;s&gt;", "&lt;|endoftext|&gt;"), if
   * present.
   */
  OptionalInt tokenId(String token);

  /** Short human name for logs and summaries, e.g. "hf:/path/tokenizer.json". */
  String name();

  /** Releases native resources, if any. Idempotent. */
  @Override
  void close();

  /** Ids of one text and how many encode calls produced them (1 unless the text was split). */
  record Encoded(int[] ids, int chunks) {}
}
