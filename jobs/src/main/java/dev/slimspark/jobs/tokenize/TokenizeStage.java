package dev.slimspark.jobs.tokenize;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.Stage;
import dev.slimspark.jobs.Status;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import dev.slimspark.udfs.tokenize.TextTokenizer;
import dev.slimspark.udfs.tokenize.Tokenizers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokenize: every kept document of the input table (default {@code docs_filtered}; a table with a
 * {@code kept} column is read where {@code kept = true}) becomes one row of {@code docs_tokens}
 * holding its token ids with the configured document-boundary policy: an optional BOS id before
 * and an optional EOS id after each document (TinyLlama: {@code <s>} first, no EOS; GPT-2 style:
 * {@code <|endoftext|>} after each document). Ids are stored as one binary value per document
 * (uint16 when the vocabulary fits, else int32; see {@link TokenizeStep#SCHEMA}).
 *
 * <p>The tokenizer file is read on the driver and broadcast, so executors need no copy of it; each
 * executor JVM builds one tokenizer ({@link Tokenizers}) shared by its task threads.
 */
public final class TokenizeStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(TokenizeStage.class);


  @Override
  public String name() {
    return "tokenize";
  }

  @Override
  public String description() {
    return "tokenize kept documents (SentencePiece BPE, HF tokenizer.json or JTokkit GPT-2) with BOS/EOS policy -> docs_tokens";
  }

  @Override
  public String[] configPrefixes() {
    return new String[] {"lake", "tokenize"};
  }

  /** The configured tokenizer and the contents executors load it from (null for jtokkit-gpt2). */
  record Resolved(Tokenizers.Spec spec, byte[] contents) {}

  /**
   * Validates tokenize.tokenizer.* on the driver: kind known, file present (a hub id is never
   * fetched), and returns the spec with its file contents. A directory path means its
   * tokenizer.json (hf), or its tokenizer.model, else tokenizer.json (sentencepiece).
   */
  static Resolved resolveTokenizer(SlimConfig c) {
    String kind = c.getEnum("tokenize.tokenizer.kind", Tokenizers.KINDS);
    int chunkChars = c.getInt("tokenize.chunk_chars");
    if (chunkChars < 0) {
      throw UserErrors.badConfigValue("tokenize.chunk_chars", String.valueOf(chunkChars), "0 (no splitting) or a positive number of characters");
    }
    if (kind.equals(Tokenizers.JTOKKIT_GPT2)) {
      return new Resolved(Tokenizers.Spec.jtokkitGpt2(), null);
    }
    boolean spm = kind.equals(Tokenizers.SENTENCEPIECE);
    String files = spm ? "tokenizer.model or tokenizer.json" : "tokenizer.json";
    String configured = c.getString("tokenize.tokenizer.path");
    if (configured.isBlank()) {
      throw UserErrors.of(
          "No tokenizer file is configured.",
          "tokenize.tokenizer.kind = \"" + kind + "\" needs tokenize.tokenizer.path, the local path of a " + files + ".",
          "Set --set tokenize.tokenizer.path=/path/to/" + (spm ? "tokenizer.model" : "tokenizer.json")
              + ", or use tokenize.tokenizer.kind=jtokkit-gpt2 for GPT-2.");
    }
    Path p = tokenizerFile(Path.of(configured), spm);
    if (!Files.isRegularFile(p)) {
      boolean looksLikeHubId = !configured.startsWith("/") && !configured.startsWith(".")
          && !configured.endsWith(".json") && !configured.endsWith(".model") && configured.chars().filter(ch -> ch == '/').count() <= 1;
      throw UserErrors.of(
          "Tokenizer file not found: " + p + ".",
          looksLikeHubId
              ? "'" + configured + "' looks like a Hugging Face hub id; slimspark never downloads models or tokenizers."
              : "tokenize.tokenizer.path must name a local " + files + " (or a directory holding one) readable on the driver.",
          "Download the file first, e.g. `huggingface-cli download " + (looksLikeHubId ? configured : "ORG/MODEL")
              + " " + (spm ? "tokenizer.model" : "tokenizer.json") + " --local-dir DIR`, then --set tokenize.tokenizer.path=DIR.");
    }
    try {
      byte[] bytes = Files.readAllBytes(p);
      String path = p.toAbsolutePath().toString();
      Tokenizers.Spec spec = new Tokenizers.Spec(kind, path, Tokenizers.fingerprint(bytes), spm ? 0 : chunkChars);
      return new Resolved(spec, bytes);
    } catch (IOException e) {
      throw UserErrors.of("Tokenizer file " + p + " cannot be read.", e.toString(), "Check the file's permissions.");
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
      return r.contents() == null ? Tokenizers.get(r.spec()) : Tokenizers.get(r.spec(), r::contents);
    } catch (java.io.UncheckedIOException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw UserErrors.of(
          "Tokenizer file " + r.spec().path() + " cannot be loaded as kind " + r.spec().kind() + ".",
          String.valueOf(cause.getMessage()),
          "Point tokenize.tokenizer.path at a tokenizer of that kind, or choose the kind the message names.");
    }
  }

  /** Id of a configured BOS/EOS token string; -1 for "" (none); a user error when unknown. */
  static int boundaryId(TextTokenizer t, SlimConfig c, String key) {
    String token = c.getString(key);
    if (token.isEmpty()) {
      return -1;
    }
    OptionalInt id = t.tokenId(token);
    if (id.isEmpty()) {
      throw UserErrors.of(
          "Config key '" + key + "' names token \"" + token + "\", which tokenizer " + t.name() + " does not have.",
          "BOS/EOS must be a token of the vocabulary, written as the vocabulary spells it (e.g. <s>, </s>, <|endoftext|>).",
          "Set " + key + " to a token of this tokenizer, or \"\" for none.");
    }
    return id.getAsInt();
  }

  @Override
  public JobSummary run(RunContext ctx) {
    SlimConfig c = ctx.config();
    Lake lake = ctx.lake();
    JobSummary summary = new JobSummary(name(), ctx);
    String inputTable = c.getString("tokenize.input_table");
    Resolved r = resolveTokenizer(c);
    // Loading here too validates the file on the driver (a broken file fails before any task) and
    // resolves BOS/EOS ids once.
    TextTokenizer driverTok = load(r);
    int bos = boundaryId(driverTok, c, "tokenize.bos");
    int eos = boundaryId(driverTok, c, "tokenize.eos");
    LOG.info("Tokenizing {} with {} (bos id {}, eos id {})", inputTable, driverTok.name(), bos, eos);

    summary.input(lake.path(inputTable));
    Dataset<Row> in = lake.read(inputTable);
    if (Arrays.asList(in.columns()).contains("kept")) {
      in = in.where(col("kept"));
    }
    in = in.select(col("doc_id"), col("source"), col("text"));
    Broadcast<byte[]> contents =
        r.contents() == null ? null : JavaSparkContext.fromSparkContext(ctx.spark().sparkContext()).broadcast(r.contents());
    String dtype = TokenizeStep.dtypeFor(driverTok);
    Dataset<Row> tokens = TokenizeStep.apply(in, r.spec(), contents, bos, eos, dtype);
    long v = lake.write(tokens, Table.DOCS_TOKENS, SaveMode.Overwrite, ctx.commitMetadata(name()));
    summary.output(Table.DOCS_TOKENS.id(), lake.path(Table.DOCS_TOKENS), v);
    if (contents != null) {
      contents.destroy();
    }

    // Counts come back from the written table (small aggregates only).
    long docs = 0;
    long toks = 0;
    long split = 0;
    long maxChunks = 0;
    Map<String, Object> bySource = new TreeMap<>();
    for (Row row :
        lake.read(Table.DOCS_TOKENS)
            .groupBy(col("source"))
            .agg(count(lit(1)), sum("token_count"), sum(when(col("chunks").gt(1), 1).otherwise(0)),
                org.apache.spark.sql.functions.max("chunks"))
            .collectAsList()) {
      long n = row.getLong(1);
      long t = row.isNullAt(2) ? 0 : row.getLong(2);
      docs += n;
      toks += t;
      split += row.isNullAt(3) ? 0 : row.getLong(3);
      maxChunks = Math.max(maxChunks, row.isNullAt(4) ? 0 : row.getInt(4));
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("docs", n);
      s.put("tokens", t);
      bySource.put(row.isNullAt(0) ? "null" : row.getString(0), s);
    }
    long inputDocs = in.count();
    summary
        .count("docs", docs)
        .count("tokens", toks)
        .count("docs_split_into_chunks", split)
        .count("max_chunks", maxChunks)
        .count("by_source", bySource);
    Map<String, Object> tok = new LinkedHashMap<>();
    tok.put("kind", r.spec().kind());
    tok.put("name", driverTok.name());
    tok.put("fingerprint", r.spec().fingerprint());
    tok.put("vocab_size", driverTok.vocabSize());
    tok.put("dtype", dtype);
    tok.put("bos_id", bos);
    tok.put("eos_id", eos);
    summary.put("tokenizer", tok);
    boolean reconciled = docs == inputDocs;
    summary.put("reconciled", reconciled);
    if (!reconciled) {
      summary.status(Status.ERROR);
    }
    return summary;
  }
}
