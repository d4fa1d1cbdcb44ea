#!/bin/bash
# Starts the node with every dotted environment variable (`http.port=9200`,
# `discovery.type=single-node`) passed as a setting, as the official image's entrypoint does, so
# one compose file or test fixture configures either image.
set -euo pipefail
settings=()
while IFS='=' read -r key value; do
  if [[ "$key" =~ ^[a-z0-9_]+\.[a-z0-9_.]+$ ]]; then
    settings+=("-E${key}=${value}")
  fi
done < <(env)
exec /usr/share/opensearch/bin/opensearch "${settings[@]}" "$@"
