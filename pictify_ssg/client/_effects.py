"""What sending a request twice would do: each endpoint's declared :class:`Effect`.

Retry safety is declared once per endpoint (the ``effect=`` of each ``Endpoint`` built by the
resource modules), never guessed from the URL. The retry policy reads it from the error.

Why POSTs are split and none counts as "honours ``Idempotency-Key``": the API overview claims
every POST accepts the key, but the wire notes (§4, conflict C19) side with maintainer code that
says the render and CRUD routes ignore it ("only the campaign routes do", and this client calls
no campaign route). So the key we send is a courtesy for servers that honour it (the local
server can), and is never a reason to retry.
"""

from __future__ import annotations

import enum

__all__ = ["Effect"]


class Effect(str, enum.Enum):
    """What the server does when it receives the same request a second time.

    Attributes:
        IDEMPOTENT: Repeating changes nothing more (GET, PUT, DELETE, and the POSTs that only
            set a state: cancel a batch, pause or resume a subscription). Retried after any
            retryable failure.
        CREATES: Each request creates a record (template, webhook subscription, binding); not
            billed, but a repeat makes a duplicate (a second subscription delivers every event
            twice). Retried only when the request certainly did no work.
        BILLED: Each request renders and is billed (images, GIFs, PDFs, template renders,
            batch renders, agent screenshots, canvas, capture, binding refresh). Retried only
            when the request certainly did no work.

    "Certainly did no work" means: the connection was never made (connect error, connect or
    pool timeout), or the server answered that it refused the request before doing it (408, a
    throttling 429, a 503 that names a ``Retry-After``). A dropped connection, a read or write
    timeout, a 500, 502 or 504, or a 503 without ``Retry-After`` (proxies such as Envoy answer
    503 when the upstream reset *after* receiving the request) may all follow a finished,
    billed render.
    """

    IDEMPOTENT = "idempotent"
    CREATES = "creates"
    BILLED = "billed"
