package org.personindex.analysis;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import org.apache.commons.codec.Encoder;
import org.apache.commons.codec.language.Caverphone1;
import org.apache.commons.codec.language.Caverphone2;
import org.apache.commons.codec.language.ColognePhonetic;
import org.apache.commons.codec.language.Metaphone;
import org.apache.commons.codec.language.Nysiis;
import org.apache.commons.codec.language.RefinedSoundex;
import org.apache.commons.codec.language.Soundex;
import org.apache.commons.codec.language.bm.Languages;
import org.apache.commons.codec.language.bm.Languages.LanguageSet;
import org.apache.commons.codec.language.bm.NameType;
import org.apache.commons.codec.language.bm.PhoneticEngine;
import org.apache.commons.codec.language.bm.RuleType;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.phonetic.BeiderMorseFilter;
import org.apache.lucene.analysis.phonetic.DaitchMokotoffSoundexFilter;
import org.apache.lucene.analysis.phonetic.DoubleMetaphoneFilter;
import org.apache.lucene.analysis.phonetic.PhoneticFilter;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.analysis.AbstractTokenFilterFactory;
import org.opensearch.index.analysis.TokenFilterFactory;

/**
 * {@code phonetic} token filter. Parameters: {@code encoder} (default metaphone), {@code replace}
 * (default true: the code replaces the original token), {@code max_code_len} (double_metaphone,
 * default 4), and for beider_morse {@code rule_type}, {@code name_type}, {@code languageset}.
 */
public class PhoneticTokenFilterFactory extends AbstractTokenFilterFactory {

    private final boolean inject;
    /** Set for the encoders that work through Lucene's generic PhoneticFilter. */
    private final Encoder encoder;
    private final String kind;
    private final int maxCodeLen;
    private final PhoneticEngine beiderMorseEngine;
    private final LanguageSet languageSet;

    public PhoneticTokenFilterFactory(
            IndexSettings indexSettings, Environment env, String name, Settings settings) {
        super(indexSettings, name, settings);
        this.inject = !settings.getAsBoolean("replace", true);
        String encoderName = settings.get("encoder", "metaphone");
        this.kind = canonicalEncoder(encoderName);
        this.encoder = simpleEncoder(kind);
        this.maxCodeLen = settings.getAsInt("max_code_len", 4);
        if (maxCodeLen < 1) {
            throw new IllegalArgumentException("max_code_len must be positive, got [" + maxCodeLen + "]");
        }
        if ("beider_morse".equals(kind)) {
            NameType nameType = nameType(settings.get("name_type", "generic"));
            RuleType ruleType = ruleType(settings.get("rule_type", "approx"));
            this.beiderMorseEngine = new PhoneticEngine(nameType, ruleType, true);
            this.languageSet = languageSet(nameType, settings.getAsList("languageset"));
        } else {
            this.beiderMorseEngine = null;
            this.languageSet = null;
        }
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        switch (kind) {
            case "double_metaphone":
                return new DoubleMetaphoneFilter(tokenStream, maxCodeLen, inject);
            case "beider_morse":
                return new BeiderMorseFilter(tokenStream, beiderMorseEngine, languageSet);
            case "daitch_mokotoff":
                return new DaitchMokotoffSoundexFilter(tokenStream, inject);
            default:
                return new PhoneticFilter(tokenStream, encoder, inject);
        }
    }

    /** Like the official filter: phonetic codes make no sense as synonym rules. */
    @Override
    public TokenFilterFactory getSynonymFilter() {
        throw new IllegalArgumentException("Token filter [" + name() + "] cannot be used to parse synonyms");
    }

    /** Maps the accepted encoder names (and the official plugin's aliases) to one name. */
    private static String canonicalEncoder(String encoderName) {
        switch (encoderName.toLowerCase(Locale.ROOT)) {
            case "metaphone": return "metaphone";
            case "double_metaphone": case "doublemetaphone": return "double_metaphone";
            case "soundex": return "soundex";
            case "refined_soundex": case "refinedsoundex": return "refined_soundex";
            case "caverphone1": return "caverphone1";
            case "caverphone2": case "caverphone": return "caverphone2";
            case "cologne": case "koelnerphonetik": return "cologne";
            case "haasephonetik": return "haasephonetik";
            case "nysiis": return "nysiis";
            case "beider_morse": case "beidermorse": case "bm": return "beider_morse";
            case "daitch_mokotoff": return "daitch_mokotoff";
            default:
                throw new IllegalArgumentException(
                    "unknown encoder [" + encoderName + "] for phonetic token filter");
        }
    }

    private static Encoder simpleEncoder(String kind) {
        switch (kind) {
            case "metaphone": return new Metaphone();
            case "soundex": return new Soundex();
            case "refined_soundex": return new RefinedSoundex();
            case "caverphone1": return new Caverphone1();
            case "caverphone2": return new Caverphone2();
            case "cologne": return new ColognePhonetic();
            case "haasephonetik": return new HaasePhonetik();
            case "nysiis": return new Nysiis();
            default: return null; // double_metaphone, beider_morse, daitch_mokotoff have own filters
        }
    }

    private static NameType nameType(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "generic": return NameType.GENERIC;
            case "ashkenazi": return NameType.ASHKENAZI;
            case "sephardic": return NameType.SEPHARDIC;
            default:
                throw new IllegalArgumentException("No matching name type [" + value
                    + "] for beider morse encoder, expected generic, ashkenazi or sephardic");
        }
    }

    private static RuleType ruleType(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "approx": return RuleType.APPROX;
            case "exact": return RuleType.EXACT;
            default:
                throw new IllegalArgumentException("No matching rule type [" + value
                    + "] for beider morse encoder, expected approx or exact");
        }
    }

    /** The languages to consider; null (guess from the name) when none are configured. */
    private static LanguageSet languageSet(NameType nameType, List<String> languages) {
        if (languages.isEmpty()) {
            return null;
        }
        var known = Languages.getInstance(nameType).getLanguages();
        for (String language : languages) {
            if (!known.contains(language)) {
                throw new IllegalArgumentException("unknown language [" + language
                    + "] in languageset for beider morse encoder, expected some of " + known);
            }
        }
        return LanguageSet.from(new HashSet<>(languages));
    }
}
