package dev.slimspark.udfs.tokenize;

import dev.slimspark.udfs.tokenize.spm.SentencePieceBpe;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One tokenizer instance per JVM (executor or driver) for each {@link Spec}, built on first use and
 * shared by every task thread; never one per row or per task (loading a tokenizer.json takes about
 * a second and the native library holds tens of MB). Instances live until the JVM exits.
 *
 * <p>Thread-safe: concurrent first calls for the same spec build it once (the others wait); the
 * returned tokenizers are themselves thread-safe.
 */
public final class Tokenizers {
  /** Config name of the Hugging Face tokenizer.json kind. */
  public static final String HF = "hf";

  /** Config name of the pure-Java GPT-2 kind. */
  public static final String JTOKKIT_GPT2 = "jtokkit-gpt2";

  /**
   * Config name of the pure-Java SentencePiece-BPE kind (Llama-2/TinyLlama, Mistral): a
   * tokenizer.model or tokenizer.json, encoded by {@link SentencePieceBpe}.
   */
  public static final String SENTENCEPIECE = "sentencepiece";

  /** Every kind, as the config names them. */
  public static final String[] KINDS = {SENTENCEPIECE, HF, JTOKKIT_GPT2};

  private static final Map<Spec, TextTokenizer> CACHE = new ConcurrentHashMap<>();

  private Tokenizers() {}

  /**
   * What identifies a tokenizer: its kind (one of {@link #KINDS}), the path it was configured with
   * (unused by jtokkit-gpt2), a fingerprint of the file contents (so an edited file is a new
   * tokenizer even at the same path), and the chunk size for long texts.
   */
  public record Spec(String kind, String path, String fingerprint, int chunkChars)
      implements Serializable {
    public Spec {
      if (!java.util.Arrays.asList(KINDS).contains(kind)) {
        throw new IllegalArgumentException(
            "unknown tokenizer kind '" + kind + "' (" + String.join(", ", KINDS) + ")");
      }
    }

    /** A spec for a local tokenizer.json, fingerprinted now. */
    public static Spec hf(Path tokenizerJson, int chunkChars) {
      try {
        return new Spec(
            HF,
            tokenizerJson.toString(),
            Tokenizers.fingerprint(Files.readAllBytes(tokenizerJson)),
            chunkChars);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** A local tokenizer.model or tokenizer.json for the pure-Java SentencePiece-BPE encoder. */
    public static Spec sentencePiece(Path file) {
      try {
        return new Spec(
            SENTENCEPIECE, file.toString(), Tokenizers.fingerprint(Files.readAllBytes(file)), 0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The GPT-2 tokenizer shipped in JTokkit's jar. */
    public static Spec jtokkitGpt2() {
      return new Spec(JTOKKIT_GPT2, "", "r50k_base", 0);
    }
  }

  /** The JVM's tokenizer for {@code spec}, loading the file at {@code spec.path()} on first use. */
  public static TextTokenizer get(Spec spec) {
    return get(
        spec,
        () -> {
          try {
            return Files.readAllBytes(Path.of(spec.path()));
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer " + spec.path(), e);
          }
        });
  }

  /**
   * The JVM's tokenizer for {@code spec}; on first use a file-based tokenizer is built from {@code
   * contents} (e.g. a Spark broadcast of the driver's file, so executors need no copy of it).
   */
  public static TextTokenizer get(Spec spec, Supplier<byte[]> contents) {
    return CACHE.computeIfAbsent(spec, s -> create(s, contents));
  }

  private static TextTokenizer create(Spec s, Supplier<byte[]> contents) {
    if (JTOKKIT_GPT2.equals(s.kind())) {
      return new JTokkitGpt2Tokenizer();
    }
    try {
      if (SENTENCEPIECE.equals(s.kind())) {
        return SentencePieceBpe.fromBytes(contents.get(), "sentencepiece:" + s.path());
      }
      return HfTokenizer.fromJson(contents.get(), "hf:" + s.path(), s.chunkChars());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load tokenizer " + s.path(), e);
    }
  }

  /** How many tokenizers this JVM holds (for tests: proves reuse). */
  public static int cachedCount() {
    return CACHE.size();
  }

  /** SHA-256 of the bytes, first 16 hex chars. */
  public static String fingerprint(byte[] bytes) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 8; i++) {
        sb.append(String.format("%02x", d[i]));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
