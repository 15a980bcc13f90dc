package dev.slimspark.jobs.ingest;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.udfs.ingest.ShardReader;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The validated {@code ingest.*} settings; the only reader of those keys. Each DEFAULT_ constant
 * equals slimspark-defaults.conf (checked by IngestOptionsTest), which explains every key.
 *
 * @param input files, directories or globs to read (default none: ingest then fails, nothing to do)
 * @param idBase path prefix removed before doc ids are hashed; "" = the full path is the identity.
 *     Risk: changing it changes every doc_id, so dedup and pack see a new corpus
 * @param format how files are parsed: by extension (auto), or all as one format
 * @param maxLineBytes longer lines are quarantined; bounds per-task memory (1024 .. 2^31 - 17)
 * @param quarantinePrefixBytes leading bytes of a bad line kept in ingest_quarantine
 * @param invalidUtf8 quarantine the line, or repair it (U+FFFD) and flag the doc
 * @param failOnQuarantine fail the job (after writing every table) when any line was quarantined
 * @param filesPerTask input files per Spark task group; 0 = one task per file up to 4x parallelism
 * @param sourceMetaField key of each line's "meta" object that names its source
 * @param sourcePathRegex regex over the path whose group 1 is the source; "" = unused
 * @param sourceDefault source when neither meta nor the path gives one
 * @param parquetTextColumn column holding the text in Parquet input
 */
public record IngestOptions(
    List<String> input,
    String idBase,
    Format format,
    long maxLineBytes,
    int quarantinePrefixBytes,
    InvalidUtf8 invalidUtf8,
    boolean failOnQuarantine,
    int filesPerTask,
    String sourceMetaField,
    String sourcePathRegex,
    String sourceDefault,
    String parquetTextColumn) {

  public static final List<String> DEFAULT_INPUT = List.of();
  public static final String DEFAULT_ID_BASE = "";
  public static final Format DEFAULT_FORMAT = Format.AUTO;

  /** 32 MiB: a task holds one line at a time, so this bounds its memory per thread. */
  public static final long DEFAULT_MAX_LINE_BYTES = 33_554_432L;

  public static final int DEFAULT_QUARANTINE_PREFIX_BYTES = 1024;
  public static final InvalidUtf8 DEFAULT_INVALID_UTF8 = InvalidUtf8.QUARANTINE;
  public static final boolean DEFAULT_FAIL_ON_QUARANTINE = false;
  public static final int DEFAULT_FILES_PER_TASK = 0;

  /** The RedPajama/SlimPajama convention. */
  public static final String DEFAULT_SOURCE_META_FIELD = "redpajama_set_name";

  public static final String DEFAULT_SOURCE_PATH_REGEX = "";
  public static final String DEFAULT_SOURCE_DEFAULT = "unknown";

  /** Starcoder's Parquet files hold the text in "content". */
  public static final String DEFAULT_PARQUET_TEXT_COLUMN = "content";

  /** Bounds of max_line_bytes: a line buffer is one Java array. */
  static final long MIN_LINE_BYTES = 1024;

  static final long MAX_LINE_BYTES = Integer.MAX_VALUE - 16;

  /** How input files are parsed. */
  public enum Format {
    /** .parquet is Parquet, everything else JSONL. */
    AUTO,
    JSONL,
    PARQUET;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Whether {@code path} is read as Parquet under this format. */
    public boolean isParquet(String path) {
      return this == PARQUET
          || (this == AUTO && path.toLowerCase(Locale.ROOT).endsWith(".parquet"));
    }
  }

  /** What happens to a line that is not valid UTF-8. */
  public enum InvalidUtf8 {
    QUARANTINE,
    REPAIR;

    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public IngestOptions {
    input = List.copyOf(input);
    if (maxLineBytes < MIN_LINE_BYTES || maxLineBytes > MAX_LINE_BYTES) {
      throw UserErrors.badConfigValue(
          "ingest.max_line_bytes",
          Long.toString(maxLineBytes),
          "between " + MIN_LINE_BYTES + " and " + MAX_LINE_BYTES);
    }
    if (!sourcePathRegex.isEmpty()) {
      try {
        Pattern.compile(sourcePathRegex);
      } catch (PatternSyntaxException e) {
        throw UserErrors.badConfigValue(
            "ingest.source.path_regex",
            sourcePathRegex,
            "a Java regular expression (" + e.getDescription() + ")");
      }
    }
  }

  /** The options of slimspark-defaults.conf, from the constants. */
  public static IngestOptions defaults() {
    return new IngestOptions(
        DEFAULT_INPUT,
        DEFAULT_ID_BASE,
        DEFAULT_FORMAT,
        DEFAULT_MAX_LINE_BYTES,
        DEFAULT_QUARANTINE_PREFIX_BYTES,
        DEFAULT_INVALID_UTF8,
        DEFAULT_FAIL_ON_QUARANTINE,
        DEFAULT_FILES_PER_TASK,
        DEFAULT_SOURCE_META_FIELD,
        DEFAULT_SOURCE_PATH_REGEX,
        DEFAULT_SOURCE_DEFAULT,
        DEFAULT_PARQUET_TEXT_COLUMN);
  }

  /** The ingest.* keys of {@code c}; bad values are user errors naming the key. */
  public static IngestOptions from(SlimConfig c) {
    return new IngestOptions(
        c.getStringList("ingest.input"),
        c.getString("ingest.id_base"),
        Format.valueOf(
            c.getEnum("ingest.format", "auto", "jsonl", "parquet").toUpperCase(Locale.ROOT)),
        c.getBytes("ingest.max_line_bytes"),
        c.getInt("ingest.quarantine_prefix_bytes"),
        InvalidUtf8.valueOf(
            c.getEnum("ingest.invalid_utf8", "quarantine", "repair").toUpperCase(Locale.ROOT)),
        c.getBoolean("ingest.fail_on_quarantine"),
        c.getInt("ingest.files_per_task"),
        c.getString("ingest.source.meta_field"),
        c.getString("ingest.source.path_regex"),
        c.getString("ingest.source.default"),
        c.getString("ingest.parquet.text_column"));
  }

  /**
   * A fresh (mutable) reader configuration for one pass over the input; {@code resolvedIdBase} is
   * {@link #idBase} qualified against the input's filesystem (see IngestStage#idBase).
   */
  public ShardReader.Options readerOptions(String resolvedIdBase) {
    ShardReader.Options o = new ShardReader.Options();
    o.maxLineBytes = (int) maxLineBytes;
    o.quarantinePrefixBytes = quarantinePrefixBytes;
    o.repairUtf8 = invalidUtf8 == InvalidUtf8.REPAIR;
    o.metaSourceField = sourceMetaField;
    o.pathSourceRegex = sourcePathRegex.isEmpty() ? null : sourcePathRegex;
    o.defaultSource = sourceDefault;
    o.idBase = resolvedIdBase;
    return o;
  }
}
