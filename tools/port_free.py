"""Exit 0 when 127.0.0.1:PORT can be served on; else say so in one line and exit 1.

``make serve`` runs it first, so a taken port is one readable line instead of the
development server's "Address already in use" traceback.
"""

from __future__ import annotations

import errno
import socket
import sys


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not argv[0].isdigit() or not 0 < int(argv[0]) < 65536:
        print(
            f"make serve: PORT must be a number from 1 to 65535, not {' '.join(argv)!r}; "
            "e.g. make serve PORT=8001",
            file=sys.stderr,
        )
        return 1
    port = int(argv[0])
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            why = (
                "is in use (another make serve?)"
                if exc.errno == errno.EADDRINUSE
                else (f"cannot be used ({exc.strerror})")
            )
            print(
                f"make serve: port {port} {why}; stop it, or serve on another port: "
                f"make serve PORT={port + 1}",
                file=sys.stderr,
            )
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
