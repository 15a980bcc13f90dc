package dev.slimspark.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.xxhash64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slimspark.TestSpark;
import dev.slimspark.jobs.JobSummary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A fingerprint of one sample-pipeline run: per table its row count and an order-independent
 * content hash, per stage summary its counts and the names of its other keys, per exported trainer
 * file its SHA-256. Refactorings that must not change behaviour compare it with the golden file
 * made on the code before them; {@code -Dslimspark.golden.write=true} rewrites that file.
 *
 * <p>The sample directory is replaced by "SAMPLE" in every value: it is a fresh temporary directory
 * per test JVM, and file paths are stored in several tables.
 */
final class PipelineGolden {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SAMPLE = "SAMPLE";

  private PipelineGolden() {}

  /**
   * The fingerprint of the run that wrote {@code lake} from the corpus in {@code sample}, as read
   * back from its JSON text: the golden file's numbers are parsed the same way (int vs long nodes).
   */
  static JsonNode fingerprint(
      Path lake, Path sample, List<String> tables, Map<String, JobSummary> summaries)
      throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode t = root.putObject("tables");
    for (String name : new TreeSet<>(tables)) {
      Dataset<Row> df =
          TestSpark.session().read().format("delta").load(lake.resolve(name).toString());
      ObjectNode entry = t.putObject(name);
      entry.put("rows", df.count());
      entry.put("content_hash", contentHash(df, sample.toString()));
    }
    ObjectNode s = root.putObject("summaries");
    for (Map.Entry<String, JobSummary> e : new TreeMap<>(summaries).entrySet()) {
      ObjectNode entry = s.putObject(e.getKey());
      // Through a string: Jackson reads small numbers back as ints, the summary holds longs.
      String counts =
          JSON.writeValueAsString(e.getValue().counts()).replace(sample.toString(), SAMPLE);
      entry.set("counts", JSON.readTree(counts));
      entry.set("extra_keys", JSON.valueToTree(new TreeSet<>(e.getValue().extra().keySet())));
      entry.set(
          "output_tables",
          JSON.valueToTree(e.getValue().outputs().stream().map(o -> o.get("table")).toList()));
    }
    root.set("export_files", exportFiles(lake.resolve("_export")));
    return JSON.readTree(JSON.writeValueAsString(root));
  }

  /**
   * Sum (mod 2^64) of a hash of each row's JSON: equal for equal multisets of rows, in any order.
   */
  static String contentHash(Dataset<Row> df, String sampleDir) {
    Dataset<Row> hashes =
        df.select(
            xxhash64(
                    regexp_replace(
                        to_json(struct(col("*"))), lit(Pattern.quote(sampleDir)), lit(SAMPLE)))
                .as("h"));
    long sum = 0;
    for (Row r : hashes.collectAsList()) {
      sum += r.getLong(0);
    }
    return Long.toHexString(sum);
  }

  private static ObjectNode exportFiles(Path dir) throws IOException {
    ObjectNode files = JSON.createObjectNode();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
        String rel = dir.relativize(f).toString();
        if (!rel.endsWith(".crc") && !f.getFileName().toString().startsWith(".")) {
          files.put(rel, sha256(f));
        }
      }
    }
    return files;
  }

  private static String sha256(Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The golden file under the repository (read there, not from the classpath, so a rewrite is seen
   * at once).
   */
  static Path goldenFile() {
    return Path.of(System.getProperty("slimspark.repo.root", ".."))
        .resolve("jobs/src/test/resources/dev/slimspark/pipeline/sample-pipeline-golden.json");
  }

  static void write(JsonNode fingerprint) throws IOException {
    Files.createDirectories(goldenFile().getParent());
    JSON.writerWithDefaultPrettyPrinter().writeValue(goldenFile().toFile(), fingerprint);
  }

  static JsonNode read() throws IOException {
    return JSON.readTree(goldenFile().toFile());
  }
}
