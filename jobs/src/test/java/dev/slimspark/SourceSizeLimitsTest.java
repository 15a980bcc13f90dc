package dev.slimspark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.LineMap;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Keeps the main sources readable: no method longer than {@value #MAX_METHOD_LINES} lines (from its
 * first modifier or annotation to its closing brace; Javadoc not counted) and no file longer than
 * {@value #MAX_FILE_LINES} lines, unless the file's header says why in a {@code // size-limit:
 * <reason>} comment (for data-like files only, where splitting would be artificial). Measured on
 * the formatted sources with the JDK's own parser, so the numbers are javac's.
 */
class SourceSizeLimitsTest {
  private static final Path MAIN = Path.of("src/main/java");
  static final int MAX_METHOD_LINES = 79;
  static final int MAX_FILE_LINES = 400;

  /** The exemption from the file limit: a line comment with a reason, before the first type. */
  private static final Pattern FILE_EXEMPTION =
      Pattern.compile("(?m)^\\s*//\\s*size-limit:\\s*\\S.*$");

  @Test
  void methodsAndFilesStayWithinTheirLimits() throws IOException {
    List<Path> files = mainSources();
    assertFalse(files.isEmpty(), "no sources under " + MAIN.toAbsolutePath());
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    Path root = MAIN.toAbsolutePath();
    List<String> longMethods = new ArrayList<>();
    List<String> longFiles = new ArrayList<>();
    try (StandardJavaFileManager fm = javac.getStandardFileManager(null, null, null)) {
      JavacTask task =
          (JavacTask)
              javac.getTask(
                  null,
                  fm,
                  d -> {},
                  List.of("-proc:none"),
                  null,
                  fm.getJavaFileObjectsFromPaths(files));
      SourcePositions pos = Trees.instance(task).getSourcePositions();
      for (CompilationUnitTree cu : task.parse()) {
        String file = root.relativize(Path.of(cu.getSourceFile().toUri())).toString();
        longMethods.addAll(longMethods(cu, pos, file));
        String text = cu.getSourceFile().getCharContent(true).toString();
        long lines = text.lines().count();
        if (lines > MAX_FILE_LINES && !exempt(cu, pos, text)) {
          longFiles.add(String.format("%s: %d lines", file, lines));
        }
      }
    }
    assertEquals(
        List.of(),
        longMethods,
        "methods over "
            + MAX_METHOD_LINES
            + " lines: split each into well-named private methods (or a small class)");
    assertEquals(
        List.of(),
        longFiles,
        "files over "
            + MAX_FILE_LINES
            + " lines: split the file by responsibility; only a data-like file that would be split"
            + " artificially may instead say why in a `// size-limit: <reason>` comment at its top");
  }

  /** Methods with a body longer than the limit, as "file:line name(): n lines". */
  private static List<String> longMethods(
      CompilationUnitTree cu, SourcePositions pos, String file) {
    LineMap lines = cu.getLineMap();
    List<String> out = new ArrayList<>();
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitMethod(MethodTree m, Void unused) {
        if (m.getBody() != null) {
          long first = lines.getLineNumber(pos.getStartPosition(cu, m));
          long last = lines.getLineNumber(pos.getEndPosition(cu, m));
          long n = last - first + 1;
          if (n > MAX_METHOD_LINES) {
            out.add(String.format("%s:%d %s(): %d lines", file, first, m.getName(), n));
          }
        }
        return super.visitMethod(m, unused);
      }
    }.scan(cu, null);
    return out;
  }

  /** Whether the file's header (the text before its first type) has a size-limit comment. */
  private static boolean exempt(CompilationUnitTree cu, SourcePositions pos, String text) {
    long header = text.length();
    for (Tree t : cu.getTypeDecls()) {
      if (t instanceof ClassTree) {
        header = Math.min(header, pos.getStartPosition(cu, t));
      }
    }
    return FILE_EXEMPTION.matcher(text.substring(0, (int) header)).find();
  }

  private static List<Path> mainSources() throws IOException {
    try (Stream<Path> s = Files.walk(MAIN)) {
      return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
  }
}
