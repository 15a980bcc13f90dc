package dev.slimspark.jobs.tokenize;

import static org.apache.spark.sql.functions.col;

import dev.slimspark.jobs.JobSummary;
import dev.slimspark.jobs.RunContext;
import dev.slimspark.jobs.Stage;
import dev.slimspark.jobs.Status;
import dev.slimspark.lake.Lake;
import dev.slimspark.lake.Table;
import dev.slimspark.udfs.tokenize.TextTokenizer;
import dev.slimspark.udfs.tokenize.Tokenizers;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * holding its token ids with the configured document-boundary policy: an optional BOS id before and
 * an optional EOS id after each document (TinyLlama: {@code <s>} first, no EOS; GPT-2 style: {@code
 * <|endoftext|>} after each document). Ids are stored as one binary value per document (uint16 when
 * the vocabulary fits, else int32; see {@link TokenizeStep#SCHEMA}).
 *
 * <p>The tokenizer file is read on the driver ({@link TokenizerSetup}) and broadcast, so executors
 * need no copy of it; each executor JVM builds one tokenizer ({@link Tokenizers}) shared by its
 * task threads. Thin otherwise: {@link TokenizeOptions} reads the config, {@link TokenizeStep}
 * tokenizes the Dataset, this class writes docs_tokens and maps the {@link TokenizeResult}.
 */
public final class TokenizeStage implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(TokenizeStage.class);

  /** The input is tokenize.input_table (a table name from config, default docs_dedup). */
  public static final List<Table> OUTPUTS = List.of(Table.DOCS_TOKENS);

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

  @Override
  public JobSummary run(RunContext ctx) {
    TokenizeOptions options = TokenizeOptions.from(ctx.config());
    Lake lake = ctx.lake();
    JobSummary summary = new JobSummary(name(), ctx);
    String inputTable = options.inputTable();
    TokenizerSetup.Resolved r = TokenizerSetup.resolveTokenizer(options);
    // Loading here too validates the file on the driver (a broken file fails before any task) and
    // resolves BOS/EOS ids once.
    TextTokenizer driverTok = TokenizerSetup.load(r);
    int bos = TokenizerSetup.boundaryId(driverTok, options.bos(), "tokenize.bos");
    int eos = TokenizerSetup.boundaryId(driverTok, options.eos(), "tokenize.eos");
    LOG.info(
        "Tokenizing {} with {} (bos id {}, eos id {})", inputTable, driverTok.name(), bos, eos);

    summary.input(lake.path(inputTable));
    Dataset<Row> in = lake.read(inputTable);
    if (Arrays.asList(in.columns()).contains("kept")) {
      in = in.where(col("kept"));
    }
    in = in.select(col("doc_id"), col("source"), col("text"));
    Broadcast<byte[]> contents =
        r.contents() == null
            ? null
            : JavaSparkContext.fromSparkContext(ctx.spark().sparkContext()).broadcast(r.contents());
    String dtype = TokenizeStep.dtypeFor(driverTok);
    Dataset<Row> tokens = TokenizeStep.apply(in, r.spec(), contents, bos, eos, dtype);
    long v = lake.write(tokens, Table.DOCS_TOKENS, SaveMode.Overwrite, ctx.commitMetadata(name()));
    summary.output(Table.DOCS_TOKENS.id(), lake.path(Table.DOCS_TOKENS), v);
    if (contents != null) {
      contents.destroy();
    }

    // Counts come back from the written table (small aggregates only).
    TokenizeResult result = TokenizeResult.of(lake.read(Table.DOCS_TOKENS), in.count());
    summary
        .count("docs", result.docs())
        .count("tokens", result.tokens())
        .count("docs_split_into_chunks", result.docsSplitIntoChunks())
        .count("max_chunks", result.maxChunks())
        .count("by_source", result.bySource());
    Map<String, Object> tok = new LinkedHashMap<>();
    tok.put("kind", r.spec().kind());
    tok.put("name", driverTok.name());
    tok.put("fingerprint", r.spec().fingerprint());
    tok.put("vocab_size", driverTok.vocabSize());
    tok.put("dtype", dtype);
    tok.put("bos_id", bos);
    tok.put("eos_id", eos);
    summary.put("tokenizer", tok);
    summary.put("reconciled", result.reconciled());
    if (!result.reconciled()) {
      summary.status(Status.ERROR);
    }
    return summary;
  }
}
