package org.personindex.analysis;

import com.ibm.icu.text.Normalizer2;
import java.io.Reader;
import org.apache.lucene.analysis.icu.ICUNormalizer2CharFilter;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.analysis.AbstractCharFilterFactory;
import org.opensearch.index.analysis.NormalizingCharFilterFactory;

/** {@code icu_normalizer} char filter: {@code name} nfc|nfkc|nfkc_cf, {@code mode}. */
public class IcuNormalizerCharFilterFactory extends AbstractCharFilterFactory
        implements NormalizingCharFilterFactory {

    private final Normalizer2 normalizer;

    public IcuNormalizerCharFilterFactory(
            IndexSettings indexSettings, Environment env, String name, Settings settings) {
        super(indexSettings, name);
        this.normalizer = IcuSettings.withUnicodeSetFilter(IcuSettings.normalizer(settings), settings);
    }

    @Override
    public Reader create(Reader reader) {
        return new ICUNormalizer2CharFilter(reader, normalizer);
    }
}
