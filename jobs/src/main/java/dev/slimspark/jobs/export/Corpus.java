package dev.slimspark.jobs.export;

import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.pack.PackOptions;
import dev.slimspark.lake.Table;
import java.io.Serializable;

/**
 * Settings of the text exports (jsonl.zst, parquet), part of {@link ExportOptions}, which reads
 * them (with pack.seed and pack.validation_fraction through {@link PackOptions});
 * slimspark-defaults.conf explains every key.
 *
 * @param table the table exported: docs_dedup, or any cleaned docs table with doc_id, source, text
 *     and meta. Risk: a table earlier in the pipeline (docs_filtered) exports duplicates
 * @param chunkBytes most uncompressed bytes of JSON lines in one jsonl.zst file (a document longer
 *     than this gets a file of its own); also the text bytes per writing task, so it sets the
 *     parallelism. Risk: small values make many small files and tasks
 * @param zstdLevel zstd level of the jsonl.zst files, 1..19. Risk: levels above ~10 are several
 *     times slower to write for a few percent smaller files
 * @param seed pack.seed: the split of each document is pack's
 * @param validationFraction pack.validation_fraction: the share of documents in the validation
 *     split, the same documents pack holds out
 */
public record Corpus(
    String table, long chunkBytes, int zstdLevel, long seed, double validationFraction)
    implements Serializable {
  public static final String DEFAULT_TABLE = Table.DOCS_DEDUP.id();

  /** 256 MiB of JSON lines per file, about SlimPajama's chunk size before compression. */
  public static final long DEFAULT_CHUNK_BYTES = 268_435_456L;

  /** zstd's own default: fast to write, about 3-4x smaller than the text. */
  public static final int DEFAULT_ZSTD_LEVEL = 3;

  public Corpus {
    if (table.isBlank()) {
      throw UserErrors.badConfigValue("export.corpus_table", "\"\"", "a table name (docs_dedup)");
    }
    if (chunkBytes < 1024) {
      throw UserErrors.badConfigValue(
          "export.chunk_bytes", String.valueOf(chunkBytes), "a size of at least 1024 bytes");
    }
    if (zstdLevel < 1 || zstdLevel > 19) {
      throw UserErrors.badConfigValue(
          "export.zstd_level", String.valueOf(zstdLevel), "an integer from 1 to 19");
    }
  }

  static Corpus defaults() {
    return new Corpus(
        DEFAULT_TABLE,
        DEFAULT_CHUNK_BYTES,
        DEFAULT_ZSTD_LEVEL,
        PackOptions.DEFAULT_SEED,
        PackOptions.DEFAULT_VALIDATION_FRACTION);
  }
}
