package dev.slimspark.jobs.tokenize;

import dev.slimspark.errors.UserErrors;
import dev.slimspark.udfs.tokenize.TextTokenizer;
import dev.slimspark.udfs.tokenize.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The driver's side of the tokenizer: the configured file found, read and checked before any task
 * runs (a hub id is never fetched), loaded once, and BOS/EOS token strings turned into ids. Every
 * mistake is a user error naming the key to fix.
 */
final class TokenizerSetup {
  private TokenizerSetup() {}

  /** The configured tokenizer and the contents executors load it from (null for jtokkit-gpt2). */
  record Resolved(Tokenizers.Spec spec, byte[] contents) {}

  /**
   * Validates tokenize.tokenizer.* on the driver: kind known, file present (a hub id is never
   * fetched), and returns the spec with its file contents. A directory path means its
   * tokenizer.json (hf), or its tokenizer.model, else tokenizer.json (sentencepiece).
   */
  static Resolved resolveTokenizer(TokenizeOptions o) {
    String kind = o.kind();
    int chunkChars = o.chunkChars();
    if (kind.equals(Tokenizers.JTOKKIT_GPT2)) {
      return new Resolved(Tokenizers.Spec.jtokkitGpt2(), null);
    }
    boolean spm = kind.equals(Tokenizers.SENTENCEPIECE);
    String files = spm ? "tokenizer.model or tokenizer.json" : "tokenizer.json";
    String configured = o.path();
    if (configured.isBlank()) {
      throw UserErrors.of(
          "No tokenizer file is configured.",
          "tokenize.tokenizer.kind = \""
              + kind
              + "\" needs tokenize.tokenizer.path, the local path of a "
              + files
              + ".",
          "Set --set tokenize.tokenizer.path=/path/to/"
              + (spm ? "tokenizer.model" : "tokenizer.json")
              + ", or use tokenize.tokenizer.kind=jtokkit-gpt2 for GPT-2.");
    }
    Path p = tokenizerFile(Path.of(configured), spm);
    if (!Files.isRegularFile(p)) {
      boolean looksLikeHubId =
          !configured.startsWith("/")
              && !configured.startsWith(".")
              && !configured.endsWith(".json")
              && !configured.endsWith(".model")
              && configured.chars().filter(ch -> ch == '/').count() <= 1;
      throw UserErrors.of(
          "Tokenizer file not found: " + p + ".",
          looksLikeHubId
              ? "'"
                  + configured
                  + "' looks like a Hugging Face hub id; slimspark never downloads models or tokenizers."
              : "tokenize.tokenizer.path must name a local "
                  + files
                  + " (or a directory holding one) readable on the driver.",
          "Download the file first, e.g. `huggingface-cli download "
              + (looksLikeHubId ? configured : "ORG/MODEL")
              + " "
              + (spm ? "tokenizer.model" : "tokenizer.json")
              + " --local-dir DIR`, then --set tokenize.tokenizer.path=DIR.");
    }
    try {
      byte[] bytes = Files.readAllBytes(p);
      String path = p.toAbsolutePath().toString();
      Tokenizers.Spec spec =
          new Tokenizers.Spec(kind, path, Tokenizers.fingerprint(bytes), spm ? 0 : chunkChars);
      return new Resolved(spec, bytes);
    } catch (IOException e) {
      throw UserErrors.of(
          "Tokenizer file " + p + " cannot be read.",
          e.toString(),
          "Check the file's permissions.");
    }
  }

  private static Path tokenizerFile(Path p, boolean spm) {
    if (!Files.isDirectory(p)) {
      return p;
    }
    if (spm && Files.isRegularFile(p.resolve("tokenizer.model"))) {
      return p.resolve("tokenizer.model");
    }
    return p.resolve("tokenizer.json");
  }

  /** The driver's tokenizer; a file the kind cannot load is a user error naming why. */
  static TextTokenizer load(Resolved r) {
    try {
      return r.contents() == null
          ? Tokenizers.get(r.spec())
          : Tokenizers.get(r.spec(), r::contents);
    } catch (java.io.UncheckedIOException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw UserErrors.of(
          "Tokenizer file "
              + r.spec().path()
              + " cannot be loaded as kind "
              + r.spec().kind()
              + ".",
          String.valueOf(cause.getMessage()),
          "Point tokenize.tokenizer.path at a tokenizer of that kind, or choose the kind the message names.");
    }
  }

  /**
   * Id of a configured BOS/EOS token string ({@code key}); -1 for "" (none); a user error when
   * unknown.
   */
  static int boundaryId(TextTokenizer t, String token, String key) {
    if (token.isEmpty()) {
      return -1;
    }
    OptionalInt id = t.tokenId(token);
    if (id.isEmpty()) {
      throw UserErrors.of(
          "Config key '"
              + key
              + "' names token \""
              + token
              + "\", which tokenizer "
              + t.name()
              + " does not have.",
          "BOS/EOS must be a token of the vocabulary, written as the vocabulary spells it (e.g. <s>, </s>, <|endoftext|>).",
          "Set " + key + " to a token of this tokenizer, or \"\" for none.");
    }
    return id.getAsInt();
  }
}
