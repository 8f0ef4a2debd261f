"""Results keyed by the sha256 of what they were computed from, under .pgsuite/cache/<name>.

A salt names everything else the result depends on (the tool's version, its configuration), so
a changed tool or configuration never reads an old answer. The cache lives in the project
folder, which a checkout (a pull request's) can write to: every entry is signed with a key of
the user's, kept outside the project (~/.cache/pgsuite/cache.key, or $XDG_CACHE_HOME), and one
whose signature does not match is ignored, so no planted file decides what a cached check finds.
marshal is read back only after the signature matched: it then holds pgsuite's own plain data.
A cache that cannot be read or written is only slower, never an error.
"""

import hashlib
import hmac
import marshal
import os
import secrets
import threading
from functools import lru_cache
from pathlib import Path

MAC_SIZE = 32


def folder(project_root: Path, name: str = "") -> Path:
    """The one place of a project's caches: .pgsuite/cache/, and `name`'s folder in it."""
    root = project_root / ".pgsuite" / "cache"
    return root / name if name else root


@lru_cache(maxsize=1)
def signing_key() -> bytes | None:
    """The user's cache key, made on first use (0600); None when it cannot be kept (no caching)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    path = base / "pgsuite" / "cache.key"
    try:
        key = path.read_bytes()
        if len(key) == MAC_SIZE:
            return key
    except OSError:
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as file:
            file.write(secrets.token_bytes(MAC_SIZE))
        os.replace(partial, path)  # two processes at once: one key wins, both read it back
        key = path.read_bytes()
        return key if len(key) == MAC_SIZE else None
    except OSError:
        return None


class ContentCache:
    def __init__(self, folder: Path, salt: bytes, keep: int = 64):
        self.folder = folder
        self.salt = salt
        self.keep = keep
        self.key = signing_key()
        self._written = False

    def _digest(self, content: bytes) -> str:
        digest = hashlib.sha256(content)
        digest.update(self.salt)
        return digest.hexdigest()

    def _path(self, digest: str) -> Path:
        return self.folder / f"{digest[:32]}.marshal"

    def _mac(self, digest: str, payload: bytes) -> bytes:
        return hmac.new(self.key, digest.encode() + b"\0" + payload, hashlib.sha256).digest()

    def get(self, content: bytes):
        """The stored value, or None (also for an entry this user's key did not sign)."""
        if self.key is None:
            return None
        digest = self._digest(content)
        try:
            raw = self._path(digest).read_bytes()
        except OSError:
            return None
        mac, payload = raw[:MAC_SIZE], raw[MAC_SIZE:]
        if not hmac.compare_digest(mac, self._mac(digest, payload)):
            return None
        try:
            return marshal.loads(payload)
        except (EOFError, ValueError, TypeError):
            return None

    def put(self, content: bytes, value) -> None:
        if self.key is None:
            return
        digest = self._digest(content)
        try:
            payload = marshal.dumps(value)
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self._path(digest)
            partial = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")  # threads: a fleet
            partial.write_bytes(self._mac(digest, payload) + payload)
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
