package dev.slimspark.io;

import dev.slimspark.errors.UserErrors;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Expands the configured inputs (files, directories, globs on any Hadoop filesystem) into a sorted,
 * de-duplicated list of fully qualified file paths. Only file names reach the driver, never data.
 * Hidden files ("_" or "." prefix, as Spark and Hadoop write) are skipped inside directories.
 */
public final class InputFiles {
  private InputFiles() {}

  /** A file, its size in bytes and its modification time (ms since the epoch). */
  public static final class Entry implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    public final String path;
    public final long size;
    public final long modified;

    Entry(String path, long size, long modified) {
      this.path = path;
      this.size = size;
      this.modified = modified;
    }
  }

  public static List<Entry> expand(List<String> patterns, Configuration conf) {
    if (patterns.isEmpty()) {
      throw UserErrors.noInput("ingest.input");
    }
    TreeSet<String> seen = new TreeSet<>();
    List<Entry> out = new ArrayList<>();
    for (String pattern : patterns) {
      int matched = 0;
      try {
        Path p = new Path(pattern);
        FileSystem fs = p.getFileSystem(conf);
        FileStatus[] matches = fs.globStatus(p);
        if (matches != null) {
          for (FileStatus m : matches) {
            if (m.isDirectory()) {
              RemoteIterator<LocatedFileStatus> it = fs.listFiles(m.getPath(), true);
              while (it.hasNext()) {
                LocatedFileStatus f = it.next();
                if (!hidden(f.getPath(), m.getPath())) {
                  add(out, seen, f);
                  matched++;
                }
              }
            } else {
              add(out, seen, m);
              matched++;
            }
          }
        }
      } catch (IOException e) {
        throw UserErrors.of(
            "Cannot list input '" + pattern + "'.",
            e.getClass().getSimpleName() + ": " + e.getMessage(),
            "Check the path, the filesystem scheme and its credentials.");
      } catch (IllegalArgumentException e) {
        throw UserErrors.badConfigValue("ingest.input", "\"" + pattern + "\"", "a valid path or glob (" + e.getMessage() + ")");
      }
      if (matched == 0) {
        throw UserErrors.inputMatchedNothing(pattern);
      }
    }
    out.sort((a, b) -> a.path.compareTo(b.path));
    return out;
  }

  private static void add(List<Entry> out, TreeSet<String> seen, FileStatus f) {
    String path = f.getPath().toString();
    if (seen.add(path)) {
      out.add(new Entry(path, f.getLen(), f.getModificationTime()));
    }
  }

  private static boolean hidden(Path file, Path root) {
    for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
      String n = p.getName();
      if (n.startsWith("_") || n.startsWith(".")) {
        return true;
      }
    }
    return false;
  }
}
