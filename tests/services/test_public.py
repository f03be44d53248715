"""What the public side reads, on SQLite and PostgreSQL: current verdicts of ours, newest first."""

from __future__ import annotations

import pytest

from factcheck.models import Claim
from factcheck.services import public
from factcheck.services.errors import InvalidInput, NotFound
from factcheck.services.reviews import SourceInput, record_verdict

SOURCE = SourceInput(url="https://stats.example/x")


def claim_with(session, text: str, reviewer, *ratings: str, claimant: str | None = None) -> Claim:
    """Store a claim and publish RATINGS on it in turn (each after the first a correction)."""
    claim = Claim(text=text, claimant=claimant)
    session.add(claim)
    session.commit()
    for n, rating in enumerate(ratings):
        record_verdict(
            session,
            claim,
            rating=rating,
            reviewer=reviewer,
            conclusion=f"Conclusion {n}",
            sources=[SOURCE],
            publish=True,
            correction_reason="New figures." if n else "",
        )
    return claim


def texts(page: public.VerdictPage) -> list[str]:
    return [item.claim.text for item in page.items]


def test_the_list_holds_current_verdicts_of_ours_newest_first(session, users):
    checker = users["checker"]
    old = claim_with(session, "Rents rose 5% (100_% sure).", checker, "false")
    corrected = claim_with(session, "Fares fell.", checker, "true", "mostly-false")
    claim_with(session, "Not checked yet.", checker)
    imported = claim_with(session, "Another desk's claim.", checker, "true")
    imported.verdict.publisher = "Other desk"
    session.commit()
    page = public.list_verdicts(session)
    assert texts(page) == ["Fares fell.", "Rents rose 5% (100_% sure)."]
    assert [item.review.rating for item in page.items] == ["mostly-false", "false"]
    assert not page.has_next
    assert texts(public.list_verdicts(session, rating="true")) == []  # corrected away
    assert texts(public.list_verdicts(session, query="fell")) == ["Fares fell."]
    assert texts(public.list_verdicts(session, query="100_%")) == [old.text]
    assert texts(public.list_verdicts(session, query="5_%")) == []  # wildcards are text
    assert len(texts(public.list_verdicts(session, query="CONCLUSION"))) == 2  # conclusions too
    one = public.list_verdicts(session, per_page=1)
    assert texts(one) == ["Fares fell."] and one.has_next
    assert [row[0] for row in public.sitemap_rows(session)] == [old.id, corrected.id]
    assert [i.claim.id for i in public.latest_verdicts(session)] == [corrected.id, old.id]
    for bad in ({"rating": "nope"}, {"page": 0}, {"query": "x" * 201}):
        with pytest.raises(InvalidInput):
            public.list_verdicts(session, **bad)


def test_a_verdict_and_its_corrections(session, users):
    checker = users["checker"]
    claim = claim_with(session, "Crime fell 8%.", checker, "false", "half-true", "half-true")
    found = public.get_verdict(session, claim.id)
    assert found.verdict.rating == "half-true"
    changes = public.corrections(found)
    assert [(c.rating_before, c.rating_after) for c in changes] == [
        ("half-true", "half-true"),
        ("false", "half-true"),
    ]
    assert changes[1].conclusion_before == "Conclusion 0" and changes[1].reason == "New figures."
    unchecked = claim_with(session, "Unchecked.", checker)
    for missing in (unchecked.id, 10**9):
        with pytest.raises(NotFound):
            public.get_verdict(session, missing)


def test_addresses(session, users):
    claim = claim_with(session, "Ünïcode — and 40% of “quotes”!", users["checker"], "true")
    assert public.slug(claim) == f"{claim.id}-unicode-and-40-of-quotes"
    assert public.claim_id_of(public.slug(claim)) == claim.id
    assert public.claim_id_of(str(claim.id)) == claim.id
    assert public.claim_id_of("abc-1") is None and public.claim_id_of("") is None
    assert public.slug_of(7, "!!!") == "7"
