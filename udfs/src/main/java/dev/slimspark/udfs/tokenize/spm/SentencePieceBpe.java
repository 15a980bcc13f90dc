package dev.slimspark.udfs.tokenize.spm;

import dev.slimspark.udfs.tokenize.TextTokenizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SentencePiece BPE with byte fallback (the Llama-2 tokenizer TinyLlama uses; Mistral's too) in
 * pure Java, id-for-id equal to SentencePiece and to the Hugging Face tokenizers library under
 * {@link TextTokenizer}'s contract. Reads {@code tokenizer.model} or {@code tokenizer.json}.
 *
 * <p>What it computes: the text with a U+2581 prepended (when the model adds a dummy prefix) and
 * every space replaced by U+2581, split into code points, then merged greedily: the adjacent pair
 * whose merge ranks first (highest piece score for a .model, earliest merge for a .json), the
 * leftmost among equals, until no pair merges; symbols that are no piece become their UTF-8 bytes'
 * {@code <0xNN>} pieces. Control-token text ({@code <s>}) in a document is ordinary text. A lone
 * surrogate (invalid UTF-16, which no UTF-8 tokenizer can see) is encoded as U+FFFD, the character
 * Java's own UTF-8 encoder substitutes. (DJL passes it as three invalid bytes, which the Rust
 * library turns into three U+FFFD: neither is SentencePiece's, whose input is valid UTF-8.)
 *
 * <p>How it is fast: the text is cut wherever two neighbouring characters occur together in no
 * piece ({@link Bigrams}; for Llama-2 that is before every space run, around newlines, between
 * digits and most CJK characters), which provably changes no id, and each part's ids come from a
 * per-thread cache of recent parts; parts not cached are merged with an array-backed binary heap
 * (O(n log n) in the part's length, so a 16M-character document costs 16x a 1M one). Nothing is
 * allocated per token; buffers and caches are reused per thread.
 *
 * <p>Memory: per thread, the part cache (3 MB) plus up to about 50 bytes per character of the
 * longest part being encoded (symbol arrays and the merge heap), dropped again after a text over
 * {@value #KEEP_SCRATCH_CHARS} characters. Risk: a text with no cut point at all (a 16M-character
 * run of one letter) needs that much once, about 800 MB for 16M characters.
 *
 * <p>Thread-safe: the model is immutable; each thread has its own scratch buffers and cache.
 */
public final class SentencePieceBpe implements TextTokenizer {
  private static final Logger LOG = LoggerFactory.getLogger(SentencePieceBpe.class);

  /** Parts longer than this are encoded without caching. */
  static final int MAX_CACHED_CHARS = 48;

  /**
   * Scratch arrays larger than this are dropped after use, so one huge part does not pin memory.
   */
  static final int KEEP_SCRATCH_CHARS = 1 << 20;

  private final BpeModel model;
  private final boolean dummyPrefix;
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

  private SentencePieceBpe(BpeModel model, boolean dummyPrefix) {
    this.model = model;
    this.dummyPrefix = dummyPrefix;
  }

  /** Loads a tokenizer.model or tokenizer.json file (told apart by content). */
  public static SentencePieceBpe load(Path file) throws IOException {
    return fromBytes(Files.readAllBytes(file), "sentencepiece:" + file);
  }

  /**
   * Builds the encoder from a file's contents: a SentencePiece ModelProto or a Hugging Face
   * tokenizer.json (starts with '{'). Throws IOException naming what is unsupported.
   */
  public static SentencePieceBpe fromBytes(byte[] contents, String name) throws IOException {
    long t0 = System.nanoTime();
    SentencePieceBpe t;
    if (looksLikeJson(contents)) {
      t = new SentencePieceBpe(HfBpeReader.read(contents, name), true);
    } else {
      SpmModelReader.Settings[] s = new SpmModelReader.Settings[1];
      BpeModel m = SpmModelReader.read(contents, name, s);
      t = new SentencePieceBpe(m, s[0].addDummyPrefix());
    }
    LOG.info(
        "Loaded tokenizer {}: {} ids, {} merges, in {} ms",
        name,
        t.model.vocabSize,
        t.model.merges.size(),
        (System.nanoTime() - t0) / 1_000_000);
    return t;
  }

  private static boolean looksLikeJson(byte[] b) {
    for (byte x : b) {
      if (x == '{') {
        return true;
      }
      if (x != ' '
          && x != '\n'
          && x != '\r'
          && x != '\t'
          && x != (byte) 0xEF
          && x != (byte) 0xBB
          && x != (byte) 0xBF) {
        return false;
      }
    }
    return false;
  }

  @Override
  public Encoded encodeCounted(String text) {
    if (text.isEmpty()) {
      return new Encoded(new int[0], 1);
    }
    Scratch s = scratch.get();
    s.outLen = 0;
    split(s, normalize(text, s));
    int[] ids = java.util.Arrays.copyOf(s.out, s.outLen);
    s.release();
    return new Encoded(ids, 1);
  }

  @Override
  public Encoded encodeUtf8(byte[] utf8, int off, int len) {
    if (len == 0) {
      return new Encoded(new int[0], 1);
    }
    Scratch s = scratch.get();
    int n = decodeUtf8(utf8, off, len, s);
    if (n < 0) {
      return encodeCounted(new String(utf8, off, len, StandardCharsets.UTF_8));
    }
    s.outLen = 0;
    split(s, n);
    int[] ids = java.util.Arrays.copyOf(s.out, s.outLen);
    s.release();
    return new Encoded(ids, 1);
  }

  /**
   * Decodes well-formed UTF-8 into {@code s.norm} after the dummy prefix and returns the length in
   * chars, or -1 at the first malformed sequence (overlong, surrogate, truncated, above U+10FFFF):
   * the caller then takes Java's decoder, whose U+FFFD replacement rules are the reference.
   */
  private int decodeUtf8(byte[] b, int off, int len, Scratch s) {
    int o = dummyPrefix ? 1 : 0;
    char[] norm = s.norm(len + o); // never more chars than bytes
    if (dummyPrefix) {
      norm[0] = '\u2581';
    }
    int i = off;
    int end = off + len;
    while (i < end) {
      int c = b[i];
      if (c >= 0) {
        norm[o++] = (char) c;
        i++;
      } else if ((c & 0xE0) == 0xC0 && c >= (byte) 0xC2 && i + 1 < end && cont(b[i + 1])) {
        norm[o++] = (char) (((c & 0x1F) << 6) | (b[i + 1] & 0x3F));
        i += 2;
      } else if ((c & 0xF0) == 0xE0 && i + 2 < end && cont(b[i + 1]) && cont(b[i + 2])) {
        int cp = ((c & 0x0F) << 12) | ((b[i + 1] & 0x3F) << 6) | (b[i + 2] & 0x3F);
        if (cp < 0x800 || Character.isSurrogate((char) cp)) {
          return -1;
        }
        norm[o++] = (char) cp;
        i += 3;
      } else if ((c & 0xF8) == 0xF0
          && i + 3 < end
          && cont(b[i + 1])
          && cont(b[i + 2])
          && cont(b[i + 3])) {
        int cp =
            ((c & 0x07) << 18)
                | ((b[i + 1] & 0x3F) << 12)
                | ((b[i + 2] & 0x3F) << 6)
                | (b[i + 3] & 0x3F);
        if (cp < 0x10000 || cp > Character.MAX_CODE_POINT) {
          return -1;
        }
        norm[o++] = Character.highSurrogate(cp);
        norm[o++] = Character.lowSurrogate(cp);
        i += 4;
      } else {
        return -1;
      }
    }
    return o;
  }

  private static boolean cont(byte x) {
    return (x & 0xC0) == 0x80;
  }

  /** Copies the text into {@code s.norm} after the dummy prefix; returns its length in chars. */
  private int normalize(String text, Scratch s) {
    int off = dummyPrefix ? 1 : 0;
    int len = text.length() + off;
    char[] norm = s.norm(len);
    if (dummyPrefix) {
      norm[0] = '\u2581';
    }
    text.getChars(0, text.length(), norm, off);
    return len;
  }

  /**
   * One pass over the text: spaces become U+2581, lone surrogates U+FFFD, and the text is cut where
   * no piece can span; each part is hashed on the way and encoded.
   */
  private void split(Scratch s, int len) {
    char[] norm = s.norm;
    Bigrams bigrams = model.bigrams;
    int start = 0;
    int prev = -1;
    int hash = PartCache.SEED;
    int i = 0;
    while (i < len) {
      char c = norm[i];
      int cp = c;
      if (c == ' ') {
        cp = '\u2581';
        norm[i] = '\u2581';
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(norm[i + 1])) {
          cp = Character.toCodePoint(c, norm[i + 1]);
        } else {
          cp = '\uFFFD';
          norm[i] = '\uFFFD';
        }
      }
      if (prev >= 0 && !bigrams.contains(prev, cp)) {
        part(s, start, i, PartCache.finish(hash));
        start = i;
        hash = PartCache.SEED;
      }
      hash = PartCache.mix(hash, norm[i]);
      if (cp >= 0x10000) {
        hash = PartCache.mix(hash, norm[i + 1]);
        i += 2;
      } else {
        i++;
      }
      prev = cp;
    }
    part(s, start, len, PartCache.finish(hash));
  }

  private void part(Scratch s, int from, int to, int hash) {
    if (to - from > MAX_CACHED_CHARS) {
      bpe(s, from, to);
      return;
    }
    if (s.cache.appendIfPresent(s.norm, from, to, hash, s)) {
      return;
    }
    int before = s.outLen;
    bpe(s, from, to);
    s.cache.put(s.norm, from, to, hash, s.out, before, s.outLen - before);
  }

  /** Greedy BPE over one part; appends its ids to {@code s.out}. */
  private void bpe(Scratch s, int from, int to) {
    int n = s.symbols(from, to, model);
    if (n == 1) {
      emit(s, 0);
      return;
    }
    int[] id = s.id;
    int[] next = s.next;
    int[] prevSym = s.prev;
    for (int k = 0; k < n - 1; k++) {
      pushPair(s, k);
    }
    while (s.heapSize > 0) {
      long top = s.pop();
      int left = (int) top;
      if (s.end[left] < 0 || s.rank[left] != (int) (top >>> 32)) {
        continue; // stale: the pair changed since it was queued
      }
      int right = next[left];
      id[left] = s.merged[left];
      s.end[left] = s.end[right];
      s.end[right] = -1;
      int after = next[right];
      next[left] = after;
      if (after >= 0) {
        prevSym[after] = left;
      }
      if (prevSym[left] >= 0) {
        pushPair(s, prevSym[left]);
      }
      pushPair(s, left);
    }
    for (int k = 0; k >= 0; k = next[k]) {
      emit(s, k);
    }
  }

  /** Queues the pair (k, next of k) if it merges, recording its rank and result on k. */
  private void pushPair(Scratch s, int k) {
    int right = s.next[k];
    int a = s.id[k];
    int b = right < 0 ? -1 : s.id[right];
    if (a < 0 || b < 0) {
      s.rank[k] = -1;
      return;
    }
    long v = model.merges.get(a, b);
    if (v == MergeTable.ABSENT) {
      s.rank[k] = -1;
      return;
    }
    int rank = (int) (v >>> 32);
    s.rank[k] = rank;
    s.merged[k] = (int) v;
    s.push(((long) rank << 32) | k);
  }

  private void emit(Scratch s, int k) {
    int id = s.id[k];
    if (id >= 0 && id < model.vocabSize) {
      s.add(id);
      return;
    }
    // Byte fallback: a single code point that is no piece.
    int from = s.start[k];
    int cp = Character.codePointAt(s.norm, from, s.end[k]);
    int[] bytes = model.byteIds;
    if (cp < 0x80) {
      s.add(bytes[cp]);
    } else if (cp < 0x800) {
      s.add(bytes[0xC0 | (cp >> 6)]);
      s.add(bytes[0x80 | (cp & 0x3F)]);
    } else if (cp < 0x10000) {
      s.add(bytes[0xE0 | (cp >> 12)]);
      s.add(bytes[0x80 | ((cp >> 6) & 0x3F)]);
      s.add(bytes[0x80 | (cp & 0x3F)]);
    } else {
      s.add(bytes[0xF0 | (cp >> 18)]);
      s.add(bytes[0x80 | ((cp >> 12) & 0x3F)]);
      s.add(bytes[0x80 | ((cp >> 6) & 0x3F)]);
      s.add(bytes[0x80 | (cp & 0x3F)]);
    }
  }

  @Override
  public String decode(int[] ids) {
    StringBuilder sb = new StringBuilder();
    ByteArrayOutputStream pending = new ByteArrayOutputStream();
    for (int id : ids) {
      int b = byteOf(id);
      if (b >= 0) {
        pending.write(b);
        continue;
      }
      if (pending.size() > 0) {
        sb.append(new String(pending.toByteArray(), StandardCharsets.UTF_8));
        pending.reset();
      }
      if (id >= 0 && id < model.vocabSize) {
        sb.append(model.pieces[id].replace('\u2581', ' '));
      }
    }
    if (pending.size() > 0) {
      sb.append(new String(pending.toByteArray(), StandardCharsets.UTF_8));
    }
    if (dummyPrefix && sb.length() > 0 && sb.charAt(0) == ' ') {
      sb.deleteCharAt(0);
    }
    return sb.toString();
  }

  private int byteOf(int id) {
    return id < 0 || id >= model.vocabSize ? -1 : model.byteValue[id];
  }

  @Override
  public int vocabSize() {
    return model.vocabSize;
  }

  @Override
  public OptionalInt tokenId(String token) {
    Integer id = model.ids.get(token);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  @Override
  public String name() {
    return model.name;
  }

  @Override
  public void close() {
    // Nothing native; per-thread scratch goes with its thread.
  }

  @Override
  public String toString() {
    return model.name;
  }
}
