"""The server's own ceiling for bench/upload.py: a bare ASGI app that takes the same tus requests as the site and
does the least any upload must do, nothing of Django, the sink or the seal.

POST answers 201 with a Location; each PATCH appends its body to one file in BENCH_BARE_UPLOAD_DIR as the server
hands it over, fsyncs it (as the sink does once per piece) and answers 204 with the new Upload-Offset; GET
/bench/minimal/ answers 200 (the benchmark waits for it before starting). Served by the same server (uvicorn,
Daphne) as the site, it measures what the ASGI server and the socket cost, which no view can go below.
"""

import os
from pathlib import Path

FOLDER = Path(os.environ.get("BENCH_BARE_UPLOAD_DIR", "var/bench/upload/bare"))


async def _answer(send, status: int, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-length", b"0"), *headers]})
    await send({"type": "http.response.body", "body": b""})


async def application(scope, receive, send):
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            pass
        return
    if scope["type"] != "http":
        return
    method = scope["method"]
    if method == "PATCH":
        FOLDER.mkdir(parents=True, exist_ok=True)
        path = FOLDER / "upload.bin"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            while True:
                message = await receive()
                body = message.get("body", b"")
                if body:
                    os.write(descriptor, body)
                if not message.get("more_body"):
                    break
            os.fsync(descriptor)
            offset = os.fstat(descriptor).st_size
        finally:
            os.close(descriptor)
        await _answer(send, 204, [(b"upload-offset", str(offset).encode())])
        return
    while (await receive()).get("more_body"):
        pass
    if method == "POST":
        FOLDER.mkdir(parents=True, exist_ok=True)
        (FOLDER / "upload.bin").unlink(missing_ok=True)
        await _answer(send, 201, [(b"location", b"/bare/upload/")])
        return
    await _answer(send, 200, [])
