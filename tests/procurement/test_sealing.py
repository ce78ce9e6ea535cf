"""Sealed bid files: key hierarchy, the streaming format, the refusal before the opening, rotation, start-up check."""

import base64
import datetime
import hashlib
import io
import json
import os
import stat
import struct

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from procurement import checks, sealing
from procurement.actions import lifecycle
from procurement.models import NoticePage
from procurement.models_sealing import NoticeKey
from procurement.sealing import (
    SEGMENT_SIZE,
    MasterKeyError,
    SealedFileError,
    SealedReader,
    SealedUntilOpening,
    SealedWriter,
    finish_hash,
    notice_key_for,
    notice_private_key,
)

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)
# Recognisable, so that any run of it in the stored bytes would show.
PATTERN = "Offre confidentielle n°42 : prix global 123 456,78 € HT, délai 12 semaines. ".encode()
RECORD_HEAD = struct.Struct(">12sI")


def plaintext(size: int) -> bytes:
    return (PATTERN * (size // len(PATTERN) + 1))[:size]


@pytest.fixture
def key_dir(tmp_path):
    return tmp_path / "keys"


@pytest.fixture(autouse=True)
def master_key(settings, monkeypatch, key_dir, tmp_path):
    """A fresh master key in a temporary key file (never the repository's var/), media in tmp_path."""
    monkeypatch.delenv(sealing.ENV_MASTER_KEY, raising=False)
    monkeypatch.delenv(sealing.ENV_PREVIOUS_MASTER_KEYS, raising=False)
    settings.SEALING_MASTER_KEY_FILE = key_dir / "master.key"
    settings.SEALING_PREVIOUS_MASTER_KEY_FILES = []
    settings.MEDIA_ROOT = tmp_path / "media"
    assert sealing.write_master_key_file(settings.SEALING_MASTER_KEY_FILE)
    return sealing.current_master_key()


@pytest.fixture
def notice(make_notice):
    return make_notice()


def open_bids(notice, buyer):
    """Move the deadline an hour back (as if it had passed) and open the bids through the lifecycle action."""
    now = timezone.now()
    NoticePage.objects.filter(pk=notice.pk).update(questions_deadline=now - 2 * HOUR, bids_deadline=now - HOUR)
    notice.refresh_from_db()
    return lifecycle.do_open_bids(buyer, notice)


def seal(notice, data: bytes, pieces: int = 3) -> dict:
    """Upload `data` in `pieces` pieces, each by a new writer from the stored (JSON) state; finished state."""
    state = json.loads(
        json.dumps(SealedWriter.start(f"bids/{notice.pk}/{os.urandom(8).hex()}", notice_key_for(notice)))
    )
    step = -(-len(data) // pieces) if data else 0
    for index in range(pieces):
        piece = data[index * step : (index + 1) * step]
        state = json.loads(json.dumps(SealedWriter(state).append(piece, final=index == pieces - 1)))
    digest, state = finish_hash(state)
    assert digest == hashlib.sha256(data).hexdigest()
    return state


def raw_path(state) -> str:
    from django.core.files.storage import default_storage

    return default_storage.path(state["name"])


def read_all(notice, state) -> bytes:
    return b"".join(SealedReader(notice, state).chunks())


def records(raw: bytes) -> tuple[bytes, list[bytes]]:
    """(header, segment records) of a sealed file's raw bytes."""
    header, position, found = raw[: sealing.HEADER_SIZE], sealing.HEADER_SIZE, []
    while position < len(raw):
        _nonce, length = RECORD_HEAD.unpack_from(raw, position)
        end = position + RECORD_HEAD.size + length
        found.append(raw[position:end])
        position = end
    return header, found


# --- round trip -------------------------------------------------------------------------------------


def test_round_trip_over_pieces_with_a_restart_between_them(notice, buyer):
    data = plaintext(3 * SEGMENT_SIZE + 12345)
    state = SealedWriter.start(f"bids/{notice.pk}/offer", notice_key_for(notice))
    state = SealedWriter(state).append(data[:1_000_000], final=False)
    stored = json.dumps(state)  # what the upload row keeps between requests: no plaintext, no clear key
    # Another process, later: a new writer from the stored state; the last piece is read as a stream.
    state = SealedWriter(json.loads(stored)).append(data[1_000_000:2_500_000], final=False)
    state = SealedWriter(json.loads(json.dumps(state))).append(io.BytesIO(data[2_500_000:]), final=True)
    assert state["size"] == len(data) and state["final"]
    assert state["segments"] == 4  # 1 + 2 (1.5 MB over 1 MiB segments) + 1 (the last 658,073 bytes)
    assert os.path.getsize(raw_path(state)) == state["length"]

    digest, sealed_state = finish_hash(state)
    assert digest == hashlib.sha256(data).hexdigest()
    assert "upload_key" not in sealed_state and "upload_key" in state

    open_bids(notice, buyer)
    chunks = list(SealedReader(notice, sealed_state).chunks())
    assert b"".join(chunks) == data
    assert max(len(chunk) for chunk in chunks) <= SEGMENT_SIZE


def test_a_piece_written_but_never_recorded_is_dropped_and_never_encrypted_again_under_its_nonces(notice, buyer):
    """The process died after writing a piece, before its state was stored: the client sends it again,
    maybe cut differently; the stale bytes go, and the new ones get fresh nonces."""
    data = plaintext(300_000)
    state = SealedWriter.start(f"bids/{notice.pk}/retry", notice_key_for(notice))
    state = SealedWriter(state).append(data[:100_000], final=False)
    lost = SealedWriter(state).append(data[100_000:250_000], final=False)  # never stored
    with open(raw_path(state), "rb") as stored:
        lost_nonce = records(stored.read())[1][1][:12]
    state = SealedWriter(state).append(data[100_000:], final=True)
    with open(raw_path(state), "rb") as stored:
        _header, segments = records(stored.read())
    assert len(segments) == 2 and segments[1][:12] != lost_nonce
    assert lost["length"] != state["length"]
    digest, state = finish_hash(state)
    assert digest == hashlib.sha256(data).hexdigest()
    open_bids(notice, buyer)
    assert read_all(notice, state) == data


def test_an_empty_file_is_one_empty_final_segment(notice, buyer):
    state = SealedWriter.start(f"bids/{notice.pk}/empty", notice_key_for(notice))
    state = SealedWriter(state).append(b"", final=True)
    assert state["segments"] == 1 and state["size"] == 0
    digest, state = finish_hash(state)
    assert digest == hashlib.sha256(b"").hexdigest()
    open_bids(notice, buyer)
    assert read_all(notice, state) == b""


def test_a_complete_file_takes_no_more_pieces_and_is_finished_once(notice):
    state = SealedWriter.start(f"bids/{notice.pk}/done", notice_key_for(notice))
    state = SealedWriter(state).append(b"abc", final=True)
    with pytest.raises(SealedFileError):
        SealedWriter(state)
    _digest, sealed_state = finish_hash(state)
    with pytest.raises(SealedFileError):
        finish_hash(sealed_state)
    with pytest.raises(SealedFileError):
        SealedWriter({**sealed_state, "final": False})
    unfinished = SealedWriter.start(f"bids/{notice.pk}/open", notice_key_for(notice))
    with pytest.raises(SealedFileError):
        finish_hash(unfinished)
    with pytest.raises(FileExistsError):
        SealedWriter.start(f"bids/{notice.pk}/open", notice_key_for(notice))


# --- what is stored ----------------------------------------------------------------------------------


def test_the_stored_file_holds_no_run_of_the_plaintext(notice):
    data = plaintext(3 * SEGMENT_SIZE)
    state = seal(notice, data)
    with open(raw_path(state), "rb") as stored:
        raw = stored.read()
    assert len(raw) > len(data)
    windows = {data[start : start + 8] for start in range(len(PATTERN))}  # every 8-byte run of the plaintext
    assert not [window for window in windows if window in raw]


def test_the_database_holds_no_clear_key(notice, buyer):
    data = plaintext(50_000)
    state = SealedWriter.start(f"bids/{notice.pk}/keys", notice_key_for(notice))
    state = SealedWriter(state).append(data, final=True)
    data_key = sealing._upload_data_key(state)
    _digest, sealed_state = finish_hash(state)
    open_bids(notice, buyer)
    private_key = notice_private_key(notice).private_bytes_raw()
    assert read_all(notice, sealed_state) == data

    forms = []
    for secret in (data_key, private_key):
        forms += [secret, secret.hex().encode(), base64.b64encode(secret), base64.urlsafe_b64encode(secret)]
    # Every value of every row of every table (the upload state's future home included, as JSON here).
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview):
                        value = bytes(value)
                    elif isinstance(value, dict | list):  # JSON columns, as PostgreSQL's driver returns them
                        value = json.dumps(value).encode()
                    elif isinstance(value, str):
                        value = value.encode()
                    elif not isinstance(value, bytes):
                        continue
                    found += [table for form in forms if form in value]
    assert not found
    assert NoticeKey.objects.count() == 1
    for stored_state in (state, sealed_state):
        text = json.dumps(stored_state).encode()
        assert not [form for form in forms if form in text]


# --- tampering ---------------------------------------------------------------------------------------


def flip_a_byte(header, segments):
    middle = bytearray(segments[1])
    middle[len(middle) // 2] ^= 0x01
    return header + segments[0] + bytes(middle) + b"".join(segments[2:])


def flip_a_header_byte(header, segments):
    return header[:-1] + bytes([header[-1] ^ 0x01]) + b"".join(segments)


def swap_two_segments(header, segments):
    return header + segments[1] + segments[0] + b"".join(segments[2:])


def swap_two_segments_and_their_counters(header, segments):
    first, second = bytearray(segments[0]), bytearray(segments[1])
    first[7:11], second[7:11] = second[7:11], first[7:11]
    return header + bytes(second) + bytes(first) + b"".join(segments[2:])


def drop_the_last_segment(header, segments):
    return header + b"".join(segments[:-1])


def drop_a_middle_segment(header, segments):
    return header + segments[0] + b"".join(segments[2:])


def duplicate_a_segment(header, segments):
    return header + segments[0] + segments[0] + b"".join(segments[1:])


def append_a_segment(header, segments):
    return header + b"".join(segments) + segments[1]


def cut_inside_the_last_segment(header, segments):
    return header + b"".join(segments)[:-5]


TAMPERINGS = [
    flip_a_byte,
    flip_a_header_byte,
    swap_two_segments,
    swap_two_segments_and_their_counters,
    drop_the_last_segment,
    drop_a_middle_segment,
    duplicate_a_segment,
    append_a_segment,
    cut_inside_the_last_segment,
]


@pytest.mark.parametrize("tamper", TAMPERINGS, ids=[tamper.__name__ for tamper in TAMPERINGS])
def test_tampering_is_detected_before_and_after_the_opening(notice, buyer, tamper):
    data = os.urandom(3 * SEGMENT_SIZE)  # three full segments: swapped ones have the same length
    state = SealedWriter.start(f"bids/{notice.pk}/{tamper.__name__}", notice_key_for(notice))
    state = SealedWriter(state).append(data, final=True)
    with open(raw_path(state), "rb") as stored:
        header, segments = records(stored.read())
    assert len(segments) == 3
    with open(raw_path(state), "wb") as stored:
        stored.write(tamper(header, segments))
    with pytest.raises(SealedFileError):
        finish_hash(state)  # the receipt is never issued for an altered file

    # The same alteration after the file was finished and the bids opened.
    with open(raw_path(state), "wb") as stored:
        stored.write(header + b"".join(segments))
    _digest, sealed_state = finish_hash(state)
    with open(raw_path(state), "wb") as stored:
        stored.write(tamper(header, segments))
    open_bids(notice, buyer)
    with pytest.raises(SealedFileError):
        read_all(notice, sealed_state)


def test_a_state_edited_to_another_file_or_notice_is_refused(notice, make_notice, buyer):
    state = seal(notice, plaintext(1000), pieces=1)
    other = make_notice()
    other_state = seal(other, plaintext(2000), pieces=1)
    open_bids(notice, buyer)
    with pytest.raises(SealedFileError):
        SealedReader(notice, other_state)
    with pytest.raises(SealedFileError):  # another file's name: the header names another file
        read_all(notice, {**state, "name": other_state["name"]})


# --- the refusal -------------------------------------------------------------------------------------


def test_every_way_to_the_plaintext_refuses_before_the_opening(notice, buyer):
    state = seal(notice, plaintext(10_000))
    entry_points = {
        "notice_private_key": lambda: notice_private_key(notice),
        "SealedReader": lambda: SealedReader(notice, state),
        "chunks": lambda: list(SealedReader(notice, state).chunks()),
        "SealedWriter": lambda: SealedWriter({**state, "final": False}),
        "finish_hash": lambda: finish_hash(state),
    }

    def refused():
        outcomes = {}
        for name, call in entry_points.items():
            try:
                call()
            except (SealedUntilOpening, SealedFileError) as error:
                outcomes[name] = type(error).__name__
            else:
                outcomes[name] = "read"
        return outcomes

    before = {
        "notice_private_key": "SealedUntilOpening",
        "SealedReader": "SealedUntilOpening",
        "chunks": "SealedUntilOpening",
        "SealedWriter": "SealedFileError",  # the finished state has no upload key any more
        "finish_hash": "SealedFileError",
    }
    # Before the deadline.
    assert refused() == before
    # An object claiming an opening that the database does not record.
    notice.opened_at = timezone.now()
    assert refused() == before
    # After the deadline, not opened yet.
    now = timezone.now()
    NoticePage.objects.filter(pk=notice.pk).update(questions_deadline=now - 2 * HOUR, bids_deadline=now - HOUR)
    assert refused() == before
    # An opening recorded before the deadline (written behind the lifecycle's back): still refused.
    NoticePage.objects.filter(pk=notice.pk).update(opened_at=now - 3 * HOUR)
    assert refused() == before
    with pytest.raises(SealedUntilOpening) as refusal:
        notice_private_key(notice)
    assert "sealed" in str(refusal.value)

    NoticePage.objects.filter(pk=notice.pk).update(opened_at=None)
    open_bids(notice, buyer)
    assert refused() == {**before, "notice_private_key": "read", "SealedReader": "read", "chunks": "read"}
    assert read_all(notice, state) == plaintext(10_000)


def test_a_notice_has_one_key_and_none_is_made_without_a_master_key(notice, make_notice, settings, key_dir):
    first = notice_key_for(notice)
    assert notice_key_for(notice).pk == first.pk
    assert len(bytes(first.public_key)) == 32 and len(bytes(first.wrapped_private_key)) == 12 + 32 + 16
    settings.SEALING_MASTER_KEY_FILE = key_dir / "missing.key"
    with pytest.raises(MasterKeyError, match="No master key is configured"):
        notice_key_for(make_notice())


def test_a_private_key_moved_to_another_notice_does_not_unwrap(notice, make_notice, buyer):
    other = make_notice()
    moved = notice_key_for(other)
    key = notice_key_for(notice)
    NoticeKey.objects.filter(pk=key.pk).update(wrapped_private_key=bytes(moved.wrapped_private_key))
    open_bids(notice, buyer)
    with pytest.raises(MasterKeyError, match="does not unwrap"):
        notice_private_key(notice)


# --- master keys: environment, rotation -------------------------------------------------------------


def test_the_environment_key_comes_before_the_file(monkeypatch, master_key):
    key = os.urandom(32)
    monkeypatch.setenv(sealing.ENV_MASTER_KEY, base64.b64encode(key).decode())
    assert sealing.current_master_key().key == key
    monkeypatch.setenv(sealing.ENV_MASTER_KEY, "not a key")
    with pytest.raises(MasterKeyError, match=sealing.ENV_MASTER_KEY):
        sealing.current_master_key()
    monkeypatch.delenv(sealing.ENV_MASTER_KEY)
    assert sealing.current_master_key() == master_key
    assert master_key.key_id not in repr(master_key) and base64.b64encode(master_key.key).decode() not in repr(
        master_key
    )


def new_key_file(key_dir, name):
    path = key_dir / name
    assert sealing.write_master_key_file(path)
    return path


def test_rotation_rewraps_every_notice_key_once_and_the_old_key_can_then_go(
    notice, make_notice, buyer, settings, key_dir, master_key, monkeypatch
):
    other = make_notice()
    state = seal(notice, plaintext(5000))
    other_state = seal(other, plaintext(7000))
    # An upload in progress at the rotation: its copy of the data key is wrapped with the old key.
    in_progress = SealedWriter.start(f"bids/{notice.pk}/in-progress", notice_key_for(notice))
    in_progress = SealedWriter(in_progress).append(b"first piece ", final=False)

    old_file = settings.SEALING_MASTER_KEY_FILE
    settings.SEALING_MASTER_KEY_FILE = new_key_file(key_dir, "master-2028.key")
    settings.SEALING_PREVIOUS_MASTER_KEY_FILES = [str(old_file)]
    new_id = sealing.current_master_key().key_id
    assert new_id != master_key.key_id

    out = io.StringIO()
    call_command("rotate_master_key", stdout=out)
    assert f"Re-wrapped 2 notice key(s) with the master key {new_id}; 0 were already" in out.getvalue()
    assert set(NoticeKey.objects.values_list("master_key_id", flat=True)) == {new_id}
    assert all(key.rewrapped_at for key in NoticeKey.objects.all())
    out = io.StringIO()
    call_command("rotate_master_key", stdout=out)  # idempotent
    assert "Re-wrapped 0 notice key(s)" in out.getvalue() and "2 were already" in out.getvalue()

    # The upload in progress finishes while the old key is still configured.
    in_progress = SealedWriter(in_progress).append(b"and the last one", final=True)
    digest, in_progress = finish_hash(in_progress)
    assert digest == hashlib.sha256(b"first piece and the last one").hexdigest()

    # The old key retired: everything opens with the new one alone.
    settings.SEALING_PREVIOUS_MASTER_KEY_FILES = []
    old_file.unlink()
    open_bids(notice, buyer)
    open_bids(other, buyer)
    assert read_all(notice, state) == plaintext(5000)
    assert read_all(other, other_state) == plaintext(7000)
    assert read_all(notice, in_progress) == b"first piece and the last one"


def test_rotation_changes_nothing_when_a_key_cannot_be_unwrapped(notice, make_notice, settings, key_dir, monkeypatch):
    first = notice_key_for(notice)
    old_id = first.master_key_id
    # A second notice keyed under a master key that is then lost.
    settings.SEALING_MASTER_KEY_FILE = new_key_file(key_dir, "lost.key")
    lost = notice_key_for(make_notice())
    monkeypatch.setenv(sealing.ENV_PREVIOUS_MASTER_KEYS, (key_dir / "master.key").read_text().strip())
    settings.SEALING_MASTER_KEY_FILE = new_key_file(key_dir, "new.key")
    with pytest.raises(CommandError, match="is not configured.*Nothing was changed"):
        call_command("rotate_master_key", stdout=io.StringIO())
    assert NoticeKey.objects.get(pk=first.pk).master_key_id == old_id
    assert NoticeKey.objects.get(pk=lost.pk).master_key_id == lost.master_key_id


# --- start-up check ----------------------------------------------------------------------------------


def check_ids():
    return sorted(message.id for message in checks.check_sealing_master_keys(None))


def test_the_check_passes_with_the_right_key_and_when_nothing_is_sealed(notice):
    with CaptureQueriesContext(connection) as captured:
        assert check_ids() == []
    # One query (within a savepoint, so that a missing table leaves a transaction usable).
    queries = [query["sql"] for query in captured.captured_queries if "SAVEPOINT" not in query["sql"]]
    assert len(queries) == 1 and "procurement_noticekey" in queries[0]
    notice_key_for(notice)
    assert check_ids() == []


def test_the_check_refuses_a_wrong_key(notice, settings, key_dir):
    notice_key_for(notice)
    settings.SEALING_MASTER_KEY_FILE = new_key_file(key_dir, "wrong.key")
    messages = checks.check_sealing_master_keys(None)
    assert [message.id for message in messages] == ["procurement.E103"]
    assert "match none of the configured master keys" in messages[0].msg
    assert NoticeKey.objects.get().master_key_id in messages[0].msg


def test_the_check_refuses_no_key_at_all(notice, settings, key_dir):
    notice_key_for(notice)
    settings.SEALING_MASTER_KEY_FILE = key_dir / "nowhere.key"
    messages = checks.check_sealing_master_keys(None)
    assert [message.id for message in messages] == ["procurement.E102"]
    assert "no master key is configured" in messages[0].msg


def test_the_check_names_a_malformed_key_and_a_key_file_readable_by_others(notice, settings, monkeypatch):
    key_file = settings.SEALING_MASTER_KEY_FILE
    key_file.chmod(0o644)
    assert check_ids() == ["procurement.W101"]
    key_file.chmod(0o600)
    monkeypatch.setenv(sealing.ENV_PREVIOUS_MASTER_KEYS, "dG9vIHNob3J0")
    messages = checks.check_sealing_master_keys(None)
    assert [message.id for message in messages] == ["procurement.E101"]
    assert sealing.ENV_PREVIOUS_MASTER_KEYS in messages[0].msg


def test_a_key_file_in_the_media_folder_is_refused(notice, settings, tmp_path):
    settings.SEALING_MASTER_KEY_FILE = new_key_file(tmp_path / "media" / "keys", "master.key")
    with pytest.raises(MasterKeyError, match="inside MEDIA_ROOT"):
        notice_key_for(notice)
    assert check_ids() == ["procurement.E101"]


def test_the_check_asks_for_a_rotation_when_a_previous_key_still_wraps(notice, settings, key_dir):
    notice_key_for(notice)
    old_file = settings.SEALING_MASTER_KEY_FILE
    settings.SEALING_MASTER_KEY_FILE = new_key_file(key_dir, "next.key")
    settings.SEALING_PREVIOUS_MASTER_KEY_FILES = [str(old_file)]
    assert check_ids() == ["procurement.W102"]
    call_command("rotate_master_key", stdout=io.StringIO())
    assert check_ids() == []


def test_the_check_skips_before_the_table_exists(notice, monkeypatch, settings, key_dir):
    notice_key_for(notice)
    settings.SEALING_MASTER_KEY_FILE = key_dir / "nowhere.key"
    monkeypatch.setattr(NoticeKey._meta, "db_table", "procurement_noticekey_not_migrated_yet")
    assert check_ids() == []
    monkeypatch.undo()
    assert NoticeKey.objects.count() == 1  # the connection is still usable (PostgreSQL: no aborted transaction)


# --- create_master_key ---------------------------------------------------------------------------------


def test_create_master_key_makes_an_owner_only_file_and_never_overwrites(settings, tmp_path):
    path = tmp_path / "secrets" / "platform.key"
    settings.SEALING_MASTER_KEY_FILE = path
    out = io.StringIO()
    call_command("create_master_key", stdout=out)
    assert f"Created the master key file {path}" in out.getvalue()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0
    key = base64.b64decode(path.read_text().strip(), validate=True)
    assert len(key) == 32
    assert sealing.current_master_key().key == key
    assert sealing.master_key_id(key) in out.getvalue()

    out = io.StringIO()
    call_command("create_master_key", stdout=out)
    assert f"A master key file already exists at {path}" in out.getvalue()
    assert base64.b64decode(path.read_text()) == key

    other = tmp_path / "rotation.key"
    call_command("create_master_key", "--path", str(other), stdout=io.StringIO())
    assert stat.S_IMODE(other.stat().st_mode) == 0o600
    assert other.read_text() != path.read_text()
