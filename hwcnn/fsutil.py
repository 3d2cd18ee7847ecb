"""Writing results without ever leaving half-written output or overwriting a user's work.

Every command that produces a directory builds it in a temporary sibling and renames it into
place only when complete (`atomic_output_dir`); an existing target is an error unless the user
passed --force. Small files are written the same way (`write_json`, `atomic_write_bytes`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from hwcnn.errors import HwcnnError

_UMASK = os.umask(0)
os.umask(_UMASK)


def check_output_free(path: Path, force: bool) -> None:
    """Refuse to touch an existing output unless the user asked for it with --force."""
    if path.exists() and not force:
        raise HwcnnError(f"{path} already exists; pass --force to replace it")


@contextlib.contextmanager
def atomic_output_dir(path: Path, force: bool = False) -> Iterator[Path]:
    """Yield a fresh temporary directory that replaces `path` only if the block succeeds.

    On any exception (Ctrl-C included) the temporary directory is removed and `path` is left
    exactly as it was.
    """
    path = Path(path)
    check_output_free(path, force)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.partial-", dir=path.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if path.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{path.name}.old-", dir=path.parent))
        os.replace(path, old / "x")
        os.replace(tmp, path)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, path)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a file so that readers see either the old or the complete new content."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the file the user's usual mode
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_json(path: Path, obj: object) -> None:
    """Write JSON atomically, with stable formatting for diffs."""
    atomic_write_bytes(Path(path), (json.dumps(obj, indent=2, sort_keys=False) + "\n").encode())


def read_json(path: Path, what: str = "file") -> dict:
    """Read a JSON object with a one-line error for missing or corrupt files."""
    path = Path(path)
    try:
        obj = json.loads(path.read_text())
    except FileNotFoundError:
        raise HwcnnError(f"{what} {path} not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise HwcnnError(f"{what} {path} is not valid JSON: {err}") from None
    if not isinstance(obj, dict):
        raise HwcnnError(f"{what} {path} must hold a JSON object")
    return obj
