# A local stand-in for an upstream base image, for machines that cannot pull one: Debian 12
# (imported from a debootstrap tree by `scripts/dev images`) plus Debian's packages.
#   PACKAGES="python3 python3-venv"             -> the python:3.11-slim stand-in (Python 3.11)
#   PACKAGES="openjdk-17-jre-headless curl"     -> the Java runtime for the local OpenSearch image
ARG DEBIAN_BASE=person-index/debian:bookworm-minbase
FROM ${DEBIAN_BASE}
ARG PACKAGES
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${PACKAGES} \
 && apt-get clean && rm -rf /var/lib/apt/lists/*
