package org.personindex.analysis;

import com.ibm.icu.text.Normalizer2;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.icu.ICUNormalizer2Filter;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.analysis.AbstractTokenFilterFactory;
import org.opensearch.index.analysis.NormalizingTokenFilterFactory;

/** {@code icu_normalizer} token filter: {@code name} nfc|nfkc|nfkc_cf, {@code mode}. */
public class IcuNormalizerTokenFilterFactory extends AbstractTokenFilterFactory
        implements NormalizingTokenFilterFactory {

    private final Normalizer2 normalizer;

    public IcuNormalizerTokenFilterFactory(
            IndexSettings indexSettings, Environment env, String name, Settings settings) {
        super(indexSettings, name, settings);
        this.normalizer = IcuSettings.withUnicodeSetFilter(IcuSettings.normalizer(settings), settings);
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new ICUNormalizer2Filter(tokenStream, normalizer);
    }
}
