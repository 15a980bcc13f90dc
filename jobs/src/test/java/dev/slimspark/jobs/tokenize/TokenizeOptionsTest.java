package dev.slimspark.jobs.tokenize;

import static dev.slimspark.jobs.tokenize.TokenizeOptions.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimspark.Stages;
import dev.slimspark.config.DefaultsFile;
import dev.slimspark.errors.UserError;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** tokenize.* parsing: the constants are the defaults file's values, bad values name their key. */
class TokenizeOptionsTest {
  @Test
  void constantsMatchTheDefaultsFile() {
    DefaultsFile.assertConstantsMatch(
        "tokenize",
        Map.of(
            "input_table", DEFAULT_INPUT_TABLE,
            "tokenizer.kind", DEFAULT_KIND,
            "tokenizer.path", DEFAULT_PATH,
            "bos", DEFAULT_BOS,
            "eos", DEFAULT_EOS,
            "chunk_chars", DEFAULT_CHUNK_CHARS));
    assertEquals(TokenizeOptions.defaults(), TokenizeOptions.from(Stages.config()));
  }

  @Test
  void badValuesNameTheKey() {
    UserError chunk =
        assertThrows(
            UserError.class, () -> TokenizeOptions.from(Stages.config("tokenize.chunk_chars=-1")));
    assertTrue(chunk.problem().contains("tokenize.chunk_chars"), chunk.problem());
    UserError kind =
        assertThrows(
            UserError.class,
            () -> TokenizeOptions.from(Stages.config("tokenize.tokenizer.kind=bpe")));
    assertTrue(kind.problem().contains("tokenize.tokenizer.kind"), kind.problem());
  }
}
