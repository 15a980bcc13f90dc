package dev.slimspark.jobs.export;

import dev.slimspark.config.SlimConfig;
import dev.slimspark.errors.UserErrors;
import dev.slimspark.jobs.pack.PackOptions;
import java.util.List;
import java.util.Locale;

/**
 * The validated {@code export.*} settings; the only reader of those keys. Each DEFAULT_ constant
 * equals slimspark-defaults.conf (checked by ExportOptionsTest), which explains every key.
 *
 * @param dir directory or URI receiving the trainer files; "" = LAKE/_export beside the tables
 * @param formats "litgpt" and/or "megatron"
 * @param litgptShortFiles lit-gpt files shorter than the split's largest shard: padded with rows of
 *     the pad id, or kept short. Risk: TinyLlama's reader takes every file's block count from the
 *     first file's header, so "keep" makes it read past the end of short files
 * @param padId pack.pad_id (the id padding is written with), read through {@link PackOptions}
 */
public record ExportOptions(
    String dir, List<String> formats, ShortFiles litgptShortFiles, int padId) {
  /** "" = LAKE/_export: a run's outputs stay together. */
  public static final String DEFAULT_DIR = "";

  public static final List<String> DEFAULT_FORMATS = List.of(Format.LITGPT, Format.MEGATRON);

  /** lit-gpt's own builder pads its last chunk. */
  public static final ShortFiles DEFAULT_LITGPT_SHORT_FILES = ShortFiles.PAD;

  /** Format names as export.formats spells them. */
  public static final class Format {
    public static final String LITGPT = "litgpt";
    public static final String MEGATRON = "megatron";

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
      if (!f.equals(Format.LITGPT) && !f.equals(Format.MEGATRON)) {
        throw UserErrors.badConfigValue(
            "export.formats", "\"" + f + "\"", "a list of \"litgpt\" and/or \"megatron\"");
      }
    }
  }

  public static ExportOptions defaults() {
    return new ExportOptions(
        DEFAULT_DIR, DEFAULT_FORMATS, DEFAULT_LITGPT_SHORT_FILES, PackOptions.DEFAULT_PAD_ID);
  }

  /** The export.* keys of {@code c}, and pack.pad_id. */
  public static ExportOptions from(SlimConfig c) {
    ShortFiles shortFiles =
        ShortFiles.valueOf(
            c.getEnum("export.litgpt_short_files", "pad", "keep").toUpperCase(Locale.ROOT));
    return new ExportOptions(
        c.getString("export.dir"),
        c.getStringList("export.formats"),
        shortFiles,
        PackOptions.padId(c));
  }

  public boolean litgpt() {
    return formats.contains(Format.LITGPT);
  }

  public boolean megatron() {
    return formats.contains(Format.MEGATRON);
  }

  public boolean padShortLitgptFiles() {
    return litgptShortFiles == ShortFiles.PAD;
  }
}
