package dev.slimspark.jobs.export;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.decon.DeconOptions;
import dev.slimspark.jobs.pack.PackOptions;
import java.util.List;
import java.util.Locale;

/**
 * The validated {@code export.*} settings; the only reader of those keys. Each DEFAULT_ constant
 * equals slimspark-defaults.conf (checked by ExportOptionsTest), which explains every key.
 *
 * @param dir directory or URI receiving the trainer files; "" = LAKE/_export beside the tables
 * @param formats "litgpt" and/or "megatron" (token files from packed_rows), "jsonl.zst" and/or
 *     "parquet" (the cleaned text from {@link Corpus#table()})
 * @param litgptShortFiles lit-gpt files shorter than the split's largest shard: padded with rows of
 *     the pad id, or kept short. Risk: TinyLlama's reader takes every file's block count from the
 *     first file's header, so "keep" makes it read past the end of short files
 * @param padId pack.pad_id (the id padding is written with), read through {@link PackOptions}
 * @param corpus settings of the text formats
 */
public record ExportOptions(
    String dir, List<String> formats, ShortFiles litgptShortFiles, int padId, Corpus corpus) {
  /** "" = LAKE/_export: a run's outputs stay together. */
  public static final String DEFAULT_DIR = "";

  public static final List<String> DEFAULT_FORMATS = List.of(Format.LITGPT, Format.MEGATRON);

  /** lit-gpt's own builder pads its last chunk. */
  public static final ShortFiles DEFAULT_LITGPT_SHORT_FILES = ShortFiles.PAD;

  /** Format names as export.formats spells them. */
  public static final class Format {
    public static final String LITGPT = "litgpt";
    public static final String MEGATRON = "megatron";
    public static final String JSONL_ZST = "jsonl.zst";
    public static final String PARQUET = "parquet";
    static final List<String> ALL = List.of(LITGPT, MEGATRON, JSONL_ZST, PARQUET);

    private Format() {}
  }

  /** What happens to lit-gpt files shorter than the split's largest. */
  public enum ShortFiles {
    PAD,
    KEEP;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public ExportOptions {
    formats = List.copyOf(formats);
    for (String f : formats) {
      if (!Format.ALL.contains(f)) {
        throw UserErrors.badConfigValue(
            "export.formats",
            "\"" + f + "\"",
            "a list of \"litgpt\", \"megatron\", \"jsonl.zst\" and/or \"parquet\"");
      }
    }
  }

  public static ExportOptions defaults() {
    return new ExportOptions(
        DEFAULT_DIR,
        DEFAULT_FORMATS,
        DEFAULT_LITGPT_SHORT_FILES,
        PackOptions.DEFAULT_PAD_ID,
        Corpus.defaults());
  }

  /** The export.* keys of {@code c}, pack.pad_id, and pack's split settings. */
  public static ExportOptions from(SlimConfig c) {
    ShortFiles shortFiles =
        ShortFiles.valueOf(
            c.getEnum("export.litgpt_short_files", "pad", "keep").toUpperCase(Locale.ROOT));
    return new ExportOptions(
        c.getString("export.dir"),
        c.getStringList("export.formats"),
        shortFiles,
        PackOptions.padId(c),
        corpus(c));
  }

  private static Corpus corpus(SlimConfig c) {
    PackOptions pack = PackOptions.from(c);
    return new Corpus(
        DeconOptions.docsTable(c.getString("export.corpus_table"), c),
        c.getBytes("export.chunk_bytes"),
        c.getInt("export.zstd_level"),
        pack.seed(),
        pack.validationFraction());
  }

  public boolean litgpt() {
    return formats.contains(Format.LITGPT);
  }

  public boolean megatron() {
    return formats.contains(Format.MEGATRON);
  }

  /** Whether packed_rows is read: a token format is asked for. */
  public boolean tokenFormats() {
    return litgpt() || megatron();
  }

  public boolean jsonlZst() {
    return formats.contains(Format.JSONL_ZST);
  }

  public boolean parquet() {
    return formats.contains(Format.PARQUET);
  }

  /** Whether the corpus table is read: a text format is asked for. */
  public boolean corpusFormats() {
    return jsonlZst() || parquet();
  }

  public boolean padShortLitgptFiles() {
    return litgptShortFiles == ShortFiles.PAD;
  }
}
