# OpenSearch built from what `devstack/opensearch.py` provisions with Maven: the minimal official
# distribution, the modules the mappings need and the project's person-analysis plugin
# (opensearch/plugin: the phonetic and ICU analysis names the official plugins register). The
# build context is the provisioned home plus the two scripts below; JAVA_BASE is any image with a
# Java 17 runtime and curl (the local one `scripts/dev images` builds).
ARG JAVA_BASE=person-index/java-base:bookworm
FROM ${JAVA_BASE}
RUN useradd --system --uid 1000 --home-dir /usr/share/opensearch --shell /usr/sbin/nologin opensearch
COPY --chown=1000:1000 home /usr/share/opensearch
COPY docker/opensearch-entrypoint.sh /usr/local/bin/opensearch-entrypoint
COPY docker/opensearch-health.sh /usr/local/bin/opensearch-health
# bin/opensearch finds Java through OPENSEARCH_JAVA_HOME (the distribution bundles none).
RUN ln -s "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")" /opt/java \
 && mkdir -p /usr/share/opensearch/data /usr/share/opensearch/logs \
 && chown -R 1000:1000 /usr/share/opensearch/data /usr/share/opensearch/logs
WORKDIR /usr/share/opensearch
USER 1000
ENV OPENSEARCH_JAVA_HOME=/opt/java OPENSEARCH_JAVA_OPTS="-Xms512m -Xmx1g"
HEALTHCHECK --interval=5s --timeout=4s --start-period=30s --retries=5 CMD ["opensearch-health"]
ENTRYPOINT ["opensearch-entrypoint"]
