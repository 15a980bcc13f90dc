package dev.slimspark.jobs.label;

import dev.slimspark.errors.UserErrors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What finetune checks about its training rows before embedding them: rows at all, at least two
 * classes with text to train on (one class gives a "classifier" that can only answer that class,
 * and L-BFGS reports it converged after 0 iterations), and a warning for every class with fewer
 * usable rows than {@code finetune.min_rows_per_class} (its recall is then mostly luck).
 */
final class ClassCheck {
  private static final Logger LOG = LoggerFactory.getLogger(ClassCheck.class);

  private ClassCheck() {}

  /**
   * @param raw raw label value → {rows, rows with non-blank text}
   * @param warnings receives one line per class below {@code minRows}
   * @return usable rows per class name, in label order
   */
  static Map<String, Long> require(
      String input,
      List<String> labels,
      Map<String, long[]> raw,
      int minRows,
      List<String> warnings) {
    long rows = 0;
    Map<String, Long> usable = new LinkedHashMap<>();
    for (String l : labels) {
      usable.put(l, 0L);
    }
    for (Map.Entry<String, long[]> e : raw.entrySet()) {
      rows += e.getValue()[0];
      String name = LabeledData.canonical(e.getKey(), labels);
      if (name != null) {
        usable.merge(name, e.getValue()[1], Long::sum);
      }
    }
    if (rows == 0) {
      throw UserErrors.of(
          "finetune.input " + input + " has no data rows.",
          "A header without rows, or an empty table, has nothing to train on.",
          "Point finetune.input at labeled data (a header row, then one row per example).");
    }
    long present = usable.values().stream().filter(n -> n > 0).count();
    if (present < 2) {
      throw UserErrors.of(
          "finetune.input "
              + input
              + " has rows with text for "
              + present
              + " class(es) only: "
              + usable
              + ".",
          "A classifier needs examples of at least two classes; trained on one, it can only ever answer that class.",
          "Add labeled rows of the other classes"
              + (labels.size() > 1 ? " (" + labels + ")" : "")
              + ".");
    }
    for (Map.Entry<String, Long> e : usable.entrySet()) {
      if (e.getValue() < minRows) {
        String w =
            "class \""
                + e.getKey()
                + "\" has "
                + e.getValue()
                + " training row(s), fewer than finetune.min_rows_per_class = "
                + minRows
                + ": the head will rarely predict it reliably; add examples";
        LOG.warn("finetune: {}", w);
        warnings.add(w);
      }
    }
    return usable;
  }
}
