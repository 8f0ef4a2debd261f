"""Results keyed by the sha256 of what they were computed from, under .pgsuite/cache/<name>.

A salt names everything else the result depends on (the tool's version, its configuration), so
a changed tool or configuration never reads an old answer. marshal holds only plain data (no
code runs when it is read back) and is fast. A cache that cannot be read or written is only
slower, never an error.
"""

import hashlib
import marshal
import os
import threading
from pathlib import Path


class ContentCache:
    def __init__(self, folder: Path, salt: bytes, keep: int = 64):
        self.folder = folder
        self.salt = salt
        self.keep = keep
        self._written = False

    def _path(self, content: bytes) -> Path:
        digest = hashlib.sha256(content)
        digest.update(self.salt)
        return self.folder / f"{digest.hexdigest()[:32]}.marshal"

    def get(self, content: bytes):
        """The stored value, or None."""
        try:
            return marshal.loads(self._path(content).read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return None

    def put(self, content: bytes, value) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self._path(content)
            partial = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")  # threads: a fleet
            partial.write_bytes(marshal.dumps(value))
            partial.replace(target)
            self._written = True
        except (OSError, ValueError):
            pass

    def prune(self) -> None:
        """Old versions of edited files are never read again: keep the newest `keep` (after a put:
        a run that only read has nothing to prune)."""
        if not self._written:
            return
        try:
            entries = sorted(self.folder.glob("*.marshal"), key=lambda p: p.stat().st_mtime, reverse=True)
            for stale in entries[self.keep:]:
                stale.unlink(missing_ok=True)
        except OSError:
            pass
