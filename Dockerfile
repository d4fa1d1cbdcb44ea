# One non-root image for the API (default command) and the indexer (`person-indexer run`).
#
# PYTHON_BASE is any image with Python 3.11 as `python3` and its venv module:
# `python:3.11-slim` where that image can be pulled, else the local Debian 12 base that
# `scripts/dev images` builds. The builder stage installs the project into a virtualenv; only the
# virtualenv and the mappings reach the final image. When the build context holds `pip-ca.crt`
# (the builder trusts a package proxy's certificate with it), only the builder stage sees it.
ARG PYTHON_BASE=python:3.11-slim

FROM ${PYTHON_BASE} AS builder
# `scripts/dev images` removes builder stages after a build (they hold pip-ca.crt).
LABEL person-index.stage=builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml setup.cfg README.md pip-ca.cr[t] ./
COPY service ./service
COPY indexer ./indexer
COPY devstack ./devstack
# PIP_CERT is `pip install --cert` as a variable, so pip's build-isolation subprocess trusts it too.
RUN if [ -f pip-ca.crt ]; then export PIP_CERT=/src/pip-ca.crt; fi \
 && python3 -m venv /opt/venv \
 && /opt/venv/bin/pip install --no-compile . \
 && /opt/venv/bin/python -m compileall -q /opt/venv/lib

FROM ${PYTHON_BASE}
COPY --from=builder /opt/venv /opt/venv
COPY mappings /app/mappings
COPY docker/probe.py /app/probe.py
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin person-index
ENV PATH=/opt/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    MAPPINGS_DIR=/app/mappings WEB_BIND=127.0.0.1:8080
WORKDIR /app
USER 10001
EXPOSE 8080
# Healthy when the API answers its health check (DynamoDB and OpenSearch reachable). The indexer
# runs from this image too and overrides this check (`person-indexer health`).
HEALTHCHECK --interval=5s --timeout=4s --start-period=20s --retries=3 \
  CMD ["python3", "/app/probe.py", "http://{WEB_BIND}/api/v1/healthcheck"]
CMD ["gunicorn", "--config", "python:service.gunicorn_conf", "service.app:create_app()"]
