package dev.slimspark.udfs.ingest;

/**
 * Why an input line was quarantined instead of becoming a document. The {@link #code()} strings are
 * a stable contract: they are stored in the quarantine table and reported in job summaries.
 */
public enum QuarantineReason {
  /** The line is not valid JSON (syntax error, trailing garbage, duplicate key). */
  MALFORMED_JSON("malformed_json"),
  /** The line is valid JSON but not an object (array, string, number, ...). */
  NOT_JSON_OBJECT("not_json_object"),
  /** The object has no {@code text} key. */
  MISSING_TEXT("missing_text"),
  /** The object's {@code text} is JSON null. */
  NULL_TEXT("null_text"),
  /** The object's {@code text} is a number, boolean, object or array. */
  TEXT_NOT_STRING("text_not_string"),
  /** The line's bytes are not valid UTF-8 (and repair is off). */
  INVALID_UTF8("invalid_utf8"),
  /**
   * The line is longer than {@code ingest.max_line_bytes}; only a prefix was ever held in memory.
   */
  LINE_TOO_LONG("line_too_long"),
  /** A compressed file is truncated or corrupt; lines decoded before the damage were kept. */
  CORRUPT_COMPRESSED_FILE("corrupt_compressed_file"),
  /** The file could not be opened or read at all. */
  UNREADABLE_FILE("unreadable_file");

  private final String code;

  QuarantineReason(String code) {
    this.code = code;
  }

  /** The stable lowercase code stored in tables. */
  public String code() {
    return code;
  }
}
