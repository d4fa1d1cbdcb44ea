package org.personindex.analysis;

import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.icu.segmentation.ICUTokenizer;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.analysis.AbstractTokenizerFactory;

/** {@code icu_tokenizer}: Unicode word segmentation (UAX#29, with dictionaries for Thai, CJK...). */
public class IcuTokenizerFactory extends AbstractTokenizerFactory {

    public IcuTokenizerFactory(
            IndexSettings indexSettings, Environment env, String name, Settings settings) {
        super(indexSettings, settings, name);
        if (!settings.getAsList("rule_files").isEmpty()) {
            throw new IllegalArgumentException(
                "icu_tokenizer parameter [rule_files] is not supported by the person-analysis plugin");
        }
    }

    @Override
    public Tokenizer create() {
        return new ICUTokenizer();
    }
}
