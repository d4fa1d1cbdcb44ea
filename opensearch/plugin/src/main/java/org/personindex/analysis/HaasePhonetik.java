package org.personindex.analysis;

import java.util.Locale;
import org.apache.commons.codec.EncoderException;
import org.apache.commons.codec.StringEncoder;
import org.apache.commons.codec.language.ColognePhonetic;

/**
 * "Haase Phonetik" (M. Haase and K. Heitmann, extended Koelner Phonetik): rewrites a few spellings
 * common in names of French, Slavic and Italian origin, then applies the Koelner Phonetik
 * (commons-codec's ColognePhonetic). An approximation: the official plugin also emits the codes
 * of the unrewritten spellings, so its tokens can differ.
 */
final class HaasePhonetik implements StringEncoder {

    /** Pairs of (regular expression, replacement), applied in order. */
    private static final String[][] REWRITES = {
        {"^CH", "SCH"}, {"EAU$", "O"}, {"A$", "AR"}, {"O$", "OW"},
        {"OWN", "AUN"}, {"RB", "RW"}, {"WSK", "RSK"}, {"GLI", "LI"},
        {"AUX", "O"}, {"EUX", "O"}, {"ILLE", "I"},
    };

    private final ColognePhonetic cologne = new ColognePhonetic();

    @Override
    public String encode(String value) {
        if (value == null) {
            return null;
        }
        String word = value.toUpperCase(Locale.GERMAN);
        for (String[] rewrite : REWRITES) {
            word = word.replaceAll(rewrite[0], rewrite[1]);
        }
        return cologne.encode(word);
    }

    @Override
    public Object encode(Object value) throws EncoderException {
        if (!(value instanceof String)) {
            throw new EncoderException("HaasePhonetik encodes only strings");
        }
        return encode((String) value);
    }
}
