package dev.slimspark.sample;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What {@link SampleCorpusGenerator} planted, written as {@code manifest.json} next to the data.
 * Lists are in generation order; maps have sorted keys, so the JSON is byte-stable.
 *
 * <p>Counting conventions: "valid docs" are lines that parse as a JSON object with a string {@code
 * text} (a leading UTF-8 BOM on the first line of a file is not an error). Blank lines (empty or
 * whitespace-only) are counted apart and are not a bad-line reason. Totals leave the damaged files
 * out; their readable prefix is in {@link Totals#readableDocsInDamagedFiles}.
 *
 * @param format manifest format tag, {@value #FORMAT}
 * @param options the options the sample was generated with
 * @param files one entry per data file, in name order
 * @param totals sums over the intact (not damaged) files
 * @param docsPerSource valid docs per {@code meta.redpajama_set_name}, over the intact files
 * @param exactDuplicates docs whose text equals an earlier doc's text
 * @param formattingVariants docs equal to an earlier doc up to case, whitespace and punctuation
 * @param nearDuplicates docs made by word edits of an earlier doc
 * @param lowQuality docs planted to fail one named quality rule (non-English docs included, rule
 *     {@code language})
 * @param nonEnglish the non-English docs and their language code (fr, de, es)
 * @param skew what the skew option planted; absent (null) without it
 */
@JsonPropertyOrder({
  "format",
  "options",
  "files",
  "totals",
  "docs_per_source",
  "exact_duplicates",
  "formatting_variants",
  "near_duplicates",
  "low_quality",
  "non_english",
  "skew"
})
public record SampleManifest(
    @JsonProperty("format") String format,
    @JsonProperty("options") OptionsEcho options,
    @JsonProperty("files") List<FileInfo> files,
    @JsonProperty("totals") Totals totals,
    @JsonProperty("docs_per_source") Map<String, Integer> docsPerSource,
    @JsonProperty("exact_duplicates") List<ExactDup> exactDuplicates,
    @JsonProperty("formatting_variants") List<FormattingVariant> formattingVariants,
    @JsonProperty("near_duplicates") List<NearDup> nearDuplicates,
    @JsonProperty("low_quality") List<LowQuality> lowQuality,
    @JsonProperty("non_english") List<NonEnglish> nonEnglish,
    @JsonProperty("skew") @JsonInclude(JsonInclude.Include.NON_NULL) Skew skew) {

  public static final String FORMAT = "slimspark-sample-1";

  /** Bad-line reason codes, in the order readers should test them (after the blank check). */
  public static final List<String> REASONS =
      List.of(
          "invalid_utf8",
          "malformed_json",
          "not_json_object",
          "missing_text",
          "null_text",
          "text_not_string");

  /** Quality rules a low-quality doc can be planted for. */
  public static final List<String> RULES =
      List.of(
          "short_document",
          "word_count",
          "mean_word_length",
          "symbol_ratio",
          "bullet_lines",
          "ellipsis_lines",
          "alpha_words",
          "stop_words",
          "language");

  /** A document's identity: file name and 1-based physical line number. */
  @JsonPropertyOrder({"file", "line"})
  public record DocKey(@JsonProperty("file") String file, @JsonProperty("line") int line) {
    @Override
    public String toString() {
      return file + ":" + line;
    }
  }

  /**
   * One data file.
   *
   * @param name file name inside the output directory
   * @param role {@code shard}, {@code bad_lines} or {@code damaged}
   * @param compression {@code none}, {@code gzip} or {@code zstd}
   * @param physicalLines lines written (for a damaged file: before it was truncated)
   * @param validDocs valid documents among them
   * @param blankLines empty or whitespace-only lines
   * @param badLines count per reason code (all codes present, zeros included)
   * @param bom whether the file starts with a UTF-8 byte order mark
   * @param lineEnding {@code lf} or {@code crlf}
   * @param uncompressedBytes bytes of the (intact) uncompressed content
   * @param damaged whether the compressed stream is truncated
   * @param completeLinesBeforeDamage for a damaged file, the number of complete lines ('\n'
   *     terminated) that GZIPInputStream returns before it fails; null for intact files
   */
  @JsonPropertyOrder({
    "name",
    "role",
    "compression",
    "physical_lines",
    "valid_docs",
    "blank_lines",
    "bad_lines",
    "bom",
    "line_ending",
    "uncompressed_bytes",
    "damaged",
    "complete_lines_before_damage"
  })
  public record FileInfo(
      @JsonProperty("name") String name,
      @JsonProperty("role") String role,
      @JsonProperty("compression") String compression,
      @JsonProperty("physical_lines") int physicalLines,
      @JsonProperty("valid_docs") int validDocs,
      @JsonProperty("blank_lines") int blankLines,
      @JsonProperty("bad_lines") Map<String, Integer> badLines,
      @JsonProperty("bom") boolean bom,
      @JsonProperty("line_ending") String lineEnding,
      @JsonProperty("uncompressed_bytes") long uncompressedBytes,
      @JsonProperty("damaged") boolean damaged,
      @JsonProperty("complete_lines_before_damage") Integer completeLinesBeforeDamage) {

    /** Total bad lines over all reasons. */
    public int badLinesTotal() {
      return badLines.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  /**
   * Sums over intact files.
   *
   * @param shardDocs valid docs in the {@code part-*} shards (= options.docs outside bench mode)
   * @param validDocs valid docs in all intact files (shards + the valid lines of bad-lines.jsonl)
   * @param readableDocsInDamagedFiles complete lines readable before the damage, summed
   */
  @JsonPropertyOrder({
    "files",
    "shard_docs",
    "valid_docs",
    "physical_lines",
    "blank_lines",
    "bad_lines",
    "bad_lines_total",
    "uncompressed_bytes",
    "damaged_files",
    "readable_docs_in_damaged_files"
  })
  public record Totals(
      @JsonProperty("files") int files,
      @JsonProperty("shard_docs") int shardDocs,
      @JsonProperty("valid_docs") int validDocs,
      @JsonProperty("physical_lines") int physicalLines,
      @JsonProperty("blank_lines") int blankLines,
      @JsonProperty("bad_lines") Map<String, Integer> badLines,
      @JsonProperty("bad_lines_total") int badLinesTotal,
      @JsonProperty("uncompressed_bytes") long uncompressedBytes,
      @JsonProperty("damaged_files") int damagedFiles,
      @JsonProperty("readable_docs_in_damaged_files") int readableDocsInDamagedFiles) {}

  @JsonPropertyOrder({"key", "base"})
  public record ExactDup(@JsonProperty("key") DocKey key, @JsonProperty("base") DocKey base) {}

  /**
   * @param changes which of lowercase / whitespace / punctuation were applied
   */
  @JsonPropertyOrder({"key", "base", "changes"})
  public record FormattingVariant(
      @JsonProperty("key") DocKey key,
      @JsonProperty("base") DocKey base,
      @JsonProperty("changes") List<String> changes) {}

  /**
   * @param editRate edits / baseWords: single-word replace/insert/delete edits at distinct
   *     positions of the base's whitespace-separated words (word edit distance ≤ edits)
   */
  @JsonPropertyOrder({"key", "base", "edit_rate", "edits", "base_words"})
  public record NearDup(
      @JsonProperty("key") DocKey key,
      @JsonProperty("base") DocKey base,
      @JsonProperty("edit_rate") double editRate,
      @JsonProperty("edits") int edits,
      @JsonProperty("base_words") int baseWords) {}

  @JsonPropertyOrder({"key", "rule"})
  public record LowQuality(@JsonProperty("key") DocKey key, @JsonProperty("rule") String rule) {}

  @JsonPropertyOrder({"key", "language"})
  public record NonEnglish(
      @JsonProperty("key") DocKey key, @JsonProperty("language") String language) {}

  /**
   * The skew of {@link SampleCorpusGenerator.Options#skew}; every doc in it is in the hot source.
   *
   * @param hotSource the source holding most bytes
   * @param hotSourceBytes its uncompressed bytes over all intact files
   * @param totalBytes uncompressed bytes of all intact files
   * @param hotShare hotSourceBytes / totalBytes, 4 decimals
   * @param families the planted near-duplicate families with every member (recall is checkable)
   * @param bigDocs the docs of millions of chars
   * @param tinyFiles files of one doc of 1-20 chars each ({@code skew-tiny-*.jsonl})
   * @param tinyDocs docs of 1-20 chars (one per tiny file)
   * @param fillerDocs plain hot-source docs added to reach the hot share or the byte target
   * @param largeFiles names of the large files ({@code skew-large-*})
   */
  @JsonPropertyOrder({
    "hot_source",
    "hot_source_bytes",
    "total_bytes",
    "hot_share",
    "families",
    "big_docs",
    "tiny_files",
    "tiny_docs",
    "filler_docs",
    "large_files"
  })
  public record Skew(
      @JsonProperty("hot_source") String hotSource,
      @JsonProperty("hot_source_bytes") long hotSourceBytes,
      @JsonProperty("total_bytes") long totalBytes,
      @JsonProperty("hot_share") double hotShare,
      @JsonProperty("families") List<Family> families,
      @JsonProperty("big_docs") List<BigDoc> bigDocs,
      @JsonProperty("tiny_files") int tinyFiles,
      @JsonProperty("tiny_docs") int tinyDocs,
      @JsonProperty("filler_docs") long fillerDocs,
      @JsonProperty("large_files") List<String> largeFiles) {}

  /**
   * A near-duplicate family: members are edits of one template (date, name, up to two words); big
   * docs in the family repeat one member.
   *
   * @param name "boilerplate" (the huge one) or "family-N"
   * @param kind what the template imitates (cookie_banner, licence, ...)
   * @param templateChars length of the template text
   * @param members every member, in generation order
   */
  @JsonPropertyOrder({"name", "kind", "template_chars", "members"})
  public record Family(
      @JsonProperty("name") String name,
      @JsonProperty("kind") String kind,
      @JsonProperty("template_chars") int templateChars,
      @JsonProperty("members") List<DocKey> members) {}

  /**
   * @param family the family it belongs to, or null for unique prose
   */
  @JsonPropertyOrder({"key", "chars", "family"})
  public record BigDoc(
      @JsonProperty("key") DocKey key,
      @JsonProperty("chars") int chars,
      @JsonProperty("family") String family) {}

  /** The generator options, echoed. */
  @JsonPropertyOrder({
    "seed",
    "docs",
    "shards",
    "target_bytes",
    "compress_shards",
    "plant_bad_input",
    "exact_dup_rate",
    "near_dup_rate",
    "low_quality_rate",
    "non_english_rate"
  })
  public record OptionsEcho(
      @JsonProperty("seed") long seed,
      @JsonProperty("docs") int docs,
      @JsonProperty("shards") int shards,
      @JsonProperty("target_bytes") long targetBytes,
      @JsonProperty("compress_shards") boolean compressShards,
      @JsonProperty("plant_bad_input") boolean plantBadInput,
      @JsonProperty("exact_dup_rate") double exactDupRate,
      @JsonProperty("near_dup_rate") double nearDupRate,
      @JsonProperty("low_quality_rate") double lowQualityRate,
      @JsonProperty("non_english_rate") double nonEnglishRate) {}

  // ------------------------------------------------------------------ accessors for callers

  /** Valid docs over all intact files (shards and bad-lines.jsonl). */
  public int totalValidDocs() {
    return totals.validDocs();
  }

  /** Valid docs in the part-* shards only. */
  public int shardDocs() {
    return totals.shardDocs();
  }

  /** Bad lines per reason code over intact files; every code is present. */
  public Map<String, Integer> badLinesByReason() {
    return Collections.unmodifiableMap(totals.badLines());
  }

  public int blankLines() {
    return totals.blankLines();
  }

  /** The file entry with this name, if any. */
  public Optional<FileInfo> file(String name) {
    return files.stream().filter(f -> f.name().equals(name)).findFirst();
  }

  /** Files with the given role ({@code shard}, {@code bad_lines}, {@code damaged}). */
  public List<FileInfo> filesWithRole(String role) {
    return files.stream().filter(f -> f.role().equals(role)).toList();
  }

  // ------------------------------------------------------------------ JSON

  static ObjectMapper mapper() {
    ObjectMapper m = new ObjectMapper();
    m.enable(SerializationFeature.INDENT_OUTPUT);
    m.enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    m.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    // Fixed "\n" (not the platform separator) so the manifest is byte-identical everywhere.
    DefaultIndenter ind = new DefaultIndenter("  ", "\n");
    m.setDefaultPrettyPrinter(
        new DefaultPrettyPrinter().withObjectIndenter(ind).withArrayIndenter(ind));
    return m;
  }

  /** Writes this manifest as pretty JSON to {@code path}. */
  public void write(Path path) throws IOException {
    byte[] json = mapper().writeValueAsBytes(this);
    byte[] withNl =
        new String(json, StandardCharsets.UTF_8).concat("\n").getBytes(StandardCharsets.UTF_8);
    Files.write(path, withNl);
  }

  /** Reads a manifest file (or the {@code manifest.json} inside a directory). */
  public static SampleManifest read(Path path) throws IOException {
    Path p = Files.isDirectory(path) ? path.resolve("manifest.json") : path;
    return mapper().readValue(p.toFile(), SampleManifest.class);
  }

  static Map<String, Integer> zeroReasons() {
    Map<String, Integer> m = new TreeMap<>();
    for (String r : REASONS) {
      m.put(r, 0);
    }
    return m;
  }
}
