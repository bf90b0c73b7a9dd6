"""Run a ``kb`` command that is SIGKILLed at a chosen point of its write, whatever the machine's speed.

A kill timed by polling for the writer's files from outside (every 2 ms) can miss a write that takes less
time than a poll on a fast machine, or while the polling process waits for a core on a loaded one. Here the
command runs in a child ``python`` that wraps ``os.replace``: when the embedded store is about to rename its
finished private copy (``graph.lbdb.building-…``) over ``graph.lbdb``, the child kills itself with SIGKILL.
That is the latest moment of a write: the new graph is complete on disk and not yet swapped in, so a
reader must still see the store as before and the next opener must clear the leftover copy.
"""

from __future__ import annotations

import subprocess
import sys

_KILLED_BEFORE_SWAP = """
import os, signal, sys
_replace = os.replace
def _replace_or_die(source, target, *args, **kwargs):
    if ".building-" in os.fspath(source):
        os.kill(os.getpid(), signal.SIGKILL)
    return _replace(source, target, *args, **kwargs)
os.replace = _replace_or_die
sys.argv = ["kb", *sys.argv[1:]]
from kb.cli import main
main()
"""


def kb_killed_before_swap(*args: str, env: dict[str, str] | None = None,
                          timeout: float = 600) -> subprocess.CompletedProcess:
    """Run ``kb ARGS`` in a child process that SIGKILLs itself just before its first graph swap.

    Returns:
        The finished process (``returncode`` is ``-9`` when the kill happened, 0 or 1 when the command
        ended without swapping a graph in).
    """
    return subprocess.run([sys.executable, "-c", _KILLED_BEFORE_SWAP, *args], capture_output=True, text=True,
                          env=env, timeout=timeout)
