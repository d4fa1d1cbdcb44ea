# The DynamoDB API (moto) served one request at a time by devstack/dynamodb_server.py, as the
# local stack and the tests run it (moto's own threaded server is not atomic). Listens on
# 127.0.0.1:$DYNAMODB_PORT: run it with host networking. State lives in memory only.
ARG PYTHON_BASE=python:3.11-slim

FROM ${PYTHON_BASE} AS builder
# `scripts/dev images` removes builder stages after a build (they hold pip-ca.crt).
LABEL person-index.stage=builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY setup.cfg pip-ca.cr[t] ./
# PIP_CERT is `pip install --cert` as a variable, so pip's build-isolation subprocess trusts it too.
RUN if [ -f pip-ca.crt ]; then export PIP_CERT=/src/pip-ca.crt; fi \
 && python3 -m venv /opt/venv \
 && moto=$(sed -n 's/^ *\(moto\[[^]]*\]==[0-9.]*\) *$/\1/p' setup.cfg) \
 && /opt/venv/bin/pip install "$moto"

FROM ${PYTHON_BASE}
COPY --from=builder /opt/venv /opt/venv
COPY devstack/dynamodb_server.py docker/probe.py /app/
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin moto
ENV PATH=/opt/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DYNAMODB_PORT=8000
USER 10001
HEALTHCHECK --interval=5s --timeout=4s --start-period=10s --retries=3 \
  CMD ["python3", "/app/probe.py", "http://127.0.0.1:{DYNAMODB_PORT}/moto-api/"]
CMD ["sh", "-c", "exec python3 /app/dynamodb_server.py -H 127.0.0.1 -p \"$DYNAMODB_PORT\""]
