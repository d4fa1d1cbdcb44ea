# OpenSearch with the official phonetic and ICU analysis plugins the mappings use, for machines
# that can pull the official image. `scripts/dev images` builds docker/opensearch-local.Dockerfile
# instead where it cannot. Settings come from dotted environment variables (`http.port=9200`), as
# the official image reads them.
ARG OPENSEARCH_BASE=opensearchproject/opensearch:2.19.3
FROM ${OPENSEARCH_BASE}
RUN bin/opensearch-plugin install --batch analysis-phonetic analysis-icu
COPY docker/opensearch-health.sh /usr/local/bin/opensearch-health
HEALTHCHECK --interval=5s --timeout=4s --start-period=30s --retries=5 CMD ["opensearch-health"]
