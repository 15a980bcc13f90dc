package dev.slimspark.jobs.decon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.slimspark.errors.UserErrors;
import java.io.Serializable;
import java.util.List;
import java.util.Set;

/**
 * One eval set of {@code decontaminate.eval_sets}: a name (the {@code eval_set} of its hits and
 * summary counts), a file and how to read it.
 *
 * @param name unique name of the set, e.g. "fpb_allagree"
 * @param path file, directory or glob, read by Spark (local, s3a://, hdfs://)
 * @param format csv (header row, RFC 4180 quoting), jsonl, text (one item per line), parquet,
 *     phrasebank (Financial PhraseBank's {@code sentence@label} lines), or table (a lake table)
 * @param column text column (csv, parquet, table) or field (jsonl); unused by text and phrasebank
 * @param encoding charset of csv, text and phrasebank files (Financial PhraseBank is ISO-8859-1)
 */
public record EvalSetSpec(String name, String path, String format, String column, String encoding)
    implements Serializable {
  /** Formats accepted in an eval set's {@code format}. */
  public static final List<String> FORMATS =
      List.of("csv", "jsonl", "text", "parquet", "phrasebank", "table");

  static final String DEFAULT_COLUMN = "text";
  static final String DEFAULT_ENCODING = "UTF-8";
  private static final Set<String> KEYS = Set.of("name", "path", "format", "column", "encoding");

  /** One entry of the list; {@code key} names it in errors ("decontaminate.eval_sets[2]"). */
  static EvalSetSpec from(Config e, String key) {
    for (String k : e.root().keySet()) {
      if (!KEYS.contains(k)) {
        throw UserErrors.badConfigValue(
            key, "an entry with the key '" + k + "'", "an object with keys " + KEYS);
      }
    }
    try {
      String name = e.getString("name");
      String format = e.hasPath("format") ? e.getString("format") : "";
      if (!name.matches("[A-Za-z0-9_.-]+")) {
        throw UserErrors.badConfigValue(
            key + ".name", "\"" + name + "\"", "letters, digits, '_', '.' or '-'");
      }
      if (!FORMATS.contains(format)) {
        throw UserErrors.badConfigValue(key + ".format", "\"" + format + "\"", "one of " + FORMATS);
      }
      return new EvalSetSpec(
          name,
          e.getString("path"),
          format,
          e.hasPath("column") ? e.getString("column") : DEFAULT_COLUMN,
          e.hasPath("encoding") ? e.getString("encoding") : DEFAULT_ENCODING);
    } catch (ConfigException.Missing | ConfigException.WrongType ex) {
      throw UserErrors.badConfigValue(
          key,
          ex.getMessage(),
          "an object like {name = \"fpb\", path = \"Sentences_AllAgree.txt\", format = \"phrasebank\"}");
    }
  }
}
