package dev.slimspark.udfs.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Parses one RedPajama/SlimPajama JSONL line: an object with a string {@code text}, an optional
 * {@code meta} and any other keys. {@code meta} and the other keys are kept as their exact source
 * bytes (lossless: number formats, key order and escapes survive), never re-serialized.
 *
 * <p>Not thread-safe; one instance per task.
 */
public final class JsonlLineParser {
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private final String sourceField;
  private boolean captureDocument = true;

  /** The outcome of parsing a line; {@link #reason} is null for a document. */
  public static final class Result {
    public QuarantineReason reason;
    public String detail;
    public String text;
    public String metaJson;
    public String extraJson;
    public String metaSource;

    void reset() {
      reason = null;
      detail = null;
      text = null;
      metaJson = null;
      extraJson = null;
      metaSource = null;
    }
  }

  /**
   * @param sourceField key inside {@code meta} that names the document's source (RedPajama: {@code
   *     redpajama_set_name}); null or empty to ignore meta for the source
   */
  public JsonlLineParser(String sourceField) {
    this.sourceField = sourceField == null || sourceField.isEmpty() ? null : sourceField;
  }

  /**
   * When false, lines are only classified (document or which quarantine reason): text, meta and
   * extra are not decoded, which makes a counting pass over the input several times cheaper.
   */
  public JsonlLineParser captureDocument(boolean capture) {
    this.captureDocument = capture;
    return this;
  }

  /** Parses {@code b[0, len)}, which must already be valid UTF-8. Fills and returns {@code out}. */
  public Result parse(byte[] b, int len, Result out) {
    out.reset();
    try (JsonParser p = FACTORY.createParser(b, 0, len)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        if (first == null) {
          return fail(out, QuarantineReason.MALFORMED_JSON, "no JSON value on the line");
        }
        // Distinguish a valid non-object value from garbage.
        p.skipChildren();
        if (p.nextToken() != null) {
          return fail(
              out, QuarantineReason.MALFORMED_JSON, "trailing content after the JSON value");
        }
        return fail(
            out, QuarantineReason.NOT_JSON_OBJECT, "top-level JSON value is " + describe(first));
      }
      boolean sawText = false;
      StringBuilder extra = null;
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        if ("text".equals(name)) {
          sawText = true;
          if (v == JsonToken.VALUE_STRING) {
            // Without capture the string is skipped undecoded by the next nextToken().
            out.text = captureDocument ? p.getText() : "";
          } else if (v == JsonToken.VALUE_NULL) {
            out.reason = QuarantineReason.NULL_TEXT;
            out.detail = "\"text\" is null";
          } else {
            out.reason = QuarantineReason.TEXT_NOT_STRING;
            out.detail = "\"text\" is " + describe(v);
            p.skipChildren();
          }
        } else if (!captureDocument) {
          p.skipChildren();
        } else if ("meta".equals(name)) {
          int start = (int) p.currentTokenLocation().getByteOffset();
          if (v == JsonToken.START_OBJECT && sourceField != null) {
            out.metaSource = scanMetaForSource(p);
          } else {
            p.skipChildren();
            p.finishToken();
          }
          int end = (int) p.currentLocation().getByteOffset();
          out.metaJson = new String(b, start, end - start, StandardCharsets.UTF_8);
        } else {
          int start = (int) p.currentTokenLocation().getByteOffset();
          p.skipChildren();
          p.finishToken(); // strings are decoded lazily: consume the value before asking where
          // it ends
          int end = (int) p.currentLocation().getByteOffset();
          if (extra == null) {
            extra = new StringBuilder(64).append('{');
          } else {
            extra.append(',');
          }
          extra
              .append('"')
              .append(JsonStringEncoder.getInstance().quoteAsString(name))
              .append("\":");
          extra.append(new String(b, start, end - start, StandardCharsets.UTF_8));
        }
      }
      if (t != JsonToken.END_OBJECT) {
        return fail(out, QuarantineReason.MALFORMED_JSON, "object is not closed");
      }
      if (p.nextToken() != null) {
        return fail(out, QuarantineReason.MALFORMED_JSON, "trailing content after the JSON object");
      }
      if (out.reason != null) {
        out.text = null;
        return out;
      }
      if (!sawText) {
        return fail(out, QuarantineReason.MISSING_TEXT, "object has no \"text\" key");
      }
      if (extra != null) {
        out.extraJson = extra.append('}').toString();
      }
      return out;
    } catch (JsonProcessingException e) {
      return fail(out, QuarantineReason.MALFORMED_JSON, firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      // Parsing a byte array does no I/O; Jackson still declares it.
      return fail(out, QuarantineReason.MALFORMED_JSON, firstLine(e.getMessage()));
    }
  }

  /**
   * Walks a meta object (parser on its START_OBJECT), returning the source field's string value.
   */
  private String scanMetaForSource(JsonParser p) throws IOException {
    String found = null;
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      JsonToken v = p.nextToken();
      if (found == null && sourceField.equals(key) && v == JsonToken.VALUE_STRING) {
        found = p.getText();
      } else {
        p.skipChildren();
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw new com.fasterxml.jackson.core.JsonParseException(p, "meta object is not closed");
    }
    return found;
  }

  private static Result fail(Result out, QuarantineReason reason, String detail) {
    out.reset();
    out.reason = reason;
    out.detail = detail;
    return out;
  }

  private static String describe(JsonToken t) {
    switch (t) {
      case START_ARRAY:
        return "an array";
      case START_OBJECT:
        return "an object";
      case VALUE_STRING:
        return "a string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "a number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "a boolean";
      case VALUE_NULL:
        return "null";
      default:
        return t.toString();
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "invalid JSON";
    }
    int nl = s.indexOf('\n');
    String line = nl >= 0 ? s.substring(0, nl) : s;
    return line.length() > 300 ? line.substring(0, 300) : line;
  }
}
