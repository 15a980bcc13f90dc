package dev.slimspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds credentials written into a config file: its content is hashed into the {@code runs} table
 * and the file itself is copied, committed and shared, so a secret in it leaks. Keys are split into
 * words (at '.', '_', '-' and lower-to-upper case changes) and a key is a secret when a word is
 * secret, password, passwd, token or credential(s), or two words read access/private/account/
 * encryption/secret key. Whole words only: {@code tokenize.tokenizer.kind}, {@code tokenize.bos},
 * {@code pack.partition_tokens} are not secrets; neither is a tokenizer's "pad token" or
 * "bos_token", whose value is vocabulary, not a credential. Values are never logged.
 */
final class Secrets {
  private static final Logger LOG = LoggerFactory.getLogger(Secrets.class);
  private static final Set<String> SECRET_WORDS =
      Set.of("secret", "password", "passwd", "token", "credential", "credentials");
  private static final Set<String> KEY_QUALIFIERS =
      Set.of("access", "private", "account", "encryption", "secret");

  /**
   * Words before "token" that make it a vocabulary item (a tokenizer's special token), not a
   * credential.
   */
  private static final Set<String> VOCABULARY =
      Set.of("bos", "eos", "pad", "unk", "sep", "cls", "mask", "special", "start", "end");

  private Secrets() {}

  /**
   * One warning per secret-looking key of {@code config} (read from {@code origin}); each is also
   * logged.
   */
  static List<String> warnings(Config config, String origin) {
    Map<String, ConfigValue> sorted = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : config.entrySet()) {
      sorted.put(e.getKey(), e.getValue());
    }
    List<String> out = new ArrayList<>();
    for (String key : sorted.keySet()) {
      if (isSecret(key)) {
        String w =
            "Config file "
                + origin
                + " sets '"
                + key
                + "', which looks like a credential. A config file is hashed"
                + " into the runs table and gets copied and committed; pass credentials through the environment (the AWS"
                + " default chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, an instance profile) or spark-submit --conf,"
                + " or at least --set on the command line, not in this file.";
        LOG.warn(w);
        out.add(w);
      }
    }
    return out;
  }

  static boolean isSecret(String key) {
    List<String> words = words(key);
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      boolean vocabulary = w.equals("token") && i > 0 && VOCABULARY.contains(words.get(i - 1));
      if (SECRET_WORDS.contains(w) && !vocabulary) {
        return true;
      }
      if (w.equals("key") && i > 0 && KEY_QUALIFIERS.contains(words.get(i - 1))) {
        return true;
      }
    }
    return false;
  }

  /** Lower-case words of a key: split at '.', '_', '-', '"' and camelCase boundaries. */
  static List<String> words(String key) {
    List<String> out = new ArrayList<>();
    for (String part : key.replaceAll("([a-z0-9])([A-Z])", "$1 $2").split("[._\\-\" ]+")) {
      if (!part.isEmpty()) {
        out.add(part.toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }
}
