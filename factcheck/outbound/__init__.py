"""Requests the server sends out (pages, feeds, webhooks): one address policy, one client."""

from factcheck.outbound.fetcher import (
    Fetcher,
    FetchError,
    FetchSettings,
    Page,
    guarded_client,
    post,
)
from factcheck.outbound.policy import OutboundPolicy, Refused, address_kind, is_web_url

__all__ = [
    "FetchError",
    "FetchSettings",
    "Fetcher",
    "OutboundPolicy",
    "Page",
    "Refused",
    "address_kind",
    "guarded_client",
    "is_web_url",
    "post",
]
