# One non-root image for the API (default command) and the indexer (`person-indexer run`).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml setup.cfg README.md ./
COPY service ./service
COPY indexer ./indexer
COPY devstack ./devstack
COPY mappings ./mappings
RUN pip install . && useradd --system --uid 10001 person-index
ENV MAPPINGS_DIR=/app/mappings
USER person-index
EXPOSE 8080
ENV WEB_BIND=0.0.0.0:8080
CMD ["gunicorn", "--config", "python:service.gunicorn_conf", "service.app:create_app()"]
