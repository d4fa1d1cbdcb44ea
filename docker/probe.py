"""A container health check: exit 0 when a URL answers 2xx within a few seconds, else 1.

The URL may name environment variables in braces (`http://{WEB_BIND}/...`), so one image's check
follows the address a container was configured with. Standard library only: it runs in images
that hold nothing but Python and the server.
"""

import os
import sys
import urllib.request


def main() -> int:
    url = sys.argv[1].format_map(os.environ)
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return 0 if 200 <= response.status < 300 else 1
    except OSError as error:
        print(f"{url}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
