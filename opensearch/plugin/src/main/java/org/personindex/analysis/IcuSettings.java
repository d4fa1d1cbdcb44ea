package org.personindex.analysis;

import com.ibm.icu.text.FilteredNormalizer2;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.UnicodeSet;
import java.util.Set;
import org.opensearch.common.settings.Settings;

/** Parameter parsing shared by the ICU factories. */
final class IcuSettings {

    private static final Set<String> NORMALIZER_NAMES = Set.of("nfc", "nfkc", "nfkc_cf");

    private IcuSettings() {}

    /** The normalizer chosen by {@code name} (default nfkc_cf) and {@code mode} (default compose). */
    static Normalizer2 normalizer(Settings settings) {
        String name = settings.get("name", "nfkc_cf");
        if (!NORMALIZER_NAMES.contains(name)) {
            throw new IllegalArgumentException(
                "unknown icu_normalizer name [" + name + "], expected one of " + NORMALIZER_NAMES);
        }
        String mode = settings.get("mode", "compose");
        Normalizer2.Mode icuMode;
        if ("compose".equals(mode)) {
            icuMode = Normalizer2.Mode.COMPOSE;
        } else if ("decompose".equals(mode)) {
            icuMode = Normalizer2.Mode.DECOMPOSE;
        } else {
            throw new IllegalArgumentException(
                "unknown icu_normalizer mode [" + mode + "], expected compose or decompose");
        }
        return Normalizer2.getInstance(null, name, icuMode);
    }

    /** Restricts {@code normalizer} to the characters in {@code unicode_set_filter}, if set. */
    static Normalizer2 withUnicodeSetFilter(Normalizer2 normalizer, Settings settings) {
        String filter = settings.get("unicode_set_filter");
        if (filter == null) {
            return normalizer;
        }
        UnicodeSet set;
        try {
            set = new UnicodeSet(filter);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid unicode_set_filter [" + filter + "]", e);
        }
        return new FilteredNormalizer2(normalizer, set.freeze());
    }
}
