#!/bin/bash
# Healthy when the node's cluster is at least yellow. The port is the `http.port` setting given
# as an environment variable (default 9200). bash keeps a dotted name in the environment it
# passes on (dash drops it), and env prints it.
port=$(env | sed -n 's/^http\.port=//p')
exec curl -fsS -o /dev/null \
  "http://127.0.0.1:${port:-9200}/_cluster/health?wait_for_status=yellow&timeout=2s"
