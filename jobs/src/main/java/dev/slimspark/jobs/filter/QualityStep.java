package dev.slimspark.jobs.filter;

import dev.slimspark.udfs.ingest.ShardReader;
import dev.slimspark.udfs.quality.LanguageIdentifier;
import dev.slimspark.udfs.quality.QualityRules;
import dev.slimspark.udfs.quality.QualitySignals;
import dev.slimspark.udfs.quality.TextNormalization;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The per-document work of the filter stage, one pass per partition: normalize, signals, language,
 * rules. The language detector is built once per executor JVM (a lazy singleton), never per row or
 * per task.
 */
public final class QualityStep {
  private QualityStep() {}

  /** Columns added to the docs_raw columns (text is replaced by its normalized form). */
  static final StructType ADDED =
      new StructType()
          .add("char_count", DataTypes.IntegerType, false)
          .add("line_count", DataTypes.IntegerType, false)
          .add("word_count", DataTypes.IntegerType, false)
          .add("mean_word_length", DataTypes.DoubleType, false)
          .add("symbol_ratio", DataTypes.DoubleType, false)
          .add("bullet_line_ratio", DataTypes.DoubleType, false)
          .add("ellipsis_line_ratio", DataTypes.DoubleType, false)
          .add("alpha_word_ratio", DataTypes.DoubleType, false)
          .add("stop_word_count", DataTypes.IntegerType, false)
          .add("slimpajama_chars", DataTypes.IntegerType, false)
          .add("language", DataTypes.StringType, false)
          .add("language_confidence", DataTypes.DoubleType, false)
          .add("failed_rules", DataTypes.createArrayType(DataTypes.StringType, false), false)
          .add("drop_reason", DataTypes.StringType, true)
          .add("kept", DataTypes.BooleanType, false);

  public static Dataset<Row> apply(Dataset<Row> docs, QualityRules rules, boolean nfc) {
    StructType in = docs.schema();
    StructType out = new StructType();
    for (StructField f : in.fields()) {
      out = out.add(f);
    }
    for (StructField f : ADDED.fields()) {
      out = out.add(f);
    }
    int textIdx = in.fieldIndex("text");
    int bytesIdx = in.fieldIndex("byte_length");
    int width = in.size();
    MapPartitionsFunction<Row, Row> fn =
        rows ->
            new Iterator<>() {
              private final LanguageIdentifier lang = LanguageIdentifier.get();

              @Override
              public boolean hasNext() {
                return rows.hasNext();
              }

              @Override
              public Row next() {
                Row r = rows.next();
                String text = r.getString(textIdx);
                if (nfc) {
                  text = TextNormalization.nfc(text);
                }
                QualitySignals s = QualitySignals.compute(text);
                LanguageIdentifier.Result l = lang.identify(text);
                List<String> failed = rules.failures(s, l.language(), l.confidence());
                Object[] v = new Object[width + ADDED.size()];
                for (int i = 0; i < width; i++) {
                  v[i] = r.get(i);
                }
                v[textIdx] = text;
                v[bytesIdx] = ShardReader.utf8Length(text);
                int k = width;
                v[k++] = s.chars();
                v[k++] = s.lines();
                v[k++] = s.words();
                v[k++] = s.meanWordLength();
                v[k++] = s.symbolToWordRatio();
                v[k++] = s.bulletLineRatio();
                v[k++] = s.ellipsisLineRatio();
                v[k++] = s.alphaWordRatio();
                v[k++] = s.stopWordCount();
                v[k++] = s.slimPajamaLength();
                v[k++] = l.language();
                v[k++] = l.confidence();
                v[k++] =
                    scala.collection.JavaConverters.asScalaBuffer(new ArrayList<>(failed)).toSeq();
                v[k++] = failed.isEmpty() ? null : failed.get(0);
                v[k] = failed.isEmpty();
                return RowFactory.create(v);
              }
            };
    return docs.mapPartitions(fn, Encoders.row(out));
  }
}
