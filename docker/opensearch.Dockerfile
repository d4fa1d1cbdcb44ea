# OpenSearch with the official phonetic and ICU analysis plugins the mappings use.
FROM opensearchproject/opensearch:2.19.3
RUN bin/opensearch-plugin install --batch analysis-phonetic analysis-icu
