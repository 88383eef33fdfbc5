# Shared by the test-server scripts (sourced, not run): messages on stderr and port picking.
# The sourcing script sets NAME before sourcing.

say() { echo "$NAME: $*" >&2; }
die() { say "$*"; exit 1; }

free_port() {  # the first port from $1 on that nothing on 127.0.0.1 is bound to
  python3 - "$1" <<'PYTHON'
import socket, sys
for port in range(int(sys.argv[1]), int(sys.argv[1]) + 200):
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            continue
    print(port)
    break
else:
    sys.exit(f"no free port from {sys.argv[1]}")
PYTHON
}
