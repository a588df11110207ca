"""The TinyDB store never lies about a commit: damaged journal, full disk, bad snapshot, modes."""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import stat
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from circles.errors import StoreError
from circles.storage import journal as journal_module
from circles.storage.journal import scan
from circles.storage.tinydb import SCHEMA_VERSION, TinyDBStore


def crash(store: TinyDBStore) -> None:
    """Drop the store as a killed process would: no checkpoint, files and lock just let go."""
    store._journal.close()
    store._lock.release()


def put(store: TinyDBStore, key: str, doc: dict[str, object] | None = None) -> None:
    with store.transaction() as tx:
        tx.put("volunteers", key, doc or {"id": key, "identities": []})
        tx.commit()


def keys(path: Path) -> list[str]:
    store = TinyDBStore(path)
    try:
        with store.transaction() as tx:
            return sorted(d["id"] for d in tx.all("volunteers"))
    finally:
        store.close()


def ten_commits(path: Path) -> Path:
    """A store left by a killed process with ten commits in its journal; returns the journal."""
    store = TinyDBStore(path)
    for number in range(10):
        put(store, f"v{number}")
    crash(store)
    return path.with_name(path.name + ".journal")


def flip_a_byte_in_line(journal: Path, number: int) -> bytes:
    lines = journal.read_bytes().splitlines(keepends=True)
    line = bytearray(lines[number - 1])
    line[20] ^= 0x01  # inside the JSON body: the checksum no longer matches
    lines[number - 1] = bytes(line)
    journal.write_bytes(b"".join(lines))
    return journal.read_bytes()


# 1. A damaged line in the middle is damage, not a torn write.


def test_a_damaged_middle_journal_line_refuses_the_start_and_keeps_the_journal(
    tmp_path: Path,
) -> None:
    path = tmp_path / "can.json"
    journal = ten_commits(path)
    damaged = flip_a_byte_in_line(journal, 3)
    with pytest.raises(StoreError) as refused:
        TinyDBStore(path)
    message = str(refused.value)
    assert "\n" not in message
    assert "line 3" in message and str(journal) in message and "7 confirmed commits" in message
    assert "canbot repair" in message
    assert journal.read_bytes() == damaged  # not truncated, not folded
    assert not path.exists()  # and no snapshot was written from a partial replay
    TinyDBStore(tmp_path / "other.json").close()  # the refused open left no lock behind


def test_a_complete_last_line_with_a_bad_checksum_is_refused_too(tmp_path: Path) -> None:
    path = tmp_path / "can.json"
    journal = ten_commits(path)
    damaged = flip_a_byte_in_line(journal, 10)  # a whole line was written: it was confirmed
    with pytest.raises(StoreError, match="line 10"):
        TinyDBStore(path)
    assert journal.read_bytes() == damaged


def test_an_unfinished_last_record_is_dropped_with_a_warning_that_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "can.json"
    journal = ten_commits(path)
    journal.write_bytes(journal.read_bytes()[:-7])
    with caplog.at_level(logging.WARNING):
        assert keys(path) == [f"v{n}" for n in range(9)]
    assert "dropped an unfinished last record" in caplog.text
    assert "before its commit was confirmed" in caplog.text


# 2. A full disk neither invents nor loses a commit.


def full_disk_after(half: bool) -> Callable[[int, bytes | memoryview], int]:
    """A write that stores part of the record (if ``half``) and then fails with ENOSPC."""
    state = {"written": False}

    def write(fd: int, data: bytes | memoryview) -> int:
        if half and not state["written"]:
            state["written"] = True
            return os.write(fd, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    return write


@pytest.mark.parametrize("half", [True, False], ids=["partial-write", "no-write"])
def test_a_failed_append_is_reported_and_leaves_no_phantom_commit(
    tmp_path: Path, half: bool
) -> None:
    path = tmp_path / "can.json"
    store = TinyDBStore(path)
    put(store, "before")
    store._journal.write = full_disk_after(half)
    with pytest.raises(StoreError, match=r"could not be saved .*nothing was changed"):
        put(store, "claim")
    with store.transaction() as tx:
        assert tx.get("volunteers", "claim") is None  # not visible either
    store._journal.write = os.write  # space again
    put(store, "after")
    crash(store)
    journal = path.with_name(path.name + ".journal")
    assert scan(journal.read_bytes()).bad == []
    assert keys(path) == ["after", "before"]


def test_writes_are_refused_until_a_failed_append_is_cut_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "can.json"
    store = TinyDBStore(path)
    put(store, "before")
    store._journal.write = full_disk_after(half=True)

    def cannot_truncate(fd: int, length: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(journal_module.os, "ftruncate", cannot_truncate)
    with pytest.raises(StoreError):
        put(store, "claim")
    store._journal.write = os.write
    with pytest.raises(StoreError, match="cannot save anything right now"):
        put(store, "refused")
    monkeypatch.undo()
    put(store, "after")  # the cut back works again: the half record goes first
    crash(store)
    assert keys(path) == ["after", "before"]


def test_a_failed_checkpoint_after_a_durable_commit_does_not_fail_the_commit(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "can.json"
    store = TinyDBStore(path, checkpoint_bytes=200)

    def disk_full(data: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    good_write = store._storage.write
    store._storage.write = disk_full  # type: ignore[method-assign]
    with caplog.at_level(logging.WARNING):
        for number in range(5):
            put(store, f"v{number}")  # each one past the checkpoint size: no exception
    assert "checkpoint (journal full) failed" in caplog.text
    store.compact()  # forgetme's compact: logged, not raised
    store._storage.write = good_write  # type: ignore[method-assign]
    put(store, "v5")  # after a failed compact the next commit checkpoints again
    assert store._journal.size == 0
    crash(store)
    assert keys(path) == [f"v{n}" for n in range(6)]


MOUNT = "/bin/mount"


@pytest.fixture
def small_tmpfs() -> Iterator[Path]:
    """A 2 MB tmpfs, where the disk really fills up (needs root: skipped elsewhere, since the
    injected ENOSPC tests above cover the same code without it). Mounted outside pytest's
    tmp_path, so a test that fails with files still open cannot make pytest's cleanup fail."""
    if os.geteuid() != 0 or not Path(MOUNT).exists():
        pytest.skip("mounting a tmpfs needs root")
    where = Path(tempfile.mkdtemp(prefix="canbot-tmpfs-"))
    mounted = subprocess.run(
        [MOUNT, "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(where)], capture_output=True
    )
    if mounted.returncode != 0:
        where.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["/bin/umount", "--lazy", str(where)], check=True)
        with contextlib.suppress(OSError):
            where.rmdir()


def test_on_a_full_tmpfs_no_commit_is_invented_or_lost(small_tmpfs: Path) -> None:
    path = small_tmpfs / "data" / "can.json"
    store = TinyDBStore(path, checkpoint_bytes=64 * 1024 * 1024)  # only the journal grows
    put(store, "before")
    filler = small_tmpfs / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:  # fill the disk, then give back 64 KB
        while True:
            os.write(fd, b"x" * 4096)
    except OSError as full:
        assert full.errno == errno.ENOSPC
    os.ftruncate(fd, os.fstat(fd).st_size - 16 * 4096)
    os.close(fd)
    refused = 0
    for number in range(40):  # big claims: some fit, then the disk is full
        try:
            put(store, f"big{number}", {"id": f"big{number}", "identities": [], "x": "y" * 3000})
        except StoreError:
            refused += 1
    assert refused > 0
    saved = [f"big{n}" for n in range(40 - refused)]
    filler.unlink()  # space again: the next commit must not carry a refused one with it
    put(store, "after")
    crash(store)
    assert keys(path) == sorted(["after", "before", *saved])


# 3. A snapshot of the wrong shape is a StoreError with one line.

META = {"_meta": {"1": {"schema": SCHEMA_VERSION}}}


@pytest.mark.parametrize(
    "snapshot",
    [
        [],
        {"_meta": []},
        {"_meta": {"1": "schema"}},
        {**META, "circles": []},
        {**META, "circles": {"1": {"slug": "a"}}},
        {**META, "circles": {"1": {"key": "a", "doc": "not a document"}}},
        {**META, "circles": {"1": {"key": 5, "doc": {}}}},
    ],
    ids=["list", "meta-list", "meta-row", "table-list", "no-key", "doc-text", "key-number"],
)
def test_a_snapshot_of_the_wrong_shape_is_a_one_line_store_error(
    tmp_path: Path, snapshot: object
) -> None:
    path = tmp_path / "can.json"
    path.write_text(json.dumps(snapshot))
    with pytest.raises(StoreError) as refused:
        TinyDBStore(path)
    assert "\n" not in str(refused.value)
    assert str(path) in str(refused.value)
    assert path.read_text() == json.dumps(snapshot)  # left as it was
    TinyDBStore(tmp_path / "other.json").close()


def test_a_failed_snapshot_write_keeps_the_previous_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "can.json"
    store = TinyDBStore(path)
    put(store, "v0")
    store.checkpoint()
    before = path.read_bytes()
    put(store, "v1")
    real_open = os.open

    def full(file: str | Path, flags: int, mode: int = 0o777) -> int:
        fd = real_open(file, flags, mode)
        if str(file).endswith(".tmp"):
            os.close(fd)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return fd

    os_open, os.open = os.open, full  # type: ignore[assignment]
    try:
        store.compact()
    finally:
        os.open = os_open
    assert path.read_bytes() == before
    assert not path.with_name("can.json.tmp").exists()
    crash(store)
    assert keys(path) == ["v0", "v1"]  # the journal still had v1


# 4. Permissions: the folder is the owner's, every file 0600.


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_store_folder_is_0700_and_every_file_0600(tmp_path: Path) -> None:
    os.umask(0o022)
    path = tmp_path / "data" / "can.json"
    store = TinyDBStore(path, checkpoint_bytes=100)
    put(store, "v0")
    put(store, "v1")  # past the checkpoint size: a snapshot is written too
    assert mode(path.parent) == 0o700
    for name in ("can.json", "can.json.journal", "can.json.lock"):
        assert mode(path.parent / name) == 0o600, name
    store.close()
    assert mode(path) == 0o600


def test_files_left_readable_by_an_older_version_become_0600(tmp_path: Path) -> None:
    path = tmp_path / "can.json"
    store = TinyDBStore(path)
    put(store, "v0")
    store.close()
    journal = path.with_name("can.json.journal")
    for file in (path, journal, path.with_name("can.json.lock")):
        file.chmod(0o644)
    TinyDBStore(path).close()
    for file in (path, journal, path.with_name("can.json.lock")):
        assert mode(file) == 0o600, file.name
