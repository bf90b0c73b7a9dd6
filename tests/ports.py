"""Free loopback ports for servers a test starts (Streamlit, a second Neo4j).

``free_ports(count)`` binds all the probes at once, so the ports it returns are distinct (probing one at a
time could hand out the same port twice); the caller's server binds them a moment later, so a start that
still loses a port to another process is retried with new ones (see ``tests/test_ui_browser.py``).
"""

from __future__ import annotations

import socket
from contextlib import ExitStack


def free_ports(count: int = 1) -> list[int]:
    """``count`` distinct TCP ports on 127.0.0.1 that nothing listened on a moment ago.

    Example:
        >>> a, b = free_ports(2)
        >>> a != b
        True
    """
    with ExitStack() as stack:
        probes = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]


if __name__ == "__main__":  # `python tests/ports.py 2`: the Makefile's test target picks the Neo4j ports
    import sys

    print(*free_ports(int(sys.argv[1]) if len(sys.argv) > 1 else 1))
