"""Extracting several articles at once (a consumer's batch) gives what one by one gives."""

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from factcheck.extensions import get_matcher
from factcheck.services.extraction import extract_many, extract_with
from factcheck.text import clean_text
from factcheck.text.claims import ArticleText

DEMO = Path(__file__).resolve().parents[2] / "factcheck" / "demo" / "article.md"


def articles(seed_text: str) -> list[ArticleText]:
    seed = clean_text(seed_text)
    return [
        ArticleText(seed, article_date=date(2020, 11, 26)),
        ArticleText(
            "Unemployment fell to 3.5% last month. Crime doubled last year, the mayor said.",
            article_date=date(2021, 3, 4),
            title="Unemployment fell to 3.5% last month",
        ),
        ArticleText("Le chômage a baissé de 3 % en 2020. La ville a doublé son budget.", "fr"),
        # A sentence of the second article again, without its date: encoded once for both.
        ArticleText("Crime doubled last year, the mayor said. Bats cannot see."),
        ArticleText(clean_text(DEMO.read_text("utf-8"))),
    ]


def same(batch, alone, *, atol: float) -> None:
    assert [[c.draft for c in claims] for claims in batch] == [
        [c.draft for c in claims] for claims in alone
    ]
    for got, want in zip(batch, alone, strict=True):
        for a, b in zip(got, want, strict=True):
            assert a.checkworthiness == pytest.approx(b.checkworthiness, abs=atol)
            np.testing.assert_allclose(a.embedding, b.embedding, atol=atol)


def one_by_one(matcher, texts: list[ArticleText]):
    return [
        extract_with(
            matcher, t.body, language=t.language, article_date=t.article_date, title=t.title
        )
        for t in texts
    ]


@pytest.mark.sqlite_only
def test_a_batch_gives_each_article_its_own_claims(app, seed_text):
    matcher, texts = get_matcher(), articles(seed_text)
    batch = extract_many(matcher, texts)
    same(batch, one_by_one(matcher, texts), atol=0)
    assert len(batch[0]) > 20  # the seed article
    (crime,) = batch[1]  # the headline is not a claim
    assert crime.draft.date_references[0].start == date(2020, 1, 1)  # its article's "last year"
    (again,) = (c for c in batch[3] if c.draft.text == crime.draft.text)  # an undated article
    assert all(reference.start is None for reference in again.draft.date_references)
    assert extract_many(matcher, []) == []
    same(extract_many(matcher, texts[1:2]), one_by_one(matcher, texts[1:2]), atol=0)


@pytest.mark.sqlite_only
@pytest.mark.model
def test_a_batch_on_the_real_encoder_gives_what_one_by_one_gives(app, seed_text):
    """The sentence model pads a batch to its longest text; the vectors and scores agree."""
    matcher, texts = get_matcher(), articles(seed_text)
    same(extract_many(matcher, texts), one_by_one(matcher, texts), atol=1e-4)
