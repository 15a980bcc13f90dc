package dev.slimspark.jobs.export;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.format.ColumnChunk;
import org.apache.parquet.format.ColumnMetaData;
import org.apache.parquet.format.Encoding;
import org.apache.parquet.format.FileMetaData;
import org.apache.parquet.format.KeyValue;
import org.apache.parquet.format.PageEncodingStats;
import org.apache.parquet.format.RowGroup;
import org.apache.parquet.format.Util;

/**
 * Makes a Parquet file's footer independent of the JVM that wrote it. parquet-mr lists each column
 * chunk's encodings from a HashSet of enums, whose order follows identity hash codes: the same rows
 * written by two processes differ in those bytes. The copy made here sorts the encodings (and the
 * page encoding stats and key/value metadata) and leaves every data byte and offset as it was;
 * readers ignore the order.
 */
final class ParquetFooter {
  private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  private ParquetFooter() {}

  /** Copies {@code from} to {@code to} with the footer normalized; returns "size sha256hex". */
  static String copyNormalized(FileSystem fs, Path from, Path to) throws IOException {
    long len = fs.getFileStatus(from).getLen();
    byte[] tail = new byte[8];
    byte[] footer;
    try (FSDataInputStream in = fs.open(from)) {
      in.readFully(len - 8, tail);
      int footerLen = ByteBuffer.wrap(tail, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
      footer = new byte[footerLen];
      in.readFully(len - 8 - footerLen, footer);
    }
    FileMetaData md = Util.readFileMetaData(new ByteArrayInputStream(footer));
    normalize(md);
    ByteArrayOutputStream out = new ByteArrayOutputStream(footer.length);
    Util.writeFileMetaData(md, out);
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long body = len - 8 - footer.length;
    try (InputStream in = fs.open(from);
        OutputStream o = new DigestOutputStream(fs.create(to, true), sha)) {
      byte[] buf = new byte[1 << 20];
      for (long left = body; left > 0; ) {
        int r = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (r < 0) {
          throw new IOException("short read of " + from);
        }
        o.write(buf, 0, r);
        left -= r;
      }
      out.writeTo(o);
      o.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(out.size()).array());
      o.write(MAGIC);
    }
    return (body + out.size() + 8) + " " + HexFormat.of().formatHex(sha.digest());
  }

  static void normalize(FileMetaData md) {
    for (RowGroup rg : md.getRow_groups()) {
      for (ColumnChunk cc : rg.getColumns()) {
        ColumnMetaData m = cc.getMeta_data();
        if (m == null) {
          continue;
        }
        m.getEncodings().sort(Comparator.comparingInt(Encoding::getValue));
        if (m.isSetEncoding_stats()) {
          m.getEncoding_stats()
              .sort(
                  Comparator.comparingInt((PageEncodingStats s) -> s.getPage_type().getValue())
                      .thenComparingInt(s -> s.getEncoding().getValue()));
        }
      }
    }
    if (md.isSetKey_value_metadata()) {
      md.getKey_value_metadata().sort(Comparator.comparing(KeyValue::getKey));
    }
  }
}
