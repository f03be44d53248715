"""The form a URL is stored and compared in, so one story is one article whatever link led to it."""

from __future__ import annotations

import urllib.parse

# Query parameters that only say where a reader came from; the page is the same without them.
_TRACKING = ("utm_", "mc_", "pk_")
_TRACKING_NAMES = {
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "yclid",
    "igshid",
    "ref_src",
    "cmpid",
    "ocid",
    "smid",
    "at_medium",
    "at_campaign",
}
_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_url(url: str) -> str:
    """Return URL with scheme and host in lower case, no default port, fragment or trackers."""
    parts = urllib.parse.urlsplit(url.strip())
    scheme, host = parts.scheme.lower(), (parts.hostname or "").rstrip(".").lower()
    if ":" in host:
        host = f"[{host}]"
    netloc = host if parts.port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{parts.port}"
    query = urllib.parse.urlencode(
        [
            (key, value)
            for key, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
            if key.lower() not in _TRACKING_NAMES and not key.lower().startswith(_TRACKING)
        ]
    )
    return urllib.parse.urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def host_of(url: str) -> str:
    """Return URL's host without a leading www."""
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host
