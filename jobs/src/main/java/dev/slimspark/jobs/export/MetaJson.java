package dev.slimspark.jobs.export;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * The JSON of one exported document: {@code {"text": ..., "meta": {"redpajama_set_name": source,
 * ...the source's own meta}}}, SlimPajama's line. The source meta (docs_raw.meta, exact source
 * JSON) keeps its keys in order and its numbers exactly; redpajama_set_name is the table's source
 * column; a meta that is not an object lands under "source_meta". One instance per task.
 */
final class MetaJson {
  static final String SET_NAME = "redpajama_set_name";

  private final ObjectMapper mapper =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
  private final ByteArrayOutputStream buf = new ByteArrayOutputStream(1 << 16);

  /** The meta object of a document. */
  ObjectNode meta(String source, String rawMeta) {
    ObjectNode meta = mapper.createObjectNode();
    meta.put(SET_NAME, source);
    if (rawMeta == null) {
      return meta;
    }
    JsonNode parsed;
    try {
      parsed = mapper.readTree(rawMeta);
    } catch (IOException e) {
      meta.put("source_meta", rawMeta); // not JSON: kept as text rather than lost
      return meta;
    }
    if (parsed != null && parsed.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = parsed.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (!f.getKey().equals(SET_NAME)) {
          meta.set(f.getKey(), f.getValue());
        }
      }
    } else if (parsed != null && !parsed.isNull()) {
      meta.set("source_meta", parsed);
    }
    return meta;
  }

  /** The meta object as compact JSON text (the parquet meta column). */
  String metaText(String source, String rawMeta) {
    try {
      return mapper.writeValueAsString(meta(source, rawMeta));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One JSON line, newline included, UTF-8. */
  byte[] line(String text, String source, String rawMeta) {
    buf.reset();
    try (JsonGenerator g = mapper.getFactory().createGenerator(buf)) {
      g.writeStartObject();
      g.writeStringField("text", text);
      g.writeFieldName("meta");
      mapper.writeTree(g, meta(source, rawMeta));
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    buf.write('\n');
    return buf.toByteArray();
  }
}
