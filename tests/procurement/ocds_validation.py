"""Validate OCDS packages offline with libcoveocds, against the standard's ZIP kept beside the tests.

Other tests reuse `validate(package)`. The schema (`tests/procurement/data/standard-1__1__5.zip`) and
libcoveocds (requirements-test.txt) are part of the test setup: validation never skips.

Offline by construction: libcoveocds fetches every extension listed in a package by URL, and has no
option to turn that off (its ProfileBuilder only reads http(s) extensions). So `validate` checks the
package without its "extensions" (their fields are then reported as additional fields, never as
errors; the result says which extensions were left out under "skipped_extensions"), and it refuses
any network connection while validating, so a future version that reached out would fail loudly.
"""

import contextlib
import copy
import socket
from pathlib import Path

from libcoveocds.api import ocds_json_output
from libcoveocds.config import LibCoveOCDSConfig

STANDARD_ZIP = Path(__file__).resolve().parent / "data" / "standard-1__1__5.zip"


class NetworkAccessError(RuntimeError):
    pass


@contextlib.contextmanager
def no_network():
    """Refuse every outgoing connection and name lookup inside the block."""

    def refuse(*args, **kwargs):
        raise NetworkAccessError(f"network access attempted during OCDS validation: {args!r}")

    saved = socket.socket.connect, socket.socket.connect_ex, socket.create_connection, socket.getaddrinfo
    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    try:
        yield
    finally:
        socket.socket.connect, socket.socket.connect_ex, socket.create_connection, socket.getaddrinfo = saved


def validate(package: dict) -> dict:
    """libcoveocds's result for `package` (a release package as a dict). Check
    result["validation_errors"] and result.get("additional_closed_codelist_values")."""
    data = copy.deepcopy(package)
    extensions = data.pop("extensions", [])
    config = LibCoveOCDSConfig({"standard_zip": STANDARD_ZIP.as_uri(), "context": "api"})
    with no_network():
        result = ocds_json_output("", json_data=data, lib_cove_ocds_config=config)
    result["skipped_extensions"] = extensions
    return result
