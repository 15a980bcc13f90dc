package dev.slimspark.sample;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A corpus with planted evaluation text, for decontamination's tests and benchmark: documents of
 * the sample generator's sources, eval items in the style of financial sentences (generated
 * sentences with a figure in them, 8 to 40 words), and each item embedded once into one document
 * with case, punctuation, line-break and surrounding-text changes. The same documents without the
 * plants are the clean corpus, on which nothing should be flagged. Seeded: same arguments, same
 * corpus.
 */
public final class ContaminationPlanter {
  /** How a planted copy differs from its item. */
  public enum Variant {
    /** Upper-cased. */
    UPPER,
    /** Commas and the final stop dropped, quotes and "!!" added. */
    PUNCTUATION,
    /** Broken over two lines with extra spaces, as pasted text is. */
    SPLIT_LINES,
    /** Glued to the surrounding sentence with a dash, title-cased. */
    GLUED
  }

  /** One planted copy: the item's index in {@link Corpus#items()} and the document it is in. */
  public record Plant(int item, int doc, Variant variant) {}

  /**
   * @param clean the documents without plants (doc i has id "d" + i)
   * @param planted the same documents with the plants
   * @param items the eval items
   * @param plants where each item was planted (one per item)
   */
  public record Corpus(
      List<String> clean, List<String> planted, List<String> items, List<Plant> plants) {}

  private ContaminationPlanter() {}

  /** {@code docs} documents, {@code items} eval items each planted into one of them. */
  public static Corpus generate(int docs, int items, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    TextFactory tf = new TextFactory(rng);
    SourceTexts st = new SourceTexts(tf);
    String[] sources = {
      SampleCorpusGenerator.CC, SampleCorpusGenerator.C4, SampleCorpusGenerator.WIKIPEDIA
    };
    List<String> clean = new ArrayList<>(docs);
    for (int i = 0; i < docs; i++) {
      StringBuilder sb = new StringBuilder();
      st.write(sb, sources[i % sources.length]);
      clean.add(sb.toString());
    }
    Set<String> unique = new LinkedHashSet<>();
    while (unique.size() < items) {
      unique.add(item(tf));
    }
    List<String> itemList = new ArrayList<>(unique);
    List<StringBuilder> planted = new ArrayList<>();
    clean.forEach(t -> planted.add(new StringBuilder(t)));
    List<Plant> plants = new ArrayList<>();
    for (int i = 0; i < itemList.size(); i++) {
      int doc = tf.nextInt(docs);
      Variant v = Variant.values()[i % Variant.values().length];
      embed(planted.get(doc), vary(itemList.get(i), v, tf), tf);
      plants.add(new Plant(i, doc, v));
    }
    return new Corpus(
        clean, planted.stream().map(StringBuilder::toString).toList(), itemList, plants);
  }

  /** A sentence-like item of 8 to 40 words with a figure ("31.8") somewhere in it. */
  private static String item(TextFactory tf) {
    int target = tf.chance(20) ? tf.between(8, 12) : tf.between(13, 40);
    List<String> words = new ArrayList<>();
    while (words.size() < target) {
      StringBuilder sb = new StringBuilder();
      tf.sentence(sb);
      for (String w : sb.toString().split("\\s+")) {
        words.add(w);
      }
    }
    words = new ArrayList<>(words.subList(0, target - 1));
    words.add(tf.nextInt(words.size() + 1), tf.between(2, 999) + "." + tf.between(0, 9));
    String s = String.join(" ", words).replaceAll("[.]$", "");
    return Character.toUpperCase(s.charAt(0)) + s.substring(1) + " .";
  }

  private static String vary(String item, Variant v, TextFactory tf) {
    return switch (v) {
      case UPPER -> item.toUpperCase(Locale.ROOT);
      case PUNCTUATION -> "\"" + item.replace(",", "").replace(" .", "") + "!!\"";
      case SPLIT_LINES -> {
        String[] w = item.split(" ");
        int at = 1 + tf.nextInt(w.length - 1);
        yield String.join("  ", java.util.Arrays.copyOfRange(w, 0, at))
            + "\n"
            + String.join(" ", java.util.Arrays.copyOfRange(w, at, w.length));
      }
      case GLUED -> "—" + titleCase(item) + ";";
    };
  }

  private static String titleCase(String s) {
    StringBuilder sb = new StringBuilder();
    for (String w : s.split(" ")) {
      sb.append(sb.length() == 0 ? "" : " ").append(TextFactory.capital(w));
    }
    return sb.toString();
  }

  /** Inserts {@code text} at a word boundary of {@code doc}, with a space on each side. */
  private static void embed(StringBuilder doc, String text, TextFactory tf) {
    int at = tf.nextInt(doc.length() + 1);
    while (at < doc.length() && !Character.isWhitespace(doc.charAt(at))) {
      at++;
    }
    doc.insert(at, " " + text + " ");
  }
}
