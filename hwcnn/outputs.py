"""The one writer: every file and directory hwcnn produces goes through here.

The contract users rely on:
- a result appears complete or not at all: it is built in a temporary sibling with a short name
  (`.hwcnn-<tag>-<random>.tmp`, whatever the length of the target's name) and renamed into place;
- nothing that exists is replaced without `force`, and with `force` only once the new result is
  complete (a failed or interrupted run leaves the old result as it was);
- one writer per output: a second hwcnn process writing the same path is refused while the first
  holds its lock (`.hwcnn-<tag>.lock`, an flock that the kernel releases when a process dies);
- temporaries of a killed run are removed by the next writer of the same output.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import secrets
import shutil
import signal
from pathlib import Path

import numpy as np
from typing import Callable, Iterator

from hwcnn.errors import HwcnnError

_UMASK = os.umask(0)
os.umask(_UMASK)

_HELD: dict[Path, int] = {}  # outputs this process holds the lock of -> nesting depth


def _tag(path: Path) -> str:
    """A short, stable name for the siblings of `path` (its name may be up to NAME_MAX long)."""
    return hashlib.sha1(path.name.encode()).hexdigest()[:10]


def _check_place(path: Path) -> None:
    """Refuse an output whose nearest existing ancestor is a file, or a directory we cannot write."""
    ancestor = next(q for q in Path(os.path.abspath(path)).parents if q.exists())
    if not ancestor.is_dir():
        raise HwcnnError(f"cannot write {path}: {ancestor} is a file, not a directory")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise HwcnnError(f"cannot write {path}: directory {ancestor} is not writable")


def _ready_parent(path: Path) -> Path:
    """The output's parent directory, created if needed; one-line errors for what prevents it."""
    _check_place(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise HwcnnError(f"cannot write {path}: cannot create {path.parent} ({err.strerror})") from None
    return path.parent


def check_free(path: Path | None, force: bool) -> None:
    """Refuse an existing output unless the user passed --force; call it before the work starts."""
    if path is None:
        return
    path = Path(path)
    if path.exists() and not force:
        raise HwcnnError(f"{path} already exists; pass --force to replace it")
    _check_place(path)


@contextlib.contextmanager
def lock(path: Path, wait: bool = False) -> Iterator[None]:
    """Hold the output lock of `path` (re-entrant within one process); another process holding it
    is an error, or with `wait` something to wait for."""
    path = Path(os.path.abspath(path))
    if path in _HELD:
        _HELD[path] += 1
        try:
            yield
        finally:
            _HELD[path] -= 1
        return
    parent = _ready_parent(path)
    lock_path = parent / f".hwcnn-{_tag(path)}.lock"
    while True:
        try:
            fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o666 & ~_UMASK)
        except OSError as err:
            raise HwcnnError(f"cannot lock {path}: {err.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as err:
            os.close(fd)
            if err.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise HwcnnError(f"another hwcnn process is writing {path} (it holds {lock_path}); "
                                 "wait for it to finish") from None
            raise
        # the previous holder may have removed the file between our open and our lock: retry
        try:
            if os.fstat(fd).st_ino == os.stat(lock_path).st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    _HELD[path] = 1
    try:
        _remove_stale(path)
        yield
    finally:
        del _HELD[path]
        with contextlib.suppress(OSError):
            os.unlink(lock_path)
        os.close(fd)


def _remove_stale(path: Path) -> None:
    """Temporaries of an earlier writer of `path` that was killed (we hold the lock: none is live)."""
    for stale in path.parent.glob(f".hwcnn-{_tag(path)}-*.tmp"):
        _remove(stale)


def _remove(p: Path) -> None:
    if p.is_dir() and not p.is_symlink():
        shutil.rmtree(p, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _temp_sibling(path: Path) -> Path:
    return path.parent / f".hwcnn-{_tag(path)}-{secrets.token_hex(3)}.tmp"


def _install(tmp: Path, path: Path) -> None:
    """Move the complete result into place; an existing one is removed only after that. Ctrl-C
    and SIGTERM wait until both renames are done (the old result is never left under a temporary
    name for the next writer to clean away)."""
    blocked = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        if path.exists() or path.is_symlink():
            old = _temp_sibling(path)
            os.replace(path, old)
            try:
                os.replace(tmp, path)
            except BaseException:
                os.replace(old, path)
                raise
            _remove(old)
        else:
            os.replace(tmp, path)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def output_dir(path: Path, force: bool = False, replaceable: Callable[[], None] | None = None) -> Iterator[Path]:
    """Yield a fresh temporary directory that becomes `path` only if the block succeeds.

    On any exception (Ctrl-C included) the temporary directory is removed and `path` is left
    exactly as it was. `replaceable()`, when given, decides instead of `force` whether an existing
    `path` may be replaced (it raises if not), under the lock, so no other writer slips in between."""
    path = Path(path)
    with lock(path):
        if replaceable is not None and path.exists():
            replaceable()
        else:
            check_free(path, force)
        tmp = _temp_sibling(path)
        tmp.mkdir()
        try:
            yield tmp
        except BaseException:
            _remove(tmp)
            raise
        _install(tmp, path)


def write_bytes(path: Path, data: bytes, force: bool = False) -> None:
    """Write a user-facing file atomically; an existing file needs `force`."""
    path = Path(path)
    with lock(path):
        check_free(path, force)
        if path.is_dir():
            raise HwcnnError(f"{path} is a directory; give a file path")
        replace_bytes(path, data)


def replace_bytes(path: Path, data: bytes) -> None:
    """Write a file that hwcnn owns (inside an output being built, a build stamp, a checkpoint):
    readers see the old or the complete new content, never a part."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_sibling(path)
    try:
        fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def json_bytes(obj: object) -> bytes:
    """Stable formatting for diffs."""
    return (json.dumps(obj, indent=2, sort_keys=False) + "\n").encode()


def write_json(path: Path, obj: object, force: bool = False) -> None:
    """A user-facing JSON output (`--json PATH`): atomic, never over an existing file without force."""
    write_bytes(path, json_bytes(obj), force)


def replace_json(path: Path, obj: object) -> None:
    """JSON inside an output hwcnn is building or owns."""
    replace_bytes(path, json_bytes(obj))


def read_array(path: Path, what: str = "array") -> np.ndarray:
    """Read a .npy array hwcnn wrote, with a one-line error for a missing, damaged or foreign file."""
    path = Path(path)
    try:
        return np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise HwcnnError(f"{what} {path} not found") from None
    except (OSError, ValueError, EOFError) as err:
        raise HwcnnError(f"{what} {path} is damaged ({str(err).splitlines()[0]}); convert the model again") from None


def read_json(path: Path, what: str = "file") -> dict:
    """Read a JSON object with a one-line error for missing or corrupt files."""
    path = Path(path)
    try:
        obj = json.loads(path.read_text())
    except FileNotFoundError:
        raise HwcnnError(f"{what} {path} not found") from None
    except IsADirectoryError:
        raise HwcnnError(f"{what} {path} is a directory, not a file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise HwcnnError(f"{what} {path} is not valid JSON: {err}") from None
    if not isinstance(obj, dict):
        raise HwcnnError(f"{what} {path} must hold a JSON object")
    return obj
