"""Audit events told as a timeline a person can read: who did what, when and why."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from factcheck.models import AuditEvent
from factcheck.verdicts import rating_label


@dataclass(frozen=True, slots=True)
class Entry:
    when: datetime
    who: str
    what: str  # one sentence
    kind: str  # CSS hook: verdict, status, text, link, request, other
    details: list[str] = field(default_factory=list)


def _status(d: dict[str, Any]) -> list[str]:
    before, after = d.get("status_from"), d.get("status_to")
    if before and after and before != after:
        return [f"status {before.replace('_', ' ')} → {after.replace('_', ' ')}"]
    return []


def _verdict(verb: str) -> Callable[[dict[str, Any]], tuple[str, str, list[str]]]:
    def describe(d: dict[str, Any]) -> tuple[str, str, list[str]]:
        lines = []
        if d.get("conclusion"):
            lines.append(f"conclusion: {d['conclusion']}")
        if d.get("correction_reason"):
            lines.append(f"correction, because: {d['correction_reason']}")
        if d.get("approved_by"):
            lines.append(f"written by {d.get('author')}, approved by {d['approved_by']}")
        sources = d.get("sources")
        if isinstance(sources, list):
            lines += [f"source {s}" for s in sources]
        return (
            f"{verb} the verdict {rating_label(d.get('rating'))}",
            "verdict",
            lines + _status(d),
        )

    return describe


def _link_lines(d: dict[str, Any]) -> list[str]:
    similarity = d.get("similarity")
    return [
        f"similarity {similarity:.2f}" if isinstance(similarity, (int, float)) else "",
        f"because: {d['reason']}" if d.get("reason") else "",
    ]


_DESCRIBE: dict[str, Callable[[dict[str, Any]], tuple[str, str, list[str]]]] = {
    "review.drafted": _verdict("saved a draft of"),
    "review.submitted": _verdict("submitted for approval"),
    "review.published": _verdict("published"),
    "review.returned": lambda d: (
        f"sent the verdict back to {d.get('author') or 'its author'}",
        "verdict",
        [f"because: {d.get('reason')}", *_status(d)],
    ),
    "claim.assigned": lambda d: (
        f"assigned the claim to {d.get('assignee')}",
        "status",
        _status(d),
    ),
    "claim.unassigned": lambda d: (
        "unassigned the claim",
        "status",
        ([f"was {d['previous']}"] if d.get("previous") else []) + _status(d),
    ),
    "claim.check_requested": lambda d: ("requested a check", "request", []),
    "claim.dismissed": lambda d: (
        "dismissed the claim as not checkable",
        "status",
        [f"because: {d.get('reason')}"],
    ),
    "claim.reopened": lambda d: ("reopened the claim", "status", _status(d)),
    "request.received": lambda d: (
        "a reader asked about this claim"
        + (" (shown the verdict at once)" if d.get("answered") else ""),
        "request",
        [],
    ),
    "requests.moved": lambda d: (
        f"moved {len(d.get('requests') or [])} readers' requests to claim #{d.get('to')}",
        "request",
        [],
    ),
    "requests.joined": lambda d: (
        f"moved {len(d.get('requests') or [])} readers' requests here from claim "
        f"#{d.get('source')}",
        "request",
        [],
    ),
    "request.replied": lambda d: ("emailed a reader the verdict", "request", []),
    "request.email_stopped": lambda d: ("a reader stopped emails", "request", []),
    "request.email_refused": lambda d: (
        "the mail server refused a reader's address",
        "request",
        [],
    ),
    "claim.edited": lambda d: (
        "edited the claim text",
        "text",
        [f"before: {d.get('before')}", f"after: {d.get('after')}"],
    ),
    "claim.split": lambda d: (
        "split the claim",
        "text",
        [f"before: {d.get('before')}"]
        + [f"#{part.get('id')}: {part.get('text')}" for part in d.get("into") or []],
    ),
    "claim.split_from": lambda d: (f"split this claim off claim #{d.get('source')}", "text", []),
    "claim.merged": lambda d: (
        f"merged claim #{d.get('merged')} into this one",
        "text",
        [str(d.get("merged_text") or "")],
    ),
    "link.confirmed": lambda d: (
        f"confirmed a link to claim #{d.get('other')} as {d.get('relation')}",
        "link",
        _link_lines(d),
    ),
    "link.submitted": lambda d: (
        f"proposed a link to claim #{d.get('other')} as "
        f"{d.get('relation')}, for a second fact-checker to approve",
        "link",
        _link_lines(d),
    ),
    "link.approved": lambda d: (
        f"approved the link to claim #{d.get('other')} as {d.get('relation')}",
        "link",
        _link_lines(d),
    ),
    "link.rejected": lambda d: (f"rejected a link to claim #{d.get('other')}", "link", []),
    "link.auto_confirmed": lambda d: (
        f"linked claim #{d.get('other')} as the same claim (similarity {d.get('similarity')})",
        "link",
        [],
    ),
}


def describe(event: AuditEvent, claim_id: int | None = None) -> Entry:
    """Return EVENT as a timeline entry, told from the page of claim CLAIM_ID."""
    details = dict(event.details or {})
    if claim_id is not None and event.entity_id != claim_id and event.action.startswith("link."):
        # Another claim's link to this one: name that claim instead of this one.
        details["other"] = event.entity_id
    describer = _DESCRIBE.get(event.action)
    if describer is None:
        what, kind, lines = event.action, "other", []
    else:
        what, kind, lines = describer(details)
    who = event.actor.display_name if event.actor else "the system"
    if event.actor is None and event.action.startswith("request."):
        who = ""  # the sentence names the reader
    return Entry(
        when=event.created_at,
        who=who,
        what=what,
        kind=kind,
        details=[line for line in lines if line],
    )


def timeline(events: Iterable[AuditEvent], claim_id: int | None = None) -> list[Entry]:
    """Return EVENTS as entries, newest first."""
    return [describe(event, claim_id) for event in reversed(list(events))]
