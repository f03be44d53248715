from factcheck.models import Claim, ClaimStatus
from factcheck.web.highlight import highlight_pieces, piece_css_class

BODY = "Rents rose and wages fell. Prices rose."


def claim(id_, start, end, spans=None):  # noqa: ANN001, ANN201
    return Claim(id=id_, text="x", start=start, end=end, spans=spans or [[start, end]],
                 status=ClaimStatus.NEW, reviews=[], checkworthiness=0.8)


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
    assert piece_css_class(pieces[0]) == "hl-status-new"


def test_spans_outside_the_body_are_ignored():
    assert highlight_pieces("Short.", [claim(1, 3, 99)]) == highlight_pieces("Short.", [])


def test_unchecked_claims_scored_low_are_only_underlined():
    low = claim(1, 0, 10)
    low.checkworthiness = 0.2
    [piece, _] = highlight_pieces(BODY, [low])
    assert piece_css_class(piece) == "hl-low"
