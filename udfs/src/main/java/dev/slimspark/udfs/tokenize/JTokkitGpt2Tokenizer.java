package dev.slimspark.udfs.tokenize;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.util.OptionalInt;

/**
 * GPT-2's byte-level BPE (tiktoken's {@code r50k_base}) in pure Java via JTokkit: no native code,
 * no file (the ranks ship in the JTokkit jar). Token-identical to GPT-2's Hugging Face {@code
 * tokenizer.json} under {@link TextTokenizer}'s contract (tested on a varied multi-MB sample);
 * LiteLlama uses this vocabulary.
 *
 * <p>{@link #tokenId} knows {@code <|endoftext|>} (50256) and any string that encodes to exactly
 * one token, given as text (" the"), not in Hugging Face's byte-level spelling ("Ġthe").
 * Thread-safe (JTokkit encodings are immutable).
 */
public final class JTokkitGpt2Tokenizer implements TextTokenizer {
  /** GPT-2's end-of-text token and its id. */
  public static final String END_OF_TEXT = "<|endoftext|>";

  public static final int END_OF_TEXT_ID = 50256;

  private final Encoding encoding =
      Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);

  @Override
  public Encoded encodeCounted(String text) {
    // encodeOrdinary: special-token text inside a document is plain text (encode() would throw).
    return new Encoded(encoding.encodeOrdinary(text).toArray(), 1);
  }

  @Override
  public String decode(int[] ids) {
    IntArrayList l = new IntArrayList(ids.length);
    for (int id : ids) {
      l.add(id);
    }
    return encoding.decode(l);
  }

  @Override
  public int vocabSize() {
    return END_OF_TEXT_ID + 1;
  }

  @Override
  public OptionalInt tokenId(String token) {
    if (END_OF_TEXT.equals(token)) {
      return OptionalInt.of(END_OF_TEXT_ID);
    }
    if (token.isEmpty()) {
      return OptionalInt.empty();
    }
    IntArrayList ids = encoding.encodeOrdinary(token);
    return ids.size() == 1 ? OptionalInt.of(ids.get(0)) : OptionalInt.empty();
  }

  @Override
  public String name() {
    return "jtokkit-gpt2";
  }

  @Override
  public void close() {
    // Nothing native to release.
  }

  @Override
  public String toString() {
    return name();
  }
}
