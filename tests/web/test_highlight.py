from factcheck.models import (
    Claim,
    ClaimLink,
    ClaimStatus,
    LinkState,
    Relation,
    Review,
    ReviewStatus,
)
from factcheck.web.highlight import claim_flag, flagged_claims, highlight_pieces, piece_flag

BODY = "Rents rose and wages fell. Prices rose."


def claim(id_, start, end, spans=None, score=0.8):
    return Claim(
        id=id_,
        text=f"claim {id_}",
        start=start,
        end=end,
        spans=spans or [[start, end]],
        status=ClaimStatus.NEW,
        reviews=[],
        links=[],
        checkworthiness=score,
    )


def verdict(rating: str) -> Review:
    return Review(rating=rating, status=ReviewStatus.PUBLISHED, conclusion="c", sources=[])


def test_claims_sharing_a_span_form_one_piece():
    a, b = claim(1, 0, 26), claim(2, 0, 26)
    pieces = highlight_pieces(BODY, [a, b])
    assert [p.text for p in pieces] == ["Rents rose and wages fell.", " Prices rose."]
    assert pieces[0].claims == (a, b) and pieces[0].anchors == (1, 2)


def test_overlapping_spans_merge_and_a_repeated_claim_is_anchored_once():
    a, b = claim(1, 0, 10), claim(2, 15, 26, spans=[[15, 26], [27, 39]])
    c = claim(3, 5, 20)
    pieces = highlight_pieces(BODY, [a, b, c])
    assert [p.text for p in pieces if p.claims] == ["Rents rose and wages fell.", "Prices rose."]
    assert pieces[-1].claims == (b,) and pieces[-1].anchors == ()


def test_spans_outside_the_body_and_stale_claims_are_not_highlighted():
    stale = claim(2, 0, 5)
    stale.start = stale.end = None
    stale.spans = []
    assert highlight_pieces("Short.", [claim(1, 3, 99), stale]) == highlight_pieces("Short.", [])


def test_without_a_verdict_the_colour_is_the_check_worthiness_band():
    assert claim_flag(claim(1, 0, 5, score=0.9)).css == "hl-cw-high"
    assert claim_flag(claim(1, 0, 5, score=0.6)).css == "hl-cw-mid"
    low = claim_flag(claim(1, 0, 5, score=0.2))
    assert (low.css, low.tag, low.flagged) == ("hl-low", "", False)
    assert "low check-worthiness" in low.label


def test_a_verdict_colours_the_claim_and_is_labelled_in_words():
    checked = claim(1, 0, 5, score=0.2)
    checked.reviews = [verdict("misleading")]
    flag = claim_flag(checked)
    assert (flag.css, flag.label, flag.tag, flag.carried) == (
        "hl-mixed",
        "Misleading",
        "! Misleading",
        False,
    )


def test_a_confirmed_paraphrase_carries_its_verdict_but_a_suggestion_does_not():
    other = claim(9, 0, 5)
    other.reviews = [verdict("pants-fire")]
    mine = claim(1, 0, 5, score=0.6)
    mine.links = [ClaimLink(other=other, relation=Relation.PARAPHRASE, state=LinkState.SUGGESTED)]
    assert claim_flag(mine).verdict is None
    mine.links[0].state = LinkState.CONFIRMED
    flag = claim_flag(mine)
    assert (flag.css, flag.label, flag.carried) == ("hl-false", "Pants on fire", True)


def test_a_shared_piece_shows_its_most_urgent_claim():
    a, b = claim(1, 0, 26, score=0.9), claim(2, 0, 26)
    b.reviews = [verdict("false")]
    flags = {1: claim_flag(a), 2: claim_flag(b)}
    [piece, _] = highlight_pieces(BODY, [a, b])
    assert piece_flag(piece, flags).css == "hl-false"


def test_flagged_list_puts_false_then_misleading_then_unchecked_by_score():
    claims = [claim(i, 0, 5, score=s) for i, s in enumerate([0.9, 0.6, 0.95, 0.3, 0.8], 1)]
    claims[1].reviews = [verdict("half-true")]
    claims[3].reviews = [verdict("false")]
    claims[4].reviews = [verdict("true")]
    flags = {c.id: claim_flag(c) for c in claims}
    assert [c.id for c in flagged_claims(claims, flags)] == [4, 2, 3, 1]
