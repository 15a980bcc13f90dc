package dev.slimspark.jobs.label;

import dev.slimspark.udfs.djl.ModelDir;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;

/**
 * {@code type = "fine-tuned"}: a {@link FineTunedModel} directory (finetune output or a HuggingFace
 * ONNX sequence-classification export: one layout for both). Label = argmax of the class
 * probabilities; {@code scores} holds every class's probability. Labeler id = "fine-tuned:" +
 * SHA-256 over the model files and max length (first 16 hex chars).
 */
final class FineTunedLabeler implements Labeler {
  private final FineTunedModel model;
  private final EncoderSettings enc;
  private final LabelsTable.Ident ident;

  FineTunedLabeler(String modelDir, int maxLength, int batchSize) {
    this.model = FineTunedModel.load(modelDir, maxLength);
    this.enc = new EncoderSettings(model.encoderSpec(), model.maxLength(), batchSize, true);
    Path encDir = enc.validate();
    Path dir = Path.of(modelDir).toAbsolutePath();
    String fp =
        Fingerprint.of(
            Fingerprint.file(ModelDir.onnxFile(encDir)),
            Fingerprint.file(ModelDir.tokenizerFile(encDir)),
            Fingerprint.file(dir.resolve("config.json")),
            String.valueOf(model.maxLength()));
    String version =
        model.modelVersion() != null ? model.modelVersion() : "sha256:" + fp.substring(0, 16);
    this.ident = new LabelsTable.Ident("fine-tuned:" + fp.substring(0, 16), "fine-tuned", version);
  }

  @Override
  public LabelsTable.Ident ident() {
    return ident;
  }

  @Override
  public Dataset<Row> label(Dataset<Row> docs, String runId) {
    return label(docs, runId, null);
  }

  @Override
  public Dataset<Row> label(Dataset<Row> docs, String runId, CollectionAccumulator<Long> loadMs) {
    Dataset<Row> emb = EmbedStep.apply(docs.select("id", "text"), "text", enc, false, loadMs);
    FineTunedModel m = model;
    LabelsTable.Ident id = ident;
    EmbedStep.Columns col = EmbedStep.Columns.of(emb.schema());
    return emb.map(
        (MapFunction<Row, Row>)
            r -> {
              Row failed = col.errorRow(id, r, runId);
              if (failed != null) {
                return failed;
              }
              String docId = r.getString(0);
              double[] p = m.scores(EmbedStep.vector(r, col.vector()));
              Map<String, Double> scores = new LinkedHashMap<>();
              for (int c = 0; c < p.length; c++) {
                scores.put(m.labels().get(c), p[c]);
              }
              String label = m.labels().get(HeadFeatures.argmax(p));
              return id.row(
                  docId,
                  label,
                  scores,
                  null,
                  r.getInt(col.tokens()),
                  r.getBoolean(col.truncated()),
                  null,
                  r.getDouble(col.deviceMs()),
                  runId);
            },
        Encoders.row(LabelsTable.SCHEMA));
  }
}
