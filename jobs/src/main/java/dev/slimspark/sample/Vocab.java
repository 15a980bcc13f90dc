package dev.slimspark.sample;

/**
 * Word lists for the sample generator. All lists were written for this project (no copied text);
 * they are plain common words so the output looks like ordinary prose to quality filters and
 * language detectors. Arrays are never mutated after class initialisation.
 */
final class Vocab {
  private Vocab() {}

  private static String[] w(String s) {
    return s.trim().split("\\s+");
  }

  // ---------------------------------------------------------------- English

  static final String[] NOUNS =
      w(
          """
      river village garden teacher market window morning evening country city family student
      library kitchen mountain forest valley island harbor bridge road station engine machine
      report letter story history question answer problem method result system process project
      office company worker farmer doctor artist writer reader friend neighbor child parent
      brother sister season winter summer autumn spring weather storm cloud light shadow color
      picture painting song music voice language word sentence chapter page paper table chair
      door wall floor roof house building street corner field hill lake stone tree flower leaf
      seed harvest bread cheese apple orange coffee dinner lunch breakfast recipe meal journey
      travel train ship boat plane airport ticket price cost budget plan idea reason effect
      change growth energy water fire earth metal glass wood cotton wool silver gold coin
      network computer program database server record file folder message signal pattern model
      theory experiment sample measure value number amount level range group team member
      leader council government policy law rule court judge lawyer election museum school
      course lesson exam skill habit health hospital medicine patient nurse animal horse bird
      fish insect garden path trail camp tent lamp candle clock hour minute moment century
      decade memory dream hope fear courage silence noise market product customer service
      """);

  static final String[] ADJECTIVES =
      w(
          """
      small large old young new early late quiet busy bright dark warm cold heavy light quick
      slow simple careful strong gentle clear deep wide narrow long short local public private
      common rare useful important modern ancient famous curious honest patient serious happy
      calm rough smooth fresh green golden silver empty full open hidden northern southern
      eastern western central rural urban regular special careful steady narrow precise natural
      practical social political economic physical personal national familiar distant nearby
      """);

  /** Verbs as base|third-person|past|participle. */
  static final String[][] VERBS;

  static {
    String[] raw =
        w(
            """
        build|builds|built|built find|finds|found|found keep|keeps|kept|kept bring|brings|brought|brought
        hold|holds|held|held make|makes|made|made take|takes|took|taken give|gives|gave|given
        show|shows|showed|shown write|writes|wrote|written read|reads|read|read carry|carries|carried|carried
        open|opens|opened|opened close|closes|closed|closed change|changes|changed|changed
        explain|explains|explained|explained describe|describes|described|described
        study|studies|studied|studied visit|visits|visited|visited follow|follows|followed|followed
        measure|measures|measured|measured improve|improves|improved|improved protect|protects|protected|protected
        support|supports|supported|supported create|creates|created|created collect|collects|collected|collected
        repair|repairs|repaired|repaired prepare|prepares|prepared|prepared review|reviews|reviewed|reviewed
        share|shares|shared|shared watch|watches|watched|watched reach|reaches|reached|reached
        move|moves|moved|moved paint|paints|painted|painted plant|plants|planted|planted
        clean|cleans|cleaned|cleaned test|tests|tested|tested design|designs|designed|designed
        discover|discovers|discovered|discovered choose|chooses|chose|chosen send|sends|sent|sent
        """);
    VERBS = new String[raw.length][];
    for (int i = 0; i < raw.length; i++) {
      VERBS[i] = raw[i].split("\\|");
    }
  }

  static final String[] ADVERBS =
      w(
          """
      often rarely quickly slowly carefully quietly clearly finally suddenly usually certainly
      always never sometimes soon later today together again nearly almost
      """);

  static final String[] PREPOSITIONS =
      w("in on near across through under over behind beside along into from for with after before");

  static final String[] DETERMINERS = w("the the the a a this that every our their each one");

  static final String[] PLURAL_QUANTIFIERS = w("two three several many few some four five");

  static final String[] CONNECTORS =
      w("However, Moreover, Later, Still, Meanwhile, Therefore, Instead, Indeed, Afterwards,");

  static final String[] PLURAL_NOUNS;

  static {
    PLURAL_NOUNS = new String[NOUNS.length];
    for (int i = 0; i < NOUNS.length; i++) {
      PLURAL_NOUNS[i] = plural(NOUNS[i]);
    }
  }

  static String plural(String n) {
    int len = n.length();
    char last = n.charAt(len - 1);
    if (last == 'y' && len > 1 && "aeiou".indexOf(n.charAt(len - 2)) < 0) {
      return n.substring(0, len - 1) + "ies";
    }
    if (last == 's' || last == 'x' || n.endsWith("ch") || n.endsWith("sh")) {
      return n + "es";
    }
    if (n.endsWith("leaf")) {
      return n.substring(0, len - 1) + "ves";
    }
    if (n.equals("child")) {
      return "children";
    }
    return n + "s";
  }

  /** Long content words (≥ 8 letters) for documents that need few but long words. */
  static final String[] LONG_WORDS =
      w(
          """
      agricultural international considerable development neighborhood construction
      responsibility experimental administration temperature environmental observation
      transportation communication significant measurement investigation educational
      remarkable particularly manufacturing independent documentation professional
      """);

  /** The eight English stop words Gopher's stop-word rule looks for. */
  static final String[] GOPHER_STOP_WORDS = w("the be to of and that have with");

  /** Very short tokens for the mean_word_length (too short) plant. */
  static final String[] TINY_WORDS =
      w("a I to of be it is in on at an as by go do so up we he me no or x y z ok");

  /** Invented personal names for fiction and user names. */
  static final String[] NAMES =
      w(
          """
      Alder Brenna Corvin Dalia Emrick Fenna Garrow Hesper Ivo Joran Kestrel Linnea Marek Nerys
      Orin Perrin Quilla Rowan Sabine Tamsin Ulric Vesna Wren Yara Zoltan Maelis Torvin Elsabet
      """);

  static final String[] TLDS = w("com org net info io co.uk");

  static final String[] LICENSES = w("mit apache-2.0 bsd-3-clause gpl-3.0 unlicense");

  static final String[] STACK_SITES =
      w(
          "stackoverflow.com math.stackexchange.com superuser.com cooking.stackexchange.com gardening.stackexchange.com");

  // ---------------------------------------------------------------- other languages
  // Real, common words of each language, enough for an n-gram language detector to be sure.

  static final String[][] FR = {
    w("le la les un une ce cette notre leur chaque"),
    w(
        """
      maison ville enfant travail jardin livre école rivière montagne voiture famille semaine journée
      histoire pays monde village chemin fenêtre porte table lumière saison matin soir année marché
      pain fromage musique chanson voyage gouvernement entreprise projet question réponse idée
      problème solution recherche étude société nature forêt plage soleil ciel nuage pluie hiver
      printemps automne ami voisin professeur médecin mémoire pensée langue cuisine boulangerie
      """),
    w(
        """
      est devient reste semble prend donne trouve regarde cherche porte ouvre ferme construit
      raconte explique montre attend aime préfère commence termine écrit connaît comprend
      """),
    w(
        "grand petit nouveau ancien beau long important simple difficile heureux calme rapide froid chaud fort clair"),
    w("dans sur avec pour sans sous entre vers chez depuis pendant après avant"),
    w("et mais ou donc car puis alors pourtant parce que quand"),
    w("très toujours souvent aussi encore déjà bien beaucoup vraiment ensuite ici maintenant"),
  };

  static final String[][] DE = {
    w("der die das ein eine dieser jede unser ihr kein"),
    w(
        """
      Haus Stadt Kind Arbeit Garten Buch Schule Fluss Berg Wagen Familie Woche Tag Geschichte Land
      Welt Dorf Weg Fenster Tür Tisch Licht Jahreszeit Morgen Abend Jahr Markt Brot Käse Musik
      Lied Reise Regierung Unternehmen Projekt Frage Antwort Idee Problem Lösung Forschung
      Gesellschaft Natur Wald Meer Strand Sonne Himmel Wolke Regen Winter Sommer Frühling Herbst
      Freund Nachbar Lehrer Ärztin Sprache Zeit Wasser Küche Bäckerei Zeitung Straße
      """),
    w(
        """
      ist wird bleibt scheint nimmt gibt findet sieht sucht trägt öffnet schließt baut erzählt
      erklärt zeigt wartet liebt beginnt beendet schreibt liest kennt versteht bringt kauft spielt
      """),
    w(
        "groß klein neu alt schön lang wichtig einfach schwierig glücklich ruhig schnell kalt warm stark hell dunkel"),
    w("in auf mit für ohne unter zwischen nach bei seit während vor über durch"),
    w("und aber oder denn weil wenn dann also trotzdem dass"),
    w("sehr immer oft auch noch schon gern nicht heute wieder wirklich hier jetzt natürlich"),
  };

  static final String[][] ES = {
    w("el la los las un una este esta nuestro cada"),
    w(
        """
      casa ciudad niño trabajo jardín libro escuela río montaña coche familia semana día historia
      país mundo pueblo camino ventana puerta mesa luz estación mañana noche año mercado pan queso
      música canción viaje gobierno empresa proyecto pregunta respuesta idea problema solución
      investigación estudio sociedad naturaleza bosque mar playa sol cielo nube lluvia invierno
      verano primavera otoño amigo vecino profesor médico lengua tiempo agua cocina panadería
      """),
    w(
        """
      es tiene hace toma da encuentra mira busca lleva abre cierra construye cuenta explica
      muestra espera quiere prefiere empieza termina escribe lee conoce entiende llega parece
      """),
    w(
        "grande pequeño nuevo viejo hermoso largo importante sencillo difícil feliz tranquilo rápido frío caliente fuerte claro oscuro"),
    w("en sobre con para sin bajo entre hacia desde durante por de del al"),
    w("y pero o porque cuando entonces aunque que también"),
    w("muy siempre todavía ya bien más mucho no hoy aquí ahora realmente después"),
  };
}
