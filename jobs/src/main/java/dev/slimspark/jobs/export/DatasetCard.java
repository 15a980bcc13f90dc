package dev.slimspark.jobs.export;

import java.util.Map;

/**
 * The dataset card (README.md beside the exported files) in the layout of a Hugging Face dataset
 * card: YAML front matter naming the data files per split, then what is in it (documents and text
 * bytes per split and source), how it was made (funnel counts, filter and dedup settings) and how
 * to load and verify it. Built only from the export's counts and the config: deterministic.
 */
final class DatasetCard {
  private DatasetCard() {}

  static String markdown(CorpusResult r, CorpusManifest.Provenance p) {
    StringBuilder b = new StringBuilder();
    frontMatter(b, r);
    b.append("# Cleaned corpus\n\n")
        .append("Exported from the `")
        .append(p.table())
        .append("` table (Delta version ")
        .append(p.tableVersion())
        .append(") by slimspark ")
        .append(p.codeVersion())
        .append(", config hash `")
        .append(p.configHash())
        .append("`. ")
        .append(r.plan().docs())
        .append(" documents. Each document carries the license and terms of its source.\n\n");
    contents(b, r);
    processing(b, p);
    usage(b, r);
    return b.toString();
  }

  private static void frontMatter(StringBuilder b, CorpusResult r) {
    b.append("---\nconfigs:\n");
    boolean jsonl = r.byFormat().containsKey(CorpusFiles.JSONL);
    b.append("- config_name: default\n  data_files:\n");
    for (CorpusPlan.Split s : r.plan().splits) {
      b.append("  - split: ")
          .append(s.name())
          .append("\n    path: ")
          .append(
              jsonl ? "jsonl/" + s.name() + "/*.jsonl.zst" : "parquet/" + s.name() + "/*.parquet")
          .append('\n');
    }
    b.append("---\n\n");
  }

  private static void contents(StringBuilder b, CorpusResult r) {
    b.append("## Contents\n\n| split | source (redpajama_set_name) | documents | text bytes |\n")
        .append("| --- | --- | ---: | ---: |\n");
    for (Map.Entry<String, Map<String, Map<String, Long>>> s :
        r.plan().bySplitAndSource().entrySet()) {
      for (Map.Entry<String, Map<String, Long>> src : s.getValue().entrySet()) {
        b.append("| ")
            .append(s.getKey())
            .append(" | ")
            .append(src.getKey())
            .append(" | ")
            .append(src.getValue().get("docs"))
            .append(" | ")
            .append(src.getValue().get("text_bytes"))
            .append(" |\n");
      }
    }
    b.append("\n| format | files | documents | bytes |\n| --- | ---: | ---: | ---: |\n");
    for (Map.Entry<String, Map<String, Long>> f : r.byFormat().entrySet()) {
      b.append("| ")
          .append(f.getKey())
          .append(" | ")
          .append(f.getValue().get("files"))
          .append(" | ")
          .append(f.getValue().get("docs"))
          .append(" | ")
          .append(f.getValue().get("bytes"))
          .append(" |\n");
    }
    b.append(
        "\nLayout: `jsonl/{split}/{split}-{task}-{part}.jsonl.zst`, one JSON object per line,"
            + " `{\"text\": ..., \"meta\": {\"redpajama_set_name\": ..., ...}}` (SlimPajama's"
            + " format; the other meta keys are the source's own). `parquet/{split}/{split}-{task}"
            + ".parquet`: columns doc_id, text, redpajama_set_name and meta (the same meta object"
            + " as JSON text). Within a file documents are in doc_id order; the split of a"
            + " document is a seeded hash of its doc_id.\n\n");
  }

  private static void processing(StringBuilder b, CorpusManifest.Provenance p) {
    b.append("## Processing\n\nDocuments after each stage:\n\n");
    for (Map.Entry<String, Long> e : p.funnel().entrySet()) {
      b.append("- ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
    }
    for (Map.Entry<String, Map<String, String>> s : p.settings().entrySet()) {
      b.append("\n`").append(s.getKey()).append("` settings:\n\n");
      for (Map.Entry<String, String> e : s.getValue().entrySet()) {
        b.append("- `")
            .append(s.getKey())
            .append('.')
            .append(e.getKey())
            .append("` = `")
            .append(e.getValue())
            .append("`\n");
      }
    }
    b.append('\n');
  }

  private static void usage(StringBuilder b, CorpusResult r) {
    b.append("## Use\n\n```python\nfrom datasets import load_dataset\n")
        .append(
            "ds = load_dataset(\"json\", data_files={\"train\": \"jsonl/train/*.jsonl.zst\"})\n")
        .append(
            "ds = load_dataset(\"parquet\", data_files={\"train\": \"parquet/train/*.parquet\"})\n")
        .append("```\n\nSpark: `spark.read.parquet(\"parquet/train\")`. Verify the files with")
        .append(" `sha256sum -c SHA256SUMS`; `manifest.json` lists every file with its documents,")
        .append(" bytes and SHA-256, the config hash and the counts above.\n");
  }
}
