package dev.slimspark.io;

import dev.slimspark.errors.UserErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 *
 * <p>Symbolic links (local filesystem; object stores have none): a link is followed, but every file
 * is read once, by its real path. A file or directory reached again through a link (a {@code latest
 * -> 2024} link, two patterns that overlap through a link) is skipped, and so is a link to a
 * directory that contains it (a cycle such as {@code sub/loop -> ..}); each skip is one line of
 * {@link Listing#skipped()}. A dangling link or an entry that cannot be read is listed with a
 * {@link Entry#problem}, so the ingest stage records it as an {@code unreadable_file} row.
 */
public final class InputFiles {
  private InputFiles() {}

  /** A file, its size in bytes and its modification time (ms since the epoch). */
  public static final class Entry implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    public final String path;
    public final long size;
    public final long modified;

    /** Why the entry cannot be read (dangling link, unlistable directory), or null when it can. */
    public final String problem;

    Entry(String path, long size, long modified) {
      this(path, size, modified, null);
    }

    Entry(String path, long size, long modified, String problem) {
      this.path = path;
      this.size = size;
      this.modified = modified;
      this.problem = problem;
    }
  }

  /** The files to read, and one line for each path that was not read because of a link. */
  public record Listing(List<Entry> files, List<String> skipped) {}

  /** The files to read (see {@link #list}). */
  public static List<Entry> expand(List<String> patterns, Configuration conf) {
    return list(patterns, conf).files();
  }

  /**
   * Lists every input once. Fails with a user error when there are no patterns or one matches
   * nothing; a pattern whose files were all reached before counts as matched.
   */
  public static Listing list(List<String> patterns, Configuration conf) {
    if (patterns.isEmpty()) {
      throw UserErrors.noInput("ingest.input");
    }
    Walk walk = new Walk();
    for (String pattern : patterns) {
      int before = walk.reached;
      try {
        Path p = new Path(pattern);
        FileSystem fs = p.getFileSystem(conf);
        FileStatus[] matches = fs.globStatus(p);
        if (matches != null) {
          for (FileStatus m : matches) {
            if ("file".equals(fs.getScheme())) {
              walk.local(m.getPath(), toLocal(m.getPath()));
            } else if (m.isDirectory()) {
              walk.remote(fs, m.getPath());
            } else {
              walk.add(m.getPath().toString(), m.getLen(), m.getModificationTime(), null);
            }
          }
        }
      } catch (IOException e) {
        throw UserErrors.of(
            "Cannot list input '" + pattern + "'.",
            e.getClass().getSimpleName() + ": " + e.getMessage(),
            "Check the path, the filesystem scheme and its credentials.");
      } catch (IllegalArgumentException e) {
        throw UserErrors.badConfigValue(
            "ingest.input", "\"" + pattern + "\"", "a valid path or glob (" + e.getMessage() + ")");
      }
      if (walk.reached == before) {
        throw UserErrors.inputMatchedNothing(pattern);
      }
    }
    walk.out.sort((a, b) -> a.path.compareTo(b.path));
    return new Listing(walk.out, walk.skipped);
  }

  private static java.nio.file.Path toLocal(Path p) {
    return java.nio.file.Paths.get(p.toUri());
  }

  /** The state of one listing: what was read, by path and by real path. */
  private static final class Walk {
    final List<Entry> out = new ArrayList<>();
    final List<String> skipped = new ArrayList<>();
    final TreeSet<String> seenPaths = new TreeSet<>();

    /** Real path of each file or directory already taken → the path it was taken under. */
    final Map<java.nio.file.Path, String> realSeen = new HashMap<>();

    /** Entries matched (read, or skipped as reached before), to tell "matched nothing". */
    int reached;

    void remote(FileSystem fs, Path dir) throws IOException {
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
      while (it.hasNext()) {
        LocatedFileStatus f = it.next();
        if (!hidden(f.getPath(), dir)) {
          add(f.getPath().toString(), f.getLen(), f.getModificationTime(), null);
        }
      }
    }

    /** Walks a local file or directory, following links, each real file once. */
    void local(Path path, java.nio.file.Path nio) {
      walkLocal(path, nio, new HashSet<>());
    }

    /**
     * {@code ancestors}: real paths of the directories above, to tell a cycle from a second way in.
     */
    private void walkLocal(Path path, java.nio.file.Path nio, Set<java.nio.file.Path> ancestors) {
      boolean link = Files.isSymbolicLink(nio);
      java.nio.file.Path real;
      BasicFileAttributes attrs;
      try {
        real = nio.toRealPath();
        attrs = Files.readAttributes(real, BasicFileAttributes.class);
      } catch (NoSuchFileException e) {
        problem(
            path, link ? "dangling symbolic link to " + target(nio) : "disappeared while listing");
        return;
      } catch (IOException e) {
        problem(
            path,
            (link
                    ? "symbolic link to " + target(nio) + " cannot be followed: "
                    : "cannot be read: ")
                + e.getClass().getSimpleName()
                + ": "
                + e.getMessage());
        return;
      }
      if (attrs.isDirectory() && ancestors.contains(real)) {
        reached++;
        skip(
            path
                + ": symbolic link to "
                + real
                + ", a directory that contains it (a cycle); not followed");
        return;
      }
      String first = realSeen.get(real);
      if (first != null && first.equals(path.toString())) {
        reached++; // Two patterns naming the same path: read once, nothing to report.
        return;
      }
      if (first != null) {
        reached++;
        skip(
            path
                + ": the same "
                + (attrs.isDirectory() ? "directory" : "file")
                + " as "
                + first
                + " (reached through a symbolic link); read once, as "
                + first);
        return;
      }
      realSeen.put(real, path.toString());
      if (!attrs.isDirectory()) {
        add(path.toString(), attrs.size(), attrs.lastModifiedTime().toMillis(), null);
        return;
      }
      List<String> names = new ArrayList<>();
      try (var children = Files.newDirectoryStream(nio)) {
        children.forEach(c -> names.add(c.getFileName().toString()));
      } catch (IOException e) {
        problem(
            path,
            "directory cannot be listed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        return;
      }
      names.sort(null);
      Set<java.nio.file.Path> inner = new HashSet<>(ancestors);
      inner.add(real);
      for (String n : names) {
        if (!n.startsWith("_") && !n.startsWith(".")) {
          walkLocal(new Path(path, n), nio.resolve(n), inner);
        }
      }
    }

    private static String target(java.nio.file.Path link) {
      try {
        return Files.readSymbolicLink(link).toString();
      } catch (IOException e) {
        return "?";
      }
    }

    private void problem(Path path, String why) {
      add(path.toString(), 0, 0, why);
    }

    private void skip(String line) {
      skipped.add(line);
    }

    void add(String path, long size, long modified, String problem) {
      reached++;
      if (seenPaths.add(path)) {
        out.add(new Entry(path, size, modified, problem));
      }
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
