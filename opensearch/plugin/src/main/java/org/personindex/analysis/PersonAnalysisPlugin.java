package org.personindex.analysis;

import java.util.Map;

import org.opensearch.index.analysis.CharFilterFactory;
import org.opensearch.index.analysis.TokenFilterFactory;
import org.opensearch.index.analysis.TokenizerFactory;
import org.opensearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.opensearch.plugins.AnalysisPlugin;
import org.opensearch.plugins.Plugin;

/**
 * Registers phonetic and ICU analysis components under the names used by the official
 * analysis-phonetic and analysis-icu plugins, so the same index mappings work here and on a
 * cluster that has the official plugins installed.
 */
public class PersonAnalysisPlugin extends Plugin implements AnalysisPlugin {

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        return Map.of(
            "phonetic", PhoneticTokenFilterFactory::new,
            "icu_folding", IcuFoldingTokenFilterFactory::new,
            "icu_normalizer", IcuNormalizerTokenFilterFactory::new
        );
    }

    @Override
    public Map<String, AnalysisProvider<CharFilterFactory>> getCharFilters() {
        return Map.of("icu_normalizer", IcuNormalizerCharFilterFactory::new);
    }

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        return Map.of("icu_tokenizer", IcuTokenizerFactory::new);
    }
}
