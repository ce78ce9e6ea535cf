"""Sealed bid files: encrypted from their first byte, readable only once the notice's bids are opened.

Key hierarchy
-------------
- The platform **master key** (32 random bytes) lives outside the database and the media folder: the
  environment variable ``MARCHES_MASTER_KEY`` (base64) or else the file ``SEALING_MASTER_KEY_FILE``
  (``manage.py create_master_key``). Older keys, kept for a rotation, only unwrap:
  ``MARCHES_MASTER_KEY_PREVIOUS`` (comma-separated base64) and ``SEALING_PREVIOUS_MASTER_KEY_FILES``.
  A key is named by ``master_key_id`` (8 bytes of a SHA-256 of it), never stored.
- Each notice has a **key pair** (``NoticeKey``): X25519, public key in clear, private key wrapped with the
  master key (AES-256-GCM, associated data = notice id + the key's uuid).
- Each file has a **data key** (AES-256-GCM), sealed to the notice's public key: an ephemeral X25519 key
  agreement, HKDF-SHA256, AES-256-GCM (a "sealed box", as libsodium's ``crypto_box_seal`` or age's X25519
  recipients). X25519 rather than RSA-OAEP-3072: same ~128-bit security, 32-byte keys, key pairs made in
  microseconds (an RSA-3072 key takes up to a second), no padding to get wrong.

Only :func:`notice_private_key` turns a notice's wrapped private key into a usable key, and it refuses
(:class:`SealedUntilOpening`) unless the database says the notice's bids were opened after their deadline
and the server clock is past it. The one exception is the practice consultation (``NoticePage.practice``):
:func:`practice_private_key` gives its key, and only its key, for rehearsal bids opened for their own company.
:func:`rewrap_notice_keys` (master key rotation) re-wraps the private key bytes inside this module and never hands
them out.

File format (a STREAM construction, Hoang et al. 2015)
-------------------------------------------------------
``header = MAGIC (8) | notice key uuid (16) | file uuid (16)``, then segments, each
``nonce (12) | ciphertext length (4, big-endian) | AES-GCM ciphertext + tag`` holding at most
``SEGMENT_SIZE`` plaintext bytes. ``nonce = prefix (7) | segment index (4) | final flag (1)``, the prefix
drawn afresh for every appended piece (a piece retried after a crash is never encrypted again under a
nonce already used); the associated data is ``header | index (8) | final flag (1)``. A segment moved,
dropped, duplicated, altered or added after the final one, or a file cut short, fails to decrypt.

Uploads arrive in pieces (resumable, several requests and processes): the writer's state is a JSON-able
dict holding no plaintext and no clear key, to be stored with the upload::

    state = SealedWriter.start("bids/12/3f2a…", notice_key_for(notice))
    state = SealedWriter(state).append(piece, final=False)   # each request, under the upload's row lock
    state = SealedWriter(state).append(last_piece, final=True)
    sha256, state = finish_hash(state)                        # store this state: the upload copy is gone
    for chunk in SealedReader(notice, state).chunks(): ...    # after the opening only

The SHA-256 of the plaintext (for the receipt) cannot be carried across processes (hashlib's state does
not serialize), so while the upload is in progress the data key is also wrapped with the master key
(``upload_key`` in the state); :func:`finish_hash` decrypts the stored file once, verifying every
segment, hashes what is really stored, and returns the state without that copy. The master key could
unwrap the notice's private key anyway: the copy gives its holder nothing more, and a copy of the
database and the media folder without it reads nothing.
"""

import base64
import binascii
import hashlib
import io
import os
import struct
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procurement.models import NoticePage
from procurement.models_sealing import NoticeKey

ENV_MASTER_KEY = "MARCHES_MASTER_KEY"
ENV_PREVIOUS_MASTER_KEYS = "MARCHES_MASTER_KEY_PREVIOUS"
KEY_BYTES = 32
SEGMENT_SIZE = 1024 * 1024
MAGIC = b"MPSEAL\x00\x01"
HEADER_SIZE = len(MAGIC) + 16 + 16
STATE_VERSION = 1
_NONCE_PREFIX_BYTES = 7
_TAG_BYTES = 16
_RECORD_HEAD = struct.Struct(">12sI")
_MAX_SEGMENTS = 2**32


class SealingError(Exception):
    """Base of every refusal or failure of the sealed storage."""


class MasterKeyError(SealingError):
    """No master key configured, a malformed one, or not the one a notice key was wrapped with."""


class SealedUntilOpening(SealingError):
    """A notice's bids are not opened yet: nothing of them may be decrypted."""

    def __init__(self, message=None):
        super().__init__(message or _("The bids stay sealed until they are opened, after the deadline for bids."))


class SealedFileError(SealingError):
    """A sealed file or its state is altered, cut short, or used out of turn."""


# --- master keys ---------------------------------------------------------------------------------


def master_key_id(key: bytes) -> str:
    """The public name of a master key (16 hex digits); learning it reveals nothing of the key."""
    return hashlib.sha256(b"marches-partage master key id\x00" + key).digest()[:8].hex()


@dataclass(frozen=True)
class MasterKey:
    key: bytes = field(repr=False)
    source: str

    @property
    def key_id(self) -> str:
        return master_key_id(self.key)


def _decode_master_key(text: str, source: str) -> MasterKey:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise MasterKeyError(f"{source} does not hold a base64-encoded {KEY_BYTES}-byte master key.")
    return MasterKey(key, source)


def read_master_key_file(path: Path) -> MasterKey:
    if Path(path).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
        raise MasterKeyError(f"The master key file {path} is inside MEDIA_ROOT: move it out of the media folder.")
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise MasterKeyError(f"The master key file {path} cannot be read: {error}.") from error
    return _decode_master_key(text, f"the master key file {path}")


def configured_master_keys() -> tuple[MasterKey | None, list[MasterKey]]:
    """(current key or None, older keys that only unwrap), read afresh on every call."""
    current = None
    if os.environ.get(ENV_MASTER_KEY, "").strip():
        current = _decode_master_key(os.environ[ENV_MASTER_KEY], ENV_MASTER_KEY)
    elif Path(settings.SEALING_MASTER_KEY_FILE).exists():
        current = read_master_key_file(Path(settings.SEALING_MASTER_KEY_FILE))
    previous = []
    texts = [text for text in os.environ.get(ENV_PREVIOUS_MASTER_KEYS, "").split(",") if text.strip()]
    for position, text in enumerate(texts, 1):
        previous.append(_decode_master_key(text, f"{ENV_PREVIOUS_MASTER_KEYS} (key {position})"))
    for path in settings.SEALING_PREVIOUS_MASTER_KEY_FILES:
        previous.append(read_master_key_file(Path(path)))
    seen = {current.key_id} if current else set()
    unique = []
    for key in previous:
        if key.key_id not in seen:
            seen.add(key.key_id)
            unique.append(key)
    return current, unique


def current_master_key() -> MasterKey:
    current, _previous = configured_master_keys()
    if current is None:
        raise MasterKeyError(
            f"No master key is configured: set {ENV_MASTER_KEY} or create the key file "
            f"{settings.SEALING_MASTER_KEY_FILE} with `manage.py create_master_key`."
        )
    return current


def _master_key(key_id: str) -> MasterKey:
    current, previous = configured_master_keys()
    for key in ([current] if current else []) + previous:
        if key.key_id == key_id:
            return key
    raise MasterKeyError(f"The master key {key_id} is not configured (README, “Sealed bids: keys”).")


def write_master_key_file(path: Path) -> bool:
    """Create `path` with a new random master key, readable by its owner only; False if it exists."""
    path = Path(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w", encoding="ascii") as key_file:
        os.fchmod(key_file.fileno(), 0o600)
        key_file.write(base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii") + "\n")
        key_file.flush()
        os.fsync(key_file.fileno())
    return True


# --- notice key pairs ------------------------------------------------------------------------------


def _private_key_aad(notice_id: int, key_uuid) -> bytes:
    return b"marches-partage notice private key v1\x00%d\x00%s" % (notice_id, uuid.UUID(str(key_uuid)).hex.encode())


def _wrap_private_key(master: MasterKey, raw: bytes, notice_id: int, key_uuid) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(master.key).encrypt(nonce, raw, _private_key_aad(notice_id, key_uuid))


def _unwrap_private_key_bytes(notice_key: NoticeKey) -> bytes:
    master = _master_key(notice_key.master_key_id)
    blob = bytes(notice_key.wrapped_private_key)
    try:
        return AESGCM(master.key).decrypt(
            blob[:12], blob[12:], _private_key_aad(notice_key.notice_id, notice_key.key_uuid)
        )
    except InvalidTag as error:
        raise MasterKeyError(
            f"The key of notice {notice_key.notice_id} does not unwrap with master key {master.key_id}: "
            "altered, or moved from another notice."
        ) from error


def notice_key_for(notice) -> NoticeKey:
    """The notice's key pair, made (wrapped with the current master key) the first time it is needed."""
    existing = NoticeKey.objects.filter(notice_id=notice.pk).first()
    if existing:
        return existing
    master = current_master_key()
    private = X25519PrivateKey.generate()
    key_uuid = uuid.uuid4()
    notice_key = NoticeKey(
        notice_id=notice.pk,
        key_uuid=key_uuid,
        public_key=private.public_key().public_bytes_raw(),
        wrapped_private_key=_wrap_private_key(master, private.private_bytes_raw(), notice.pk, key_uuid),
        master_key_id=master.key_id,
    )
    try:
        with transaction.atomic():
            notice_key.save()
    except IntegrityError:  # made meanwhile by another request: there is one key per notice
        return NoticeKey.objects.get(notice_id=notice.pk)
    return notice_key


def notice_private_key(notice) -> X25519PrivateKey:
    """THE way to a notice's private key: refused unless its bids were opened after their deadline.

    Reads the opening from the database (not from the object passed), and the time from the server clock."""
    row = NoticePage.objects.filter(pk=notice.pk).values_list("opened_at", "bids_deadline").first()
    now = timezone.now()
    if row is None:
        raise SealedUntilOpening()
    opened_at, bids_deadline = row
    if opened_at is None or opened_at < bids_deadline or now < bids_deadline:
        raise SealedUntilOpening()
    try:
        notice_key = NoticeKey.objects.get(notice_id=notice.pk)
    except NoticeKey.DoesNotExist as error:
        raise SealedFileError(f"Notice {notice.pk} has no key: nothing was sealed to it.") from error
    return X25519PrivateKey.from_private_bytes(_unwrap_private_key_bytes(notice_key))


def practice_private_key(notice) -> X25519PrivateKey:
    """The private key of the practice consultation (`NoticePage.practice`), whose rehearsal bids are opened for
    their own company without any opening by a buyer; refused (SealedUntilOpening) for every other notice.

    Reads `practice` from the database (not from the object passed), as :func:`notice_private_key` reads the
    opening: a real notice's key never comes out of here. Which files, for whom and when is
    `procurement.access_practice`'s decision."""
    practice = NoticePage.objects.filter(pk=notice.pk).values_list("practice", flat=True).first()
    if not practice:
        raise SealedUntilOpening()
    try:
        notice_key = NoticeKey.objects.get(notice_id=notice.pk)
    except NoticeKey.DoesNotExist as error:
        raise SealedFileError(f"Notice {notice.pk} has no key: nothing was sealed to it.") from error
    return X25519PrivateKey.from_private_bytes(_unwrap_private_key_bytes(notice_key))


def rewrap_notice_keys() -> tuple[int, int]:
    """Re-wrap every notice private key not yet wrapped with the current master key, in one transaction.

    Returns (re-wrapped, already current). Raises MasterKeyError, changing nothing, if a key's master key is
    not configured or does not unwrap it."""
    master = current_master_key()
    rewrapped = 0
    with transaction.atomic():
        already = NoticeKey.objects.filter(master_key_id=master.key_id).count()
        now = timezone.now()
        for notice_key in NoticeKey.objects.select_for_update().exclude(master_key_id=master.key_id).order_by("pk"):
            raw = _unwrap_private_key_bytes(notice_key)
            notice_key.wrapped_private_key = _wrap_private_key(master, raw, notice_key.notice_id, notice_key.key_uuid)
            notice_key.master_key_id = master.key_id
            notice_key.rewrapped_at = now
            notice_key.save(update_fields=["wrapped_private_key", "master_key_id", "rewrapped_at"])
            rewrapped += 1
    return rewrapped, already


# --- data keys -------------------------------------------------------------------------------------

_DATA_KEY_INFO = b"marches-partage sealed data key v1"


def _file_binding(notice_id: int, key_uuid, file_uuid) -> bytes:
    return b"%d\x00%s\x00%s" % (
        notice_id,
        uuid.UUID(str(key_uuid)).hex.encode(),
        uuid.UUID(str(file_uuid)).hex.encode(),
    )


def _box_key(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral_public + recipient_public, info=_DATA_KEY_INFO)
    return hkdf.derive(shared)


def _seal_data_key(recipient_public: bytes, data_key: bytes, binding: bytes) -> bytes:
    """ephemeral public key (32) | nonce (12) | AES-GCM(data key), openable only with the notice's private key."""
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes_raw()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    nonce = os.urandom(12)
    box_key = _box_key(shared, ephemeral_public, recipient_public)
    return ephemeral_public + nonce + AESGCM(box_key).encrypt(nonce, data_key, binding)


def _open_data_key(private: X25519PrivateKey, sealed: bytes, binding: bytes) -> bytes:
    ephemeral_public, nonce, ciphertext = sealed[:32], sealed[32:44], sealed[44:]
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
        box_key = _box_key(shared, ephemeral_public, private.public_key().public_bytes_raw())
        return AESGCM(box_key).decrypt(nonce, ciphertext, binding)
    except (InvalidTag, ValueError) as error:
        raise SealedFileError("The file's data key does not open with its notice's key.") from error


def _upload_aad(binding: bytes) -> bytes:
    return b"marches-partage upload data key v1\x00" + binding


# --- the stored file -------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


_STATE_KEYS = {"version", "name", "notice", "key", "file", "sealed_key", "segments", "size", "length", "final"}


def _check_state(state: dict) -> None:
    if not isinstance(state, dict) or not _STATE_KEYS <= state.keys() or state["version"] != STATE_VERSION:
        raise SealedFileError("Not the state of a sealed file.")


def _header(state: dict) -> bytes:
    return MAGIC + uuid.UUID(state["key"]).bytes + uuid.UUID(state["file"]).bytes


def _binding(state: dict) -> bytes:
    return _file_binding(state["notice"], state["key"], state["file"])


def _path(state: dict) -> Path:
    """The file's local path: appending needs a storage on a file system (FileSystemStorage)."""
    return Path(default_storage.path(state["name"]))


def _nonce(prefix: bytes, index: int, final: bool) -> bytes:
    return prefix + struct.pack(">IB", index, final)


def _aad(header: bytes, index: int, final: bool) -> bytes:
    return header + struct.pack(">QB", index, final)


def _decrypt_segments(state: dict, data_key: bytes):
    """Yield the plaintext segment by segment, verifying each, their order, the final one and the end."""
    aead = AESGCM(data_key)
    header = _header(state)
    with open(_path(state), "rb") as stored:
        if stored.read(HEADER_SIZE) != header:
            raise SealedFileError("The sealed file's header does not match its state.")
        index = 0
        size = 0
        while True:
            head = stored.read(_RECORD_HEAD.size)
            if not head:
                raise SealedFileError("The sealed file is cut short: its final segment is missing.")
            if len(head) < _RECORD_HEAD.size:
                raise SealedFileError("The sealed file ends inside a segment.")
            nonce, length = _RECORD_HEAD.unpack(head)
            counter, final = struct.unpack(">IB", nonce[_NONCE_PREFIX_BYTES:])
            if counter != index or final > 1 or not _TAG_BYTES <= length <= SEGMENT_SIZE + _TAG_BYTES:
                raise SealedFileError(f"Segment {index} of the sealed file is out of place or altered.")
            ciphertext = stored.read(length)
            if len(ciphertext) < length:
                raise SealedFileError("The sealed file ends inside a segment.")
            try:
                plaintext = aead.decrypt(nonce, ciphertext, _aad(header, index, bool(final)))
            except InvalidTag as error:
                raise SealedFileError(f"Segment {index} of the sealed file is altered or out of place.") from error
            size += len(plaintext)
            yield plaintext
            index += 1
            if final:
                break
        if stored.read(1):
            raise SealedFileError("The sealed file has data after its final segment.")
    if index != state["segments"] or size != state["size"]:
        raise SealedFileError("The sealed file does not match its recorded size.")


def _upload_data_key(state: dict) -> bytes:
    """The data key from the upload's copy, wrapped with a master key (in the state until finish_hash)."""
    if "upload_key" not in state:
        raise SealedFileError("This sealed file is finished: its upload key is gone.")
    master = _master_key(state["upload_master_key_id"])
    blob = _unb64(state["upload_key"])
    try:
        return AESGCM(master.key).decrypt(blob[:12], blob[12:], _upload_aad(_binding(state)))
    except InvalidTag as error:
        raise SealedFileError("The upload's key does not unwrap: altered state.") from error


class SealedWriter:
    """Appends a file's pieces, encrypted, to a file in the default storage (see the module's docstring).

    Memory: the piece given (bytes, or a binary file object read SEGMENT_SIZE at a time) and one segment.
    Callers serialize the appends of one upload (lock its row): two at once would interleave."""

    def __init__(self, state: dict):
        _check_state(state)
        if state["final"]:
            raise SealedFileError("This sealed file is complete: nothing may be appended.")
        self.state = dict(state)
        self._data_key = _upload_data_key(state)

    @classmethod
    def start(cls, storage_name: str, notice_key: NoticeKey) -> dict:
        """Create the sealed file (header only) at `storage_name`, which must not exist; return its state."""
        master = current_master_key()
        key_uuid = uuid.UUID(str(notice_key.key_uuid))
        state = {
            "version": STATE_VERSION,
            "name": storage_name,
            "notice": notice_key.notice_id,
            "key": key_uuid.hex,
            "file": uuid.uuid4().hex,
            "segments": 0,
            "size": 0,
            "length": HEADER_SIZE,
            "final": False,
        }
        binding = _binding(state)
        data_key = AESGCM.generate_key(bit_length=256)
        state["sealed_key"] = _b64(_seal_data_key(bytes(notice_key.public_key), data_key, binding))
        nonce = os.urandom(12)
        state["upload_key"] = _b64(nonce + AESGCM(master.key).encrypt(nonce, data_key, _upload_aad(binding)))
        state["upload_master_key_id"] = master.key_id
        path = _path(state)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "xb") as stored:
            stored.write(_header(state))
            stored.flush()
            os.fsync(stored.fileno())
        return state

    def append(self, piece, final: bool) -> dict:
        """Encrypt and append `piece` (bytes or a binary file object); `final` on the last piece. Returns the
        new state, to store before acknowledging the piece. Bytes beyond the recorded length (a piece
        written but never recorded, e.g. the process died) are dropped first."""
        state = self.state
        source = io.BytesIO(piece) if isinstance(piece, bytes | bytearray | memoryview) else piece
        aead = AESGCM(self._data_key)
        header = _header(state)
        prefix = os.urandom(_NONCE_PREFIX_BYTES)
        index, size, length = state["segments"], state["size"], state["length"]
        with open(_path(state), "r+b") as stored:
            if stored.read(HEADER_SIZE) != header:
                raise SealedFileError("The sealed file's header does not match its state.")
            end = stored.seek(0, os.SEEK_END)
            if end < length:
                raise SealedFileError("The sealed file is shorter than its recorded state.")
            if end > length:
                stored.truncate(length)
            stored.seek(length)
            chunk = source.read(SEGMENT_SIZE)
            while True:
                following = source.read(SEGMENT_SIZE) if chunk else b""
                last = final and not following
                if chunk or last:
                    if index >= _MAX_SEGMENTS:
                        raise SealedFileError("This sealed file has too many segments.")
                    nonce = _nonce(prefix, index, last)
                    ciphertext = aead.encrypt(nonce, chunk, _aad(header, index, last))
                    stored.write(_RECORD_HEAD.pack(nonce, len(ciphertext)))
                    stored.write(ciphertext)
                    index += 1
                    size += len(chunk)
                    length += _RECORD_HEAD.size + len(ciphertext)
                if not following:
                    break
                chunk = following
            stored.flush()
            os.fsync(stored.fileno())
        self.state = {**state, "segments": index, "size": size, "length": length, "final": bool(final)}
        return dict(self.state)


def finish_hash(state: dict) -> tuple[str, dict]:
    """(SHA-256 hex of the plaintext, the state to keep) for a complete file, read back and verified whole.

    The state returned no longer holds the upload's copy of the data key: from then on only the notice's
    private key, after the opening, reads the file."""
    _check_state(state)
    if not state["final"]:
        raise SealedFileError("This sealed file is not complete yet.")
    digest = hashlib.sha256()
    for plaintext in _decrypt_segments(state, _upload_data_key(state)):
        digest.update(plaintext)
    sealed = {name: value for name, value in state.items() if name not in ("upload_key", "upload_master_key_id")}
    return digest.hexdigest(), sealed


class SealedReader:
    """Decrypts a sealed file of `notice` as a stream, after the opening only (SealedUntilOpening before).

    With `practice=True`, a file of the practice consultation, through :func:`practice_private_key` (refused for
    any other notice); the caller has checked that the file is its reader's own and its delay over."""

    def __init__(self, notice, state: dict, *, practice: bool = False):
        _check_state(state)
        if state["notice"] != notice.pk:
            raise SealedFileError("This sealed file belongs to another notice.")
        private = practice_private_key(notice) if practice else notice_private_key(notice)
        self.state = state
        self._data_key = _open_data_key(private, _unb64(state["sealed_key"]), _binding(state))

    def chunks(self):
        """The plaintext, one segment (at most SEGMENT_SIZE bytes) at a time; SealedFileError on any alteration."""
        if not self.state["final"]:
            raise SealedFileError("This sealed file is not complete.")
        yield from _decrypt_segments(self.state, self._data_key)
