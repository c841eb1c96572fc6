"""``/files/<name>``: rendered files at stable URLs, no key needed (like a CDN), and ``/health``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from pictify_ssg.local.api_errors import not_found
from pictify_ssg.local.state import get_state
from pictify_ssg.local.storage import CONTENT_TYPES


async def serve_file(request: Request) -> Response:
    """``GET /files/<id>.<ext>`` with the matching content type."""
    name = request.path_params["name"]
    path = get_state(request).storage.file_path(name)
    if path is None:
        raise not_found("File", "FILE_NOT_FOUND")
    return FileResponse(
        path,
        media_type=CONTENT_TYPES[path.suffix.lstrip(".")],
        # Names are never reused, so a file never changes once served.
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


async def health(request: Request) -> JSONResponse:
    """``GET /health`` -> ``{"status": "ok", "browser": <running?>}``."""
    return JSONResponse({"status": "ok", "browser": get_state(request).renderer.started})


ROUTES = [
    Route("/files/{name}", serve_file, methods=["GET", "HEAD"]),
    Route("/health", health, methods=["GET"]),
]
