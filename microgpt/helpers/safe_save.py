"""Write a file so that no save can be turned against another file, and no save loses one.

- Atomic: a temporary file is written, then renamed over the old one, so an interrupted save never
  destroys the previous file; a temporary file left by a save killed outright is removed by the
  next save to the same place (its name holds its writer's process id).
- The target keeps its permissions (a private `600` file stays private); a read-only target is
  refused, as `cp` refuses it.
- A concurrent writer is noticed: a caller that remembers `fingerprint(path)` when its work began
  learns (TargetChanged) that another process wrote the file meanwhile, and keeps both files.
- A fallback file goes into a new private folder (`mkdtemp`: mode 700, a name nobody can guess), so
  another user cannot plant a symbolic link where it will be written.
"""
import glob
import os
import re
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

SPECIAL = {stat.S_IFIFO: 'FIFO (named pipe)', stat.S_IFCHR: 'character device', stat.S_IFBLK: 'block device',
           stat.S_IFSOCK: 'socket'}


class UnsafeTarget(ValueError):
    "A place a file cannot or must not be written to; the message says why and what to do."


class TargetChanged(UnsafeTarget):
    "Another process wrote the target after this one began its work."


def check_writable(path):
    """Fail now, not after a long piece of work, if a file cannot be written to `path`.
    Returns the file that will be written: a symbolic link's target, so that the link stays a link."""
    path = Path(path)
    if path.is_dir():
        raise UnsafeTarget(f"{path} is a directory: give a file name, e.g. {path / 'checkpoint.json'}")
    target = Path(os.path.realpath(path))
    if target.exists() and not target.is_file():
        kind = SPECIAL.get(stat.S_IFMT(target.stat().st_mode), 'special file')
        raise UnsafeTarget(f"{path} is a {kind}, not a regular file: a checkpoint is saved only as a regular "
                           "file (give another file name)")
    if target.is_file() and not target.stat().st_mode & 0o222:  # mode bits: root could write it anyway
        raise UnsafeTarget(f"{path} is read-only: it is kept as it is (make it writable with `chmod u+w "
                           f"{path}` to replace it, or give another file name)")
    folder = target.parent if path.is_symlink() else path.parent  # named as the user gave it
    if not folder.is_dir():
        raise UnsafeTarget(f"cannot save to {path}: the folder {folder} does not exist (create it first)")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as e:
        raise UnsafeTarget(f"cannot save to {path}: the folder {folder} is not writable ({e.strerror})") from None
    return target


def fingerprint(path):
    "What identifies this version of a file (None if there is none): any write by anyone changes it."
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


def write_atomically(path, write, unchanged_since=False):
    """Call write(file) on a temporary file beside `path`, then rename it over `path`.
    With unchanged_since (a fingerprint), raise TargetChanged instead if the file is no longer that one."""
    path = check_writable(path)
    remove_stale_temporary_files(path)
    old = path.stat() if path.is_file() else None
    # The process id in the name tells a later save whether this file's writer is still running.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f'.{path.name}.{os.getpid()}-', suffix='.tmp')
    try:
        os.chmod(tmp, stat.S_IMODE(old.st_mode) if old else 0o644)  # a new file is an ordinary one
        with os.fdopen(fd, 'w', encoding='utf-8', newline='\n') as f:  # the same bytes on Windows
            write(f)
            f.flush()
            os.fsync(f.fileno())
        with folder_locked(path.parent):  # no other save can come between the check and the rename
            if unchanged_since is not False and fingerprint(path) != unchanged_since:
                raise TargetChanged(f'{path} was written by another process meanwhile')
            os.replace(tmp, path)  # atomic: the old file stays whole until the new one is complete
    except BaseException:
        os.unlink(tmp)
        raise
    return path


@contextmanager
def folder_locked(folder):
    "An exclusive lock on a folder (POSIX flock), held by one saving process at a time."
    try:
        import fcntl
        fd = os.open(folder, os.O_RDONLY)
    except (ImportError, OSError):  # Windows, or a folder that cannot be opened: no lock
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def keep_previous(path):
    "Copy the file at `path` (if any) to NAME.previous.SUFFIX before it is replaced; returns that path."
    path = Path(path)
    if not path.is_file():
        return None
    previous = path.with_name(f'{path.stem}.previous{path.suffix}')
    data = path.read_bytes()
    write_atomically(previous, lambda f: f.write(data.decode('utf-8')))
    return previous


def sibling(path):
    "A new, empty file beside `path` named NAME.2.SUFFIX (or .3, ...), created so that no one else has it."
    path = Path(path)
    for n in range(2, 1000):
        candidate = path.with_name(f'{path.stem}.{n}{path.suffix}')
        try:
            os.close(os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
            return candidate
        except FileExistsError:
            continue
    raise UnsafeTarget(f'{path.parent} holds {path.stem}.2{path.suffix} to .999 already: give another file name')


def private_file(name):
    "A path in a new private temporary folder (mode 700, an unguessable name): no one else can plant a link there."
    return Path(tempfile.mkdtemp(prefix='microgpt-')) / name


def remove_stale_temporary_files(path):
    "Delete the temporary files of earlier saves to `path` whose process died mid-save (killed, power cut)."
    pattern = re.compile(re.escape(f'.{path.name}.') + r'(?:(\d+)-)?\w+\.tmp')
    for leftover in path.parent.glob(f'.{glob.escape(path.name)}.*.tmp'):
        match = pattern.fullmatch(leftover.name)
        if match and not (match[1] and _running(int(match[1]))):
            try:
                leftover.unlink()
            except OSError:  # gone already, or (on Windows) still open in a running process
                pass


def _running(pid):
    if os.name == 'nt':  # Windows refuses to delete a file that a running process holds open
        return False
    try:
        os.kill(pid, 0)  # signal 0 only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, and belongs to another user
        return True
    return True
