"""Optional server behaviours (rate limits, idempotency, faults, renderer tuning, retention).

Everything that changes the wire behaviour is off by default, so a plain server behaves like the
hosted API on a good day; retention is on, like the hosted API's 7 days for batch results.
Tests and benchmarks switch behaviours on through `ServerOptions`, the `pictify-ssg serve` flags
or `PICTIFY_LOCAL_*` environment variables.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from pictify_ssg.local.network_policy import normalise_host_pattern
from pictify_ssg.local.outbound_policy import normalise_outbound_host

CaptureMode = Literal["fast", "default"]
"""How screenshots are taken.

``fast`` asks Chromium's DevTools protocol for an image with ``optimizeForSpeed`` (a cheaper zlib
setting, ~3x faster for PNG); ``default`` uses Playwright's ``page.screenshot`` (Chromium's default
PNG encoder). ``default`` exists only so the benchmark can compare the two.
"""


@dataclass(frozen=True)
class ServerOptions:
    """Behaviours of a `LocalServer`; every wire-visible behaviour except retention is off.

    Attributes:
        rate_limit_per_minute: Requests allowed per API key per 60 s window. When set, every API
            response carries ``X-RateLimit-Limit/Remaining/Reset`` and excess requests get 429
            with a ``Retry-After`` header and a ``retry_after`` body field. ``None`` disables.
        idempotency: Replay the stored response when a POST repeats an ``Idempotency-Key``
            (same key and body); a reused key with a different body gets 409.
        latency_ms: Extra delay added before every API request is handled. Default 0 unless
            ``PICTIFY_LOCAL_LATENCY_MS`` says otherwise (read like ``retention_hours``, so a
            test can slow down the server a build embeds, e.g. to edit pages while
            ``mkdocs serve`` is rendering).
        latency_jitter_ms: A random extra delay of 0 to this many milliseconds on top of
            ``latency_ms``, drawn per request from a generator of its own (seeded by ``seed``),
            so switching jitter on does not change which requests get the other faults.
        error_rate: Share (0-1) of API requests answered with an injected 503.
        throttle_rate: Share (0-1) of API requests answered with an injected 429.
        drop_rate: Share (0-1) of API requests whose connection is closed without a response.
        batch_item_failure_rate: Share (0-1) of batch items that fail with an injected error.
        late_render_rate: Share (0-1) of render requests (``POST /templates/{uid}/render``,
            ``POST /templates/{uid}/batch-render``, ``POST /image``, and the GIF, PDF and
            canvas renders: see ``gateway.RENDER_ROUTES``) that are handled in full
            (the image is rendered, or the batch accepted) but answered only after
            ``late_render_ms``: a client whose read timeout is shorter gives up on work the
            service did, as with a busy hosted API. Drawn from a generator of its own.
        late_render_ms: How long a late render's answer is held back; must be positive when
            ``late_render_rate`` is set.
        seed: Seed for every random fault decision; the same seed and the same sequence of
            requests give the same faults.
        batch_item_urls: Include ``url``, ``width`` and ``height`` in batch result items. ``False``
            mimics the hosted API, whose batch results carry no URLs.
        batch_item_delay_ms: Pause before each batch item renders, so tests can watch a batch
            in ``processing`` state or cancel it midway.
        browsers: Chromium processes to run. Each encodes screenshots on its own browser thread,
            so two processes roughly double PNG throughput on two cores.
        pages_per_browser: Reused pages (tabs) per Chromium process.
        launch_at_start: Launch Chromium as the server starts (in the background) rather than
            at the first render: the embedded server is started only when cards must be
            rendered, so its first render need not wait for the launch.
        capture: Screenshot strategy, see `CaptureMode`.
        render_timeout_s: Upper bound for loading one page before the render fails.
        retention_hours: Rendered files, image records and finished batches older than this
            are deleted at start-up and then every ``prune_interval_s`` (afterwards
            ``GET /image/{id}`` and the file URL answer 404). Templates are kept. Default 168
            (7 days, the hosted API's retention for batch results) unless
            ``PICTIFY_LOCAL_RETENTION_HOURS`` says otherwise; 0 keeps everything.
        prune_interval_s: Seconds between two retention runs of a running server.
        card_hosts: Hosts cards (HTML renders) may load https resources from, such as web fonts
            or images on a CDN: exact names (``fonts.gstatic.com``) or ``*.example.com``
            wildcards (subdomains only). Empty (the default) renders cards offline, from their
            HTML and inlined ``data:`` assets alone. An allowed name that resolves to a
            private, loopback or link-local address is still refused. Environment:
            comma-separated ``PICTIFY_LOCAL_CARD_HOSTS``.
        allow_private_network: Let URL screenshots (and allowed card hosts) reach loopback,
            private (RFC 1918, ULA), shared (CGNAT) and link-local addresses, including the
            cloud metadata address. Off: only public addresses are reached.
        card_timeout_s: Budget for a whole card render (writing the HTML, loading its images
            and fonts, the screenshot); a card over it fails with 422 ``RENDER_TIMEOUT`` and
            its page is replaced. Capped by ``render_timeout_s``, which stays the budget for
            URL screenshots.
        outbound_hosts: Hosts the server itself may send requests to: webhook deliveries
            (``targetUrl``) and binding data sources (``dataSource.url``). These URLs come from
            the API key holder (the operator), not from page authors, so a listed host is
            reached whatever it resolves to, loopback and private addresses included; exact
            names or IP addresses (``127.0.0.1``, ``hooks.example.com``), ``*.example.com``
            wildcards (subdomains only), or ``*`` for any host whose every address is public.
            Empty (the default): every such URL is refused with 400 naming the field, so a
            server never calls out unless its operator says where. Environment:
            comma-separated ``PICTIFY_LOCAL_OUTBOUND_HOSTS``.
        outbound_timeout_s: Budget for one webhook delivery attempt or one data-source fetch.
        webhook_retry_delays_s: Pauses before the 2nd, 3rd... attempt of a failed delivery
            (its length is the number of retries). Default: 1, 2, 4... 256 s (10 attempts).
        webhook_failure_limit: Consecutive failed attempts after which a subscription is
            marked ``failed`` and gets nothing more until it is resumed.
    """

    rate_limit_per_minute: int | None = None
    idempotency: bool = False
    # Read from the environment even without `from_env`, like retention_hours: the embedded
    # server of a build is built with plain `ServerOptions()`.
    latency_ms: int = dataclasses.field(default_factory=lambda: default_latency_ms())
    latency_jitter_ms: int = 0
    error_rate: float = 0.0
    throttle_rate: float = 0.0
    drop_rate: float = 0.0
    batch_item_failure_rate: float = 0.0
    late_render_rate: float = 0.0
    late_render_ms: int = 0
    seed: int = 0
    batch_item_urls: bool = True
    batch_item_delay_ms: int = 0
    browsers: int = 2
    pages_per_browser: int = 1
    launch_at_start: bool = False
    capture: CaptureMode = "fast"
    render_timeout_s: float = 30.0
    # Read from the environment even without `from_env`, so the backend the core embeds
    # (built with plain `ServerOptions()`) honours a user's retention choice too.
    retention_hours: float = dataclasses.field(default_factory=lambda: default_retention_hours())
    prune_interval_s: float = 600.0
    # --- Renderer isolation: what cards and screenshots may reach, and the card budget. ---
    card_hosts: tuple[str, ...] = ()
    allow_private_network: bool = False
    card_timeout_s: float = 10.0
    # --- Outbound requests of the server itself: webhook deliveries, binding data sources. ---
    outbound_hosts: tuple[str, ...] = ()
    outbound_timeout_s: float = 10.0
    webhook_retry_delays_s: tuple[float, ...] = (1, 2, 4, 8, 16, 32, 64, 128, 256)
    webhook_failure_limit: int = 10

    def __post_init__(self) -> None:
        rates = ("error_rate", "throttle_rate", "drop_rate", "batch_item_failure_rate")
        for name in (*rates, "late_render_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"ServerOptions.{name} must be between 0 and 1, got {value}")
        if self.rate_limit_per_minute is not None and self.rate_limit_per_minute < 1:
            raise ValueError("ServerOptions.rate_limit_per_minute must be at least 1")
        if self.browsers < 1 or self.pages_per_browser < 1:
            raise ValueError("ServerOptions.browsers and pages_per_browser must be at least 1")
        delays = (self.latency_ms, self.latency_jitter_ms, self.batch_item_delay_ms)
        if min(delays) < 0 or self.late_render_ms < 0:
            raise ValueError("ServerOptions delays must not be negative")
        if self.late_render_rate and not self.late_render_ms:
            raise ValueError("ServerOptions.late_render_rate needs a positive late_render_ms")
        if not self.retention_hours >= 0:  # also refuses NaN
            raise ValueError("ServerOptions.retention_hours must be 0 (keep) or more")
        if not self.prune_interval_s > 0:
            raise ValueError("ServerOptions.prune_interval_s must be positive")
        if self.capture not in ("fast", "default"):
            raise ValueError("ServerOptions.capture must be 'fast' or 'default'")
        if not self.card_timeout_s > 0 or not self.render_timeout_s > 0:
            raise ValueError("ServerOptions.card_timeout_s and render_timeout_s must be positive")
        hosts: object = self.card_hosts  # typed as a tuple, but a str is an easy mistake
        if isinstance(hosts, str):
            raise ValueError("ServerOptions.card_hosts must be a tuple of host names, not a str")
        # Kept normalised (lower case, IDNA, no trailing dot); a bad entry raises ValueError.
        normalised = tuple(dict.fromkeys(normalise_host_pattern(h) for h in self.card_hosts))
        object.__setattr__(self, "card_hosts", normalised)
        self._check_outbound()

    def _check_outbound(self) -> None:
        for name in ("outbound_hosts", "webhook_retry_delays_s"):
            if isinstance(getattr(self, name), str):
                raise ValueError(f"ServerOptions.{name} must be a tuple, not a str")
        hosts = tuple(dict.fromkeys(normalise_outbound_host(h) for h in self.outbound_hosts))
        object.__setattr__(self, "outbound_hosts", hosts)
        delays = tuple(float(d) for d in self.webhook_retry_delays_s)
        if any(not d >= 0 for d in delays):
            raise ValueError("ServerOptions.webhook_retry_delays_s must not be negative")
        object.__setattr__(self, "webhook_retry_delays_s", delays)
        if not self.outbound_timeout_s > 0 or self.webhook_failure_limit < 1:
            raise ValueError(
                "ServerOptions.outbound_timeout_s and webhook_failure_limit must be positive"
            )

    @property
    def faults_enabled(self) -> bool:
        """Whether any per-request fault is configured."""
        return bool(
            self.latency_ms
            or self.latency_jitter_ms
            or self.error_rate
            or self.throttle_rate
            or self.drop_rate
            or self.late_render_rate
        )

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **overrides: object
    ) -> ServerOptions:
        """Build options from ``PICTIFY_LOCAL_<FIELD>`` variables, then apply ``overrides``.

        Args:
            environ: Where to read variables from (default: ``os.environ``).
            **overrides: Field values that win over the environment (``None`` values are skipped,
                so unset CLI flags do not mask the environment).

        Returns:
            The options.

        Raises:
            ValueError: A variable cannot be parsed or a value is out of range.
        """
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for field in dataclasses.fields(cls):
            raw = env.get(f"PICTIFY_LOCAL_{field.name.upper()}")
            if raw is not None and raw.strip():
                values[field.name] = _parse(field.name, str(field.type), raw.strip())
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


DEFAULT_RETENTION_HOURS = 168.0
"""7 days, like the hosted API's retention for batch results."""


def default_retention_hours(environ: Mapping[str, str] | None = None) -> float:
    """``PICTIFY_LOCAL_RETENTION_HOURS`` when set, else `DEFAULT_RETENTION_HOURS`.

    Raises:
        ValueError: The variable is not a number.
    """
    raw = (os.environ if environ is None else environ).get("PICTIFY_LOCAL_RETENTION_HOURS", "")
    if not raw.strip():
        return DEFAULT_RETENTION_HOURS
    value = _parse("retention_hours", "float", raw.strip())
    assert isinstance(value, float)
    return value


def default_latency_ms(environ: Mapping[str, str] | None = None) -> int:
    """``PICTIFY_LOCAL_LATENCY_MS`` when set, else 0.

    Raises:
        ValueError: The variable is not a whole number.
    """
    raw = (os.environ if environ is None else environ).get("PICTIFY_LOCAL_LATENCY_MS", "")
    if not raw.strip():
        return 0
    value = _parse("latency_ms", "int", raw.strip())
    assert isinstance(value, int)
    return value


def _parse(name: str, annotation: str, raw: str) -> object:
    try:
        if annotation == "bool":
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if annotation.startswith("int"):
            return int(raw)
        if annotation == "float":
            return float(raw)
        if annotation.startswith("tuple[str"):
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        if annotation.startswith("tuple[float"):
            return tuple(float(part) for part in raw.split(",") if part.strip())
    except ValueError:
        raise ValueError(f"PICTIFY_LOCAL_{name.upper()}: cannot parse {raw!r}") from None
    return raw
