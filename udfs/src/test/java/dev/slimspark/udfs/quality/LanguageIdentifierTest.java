package dev.slimspark.udfs.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class LanguageIdentifierTest {

  // Sentences written for this test (same content in each language).
  static final String EN =
      "The small library near the river opens early on weekdays, and many students come there"
          + " to read quietly before their classes begin. Last winter the town council decided to repair the old"
          + " roof, because water had been dripping onto the shelves during every heavy storm.";
  static final String FR =
      "La petite biblioth\u00e8que pr\u00e8s de la rivi\u00e8re ouvre t\u00f4t en semaine, et"
          + " beaucoup d'\u00e9tudiants viennent y lire tranquillement avant le d\u00e9but de leurs cours. L'hiver"
          + " dernier, le conseil municipal a d\u00e9cid\u00e9 de r\u00e9parer le vieux toit, parce que l'eau coulait"
          + " sur les \u00e9tag\u00e8res pendant chaque orage.";
  static final String DE =
      "Die kleine Bibliothek am Fluss \u00f6ffnet an Wochentagen fr\u00fch, und viele Studenten"
          + " kommen dorthin, um vor dem Beginn ihrer Vorlesungen in Ruhe zu lesen. Im letzten Winter beschloss der"
          + " Gemeinderat, das alte Dach zu reparieren, weil bei jedem starken Gewitter Wasser auf die Regale tropfte.";
  static final String ES =
      "La peque\u00f1a biblioteca junto al r\u00edo abre temprano entre semana, y muchos"
          + " estudiantes van all\u00ed para leer en silencio antes de que empiecen sus clases. El invierno pasado,"
          + " el ayuntamiento decidi\u00f3 reparar el viejo tejado, porque el agua ca\u00eda sobre las"
          + " estanter\u00edas durante cada tormenta fuerte.";
  // 河边的小图书馆在工作日很早就开门，许多学生在上课之前来这里安静地读书。去年冬天，镇政府决定修理旧屋顶，因为每次下大雨的时候，水都会滴到书架上。
  static final String ZH =
      "\u6cb3\u8fb9\u7684\u5c0f\u56fe\u4e66\u9986\u5728\u5de5\u4f5c\u65e5\u5f88\u65e9\u5c31"
          + "\u5f00\u95e8\uff0c\u8bb8\u591a\u5b66\u751f\u5728\u4e0a\u8bfe\u4e4b\u524d\u6765\u8fd9\u91cc\u5b89\u9759"
          + "\u5730\u8bfb\u4e66\u3002\u53bb\u5e74\u51ac\u5929\uff0c\u9547\u653f\u5e9c\u51b3\u5b9a\u4fee\u7406\u65e7"
          + "\u5c4b\u9876\uff0c\u56e0\u4e3a\u6bcf\u6b21\u4e0b\u5927\u96e8\u7684\u65f6\u5019\uff0c\u6c34\u90fd\u4f1a"
          + "\u6ef4\u5230\u4e66\u67b6\u4e0a\u3002";

  private static final LanguageIdentifier ID = LanguageIdentifier.get();

  private static void assertLanguage(String expected, String text) {
    LanguageIdentifier.Result r = ID.identify(text);
    assertEquals(expected, r.language(), r.toString());
    assertTrue(r.confidence() > 0.9 && r.confidence() <= 1.0, r.toString());
  }

  @Test
  void identifiesClearParagraphs() {
    assertLanguage("en", EN);
    assertLanguage("fr", FR);
    assertLanguage("de", DE);
    assertLanguage("es", ES);
    assertLanguage("zh", ZH);
  }

  @Test
  void undeterminedForEmptyAndNonLinguisticInput() {
    assertSame(LanguageIdentifier.Result.UNKNOWN, ID.identify(null));
    assertSame(LanguageIdentifier.Result.UNKNOWN, ID.identify(""));
    assertEquals(LanguageIdentifier.Result.UNKNOWN, ID.identify("1234567890 42 3.14 2024-01-01"));
    assertEquals(LanguageIdentifier.Result.UNKNOWN, ID.identify("   \n\t "));
    assertEquals(LanguageIdentifier.Result.UNKNOWN, ID.identify("!!! ... ???"));
  }

  @Test
  void singletonAndDeterministic() {
    assertSame(ID, LanguageIdentifier.get());
    assertEquals(ID.identify(EN + " " + FR), ID.identify(EN + " " + FR));
  }

  @Test
  void looksOnlyAtPrefix() {
    // English filling the whole prefix, then a long German tail that is never examined.
    String en = (EN + " ").repeat(LanguageIdentifier.DEFAULT_PREFIX_CHARS / EN.length() + 1);
    assertEquals("en", ID.identify(en + DE.repeat(500)).language());
  }

  @Test
  void prefixDoesNotSplitSurrogatePairs() {
    String s = "a".repeat(3999) + "\ud83d\ude00" + "b";
    assertEquals(3999, LanguageIdentifier.prefix(s, 4000).length());
    assertEquals(4000, LanguageIdentifier.prefix("a".repeat(5000), 4000).length());
    String shortText = "short";
    assertSame(shortText, LanguageIdentifier.prefix(shortText, 4000));
  }

  @Test
  void threadSafeUnderConcurrentUse() throws Exception {
    String[] texts = {EN, FR, DE, ES, ZH};
    List<LanguageIdentifier.Result> expected = new ArrayList<>();
    for (String t : texts) {
      expected.add(ID.identify(t));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> futures = new ArrayList<>();
      for (int k = 0; k < 8; k++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int round = 0; round < 10; round++) {
                    for (int j = 0; j < texts.length; j++) {
                      if (!expected.get(j).equals(ID.identify(texts[j]))) {
                        return false;
                      }
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> f : futures) {
        assertTrue(f.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
