import pytest

from factcheck.matching.lexical import clean_query, fts_query, fuse, within_budget
from factcheck.matching.metrics import average_precision_at, evaluate, threshold_table


def test_clean_query_strips_links_handles_and_the_tweet_signature():
    tweet = (
        "Butterflies survive the #AustralianFires pic.twitter.com/0eJt https://t.co/x "
        "— Center for Bio Div (@CenterForBioDiv) January 14, 2020"
    )
    assert clean_query(tweet) == "Butterflies survive the AustralianFires"
    assert clean_query("Thanks @someone for this") == "Thanks for this"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The budget grew by 40%!", '"budget" OR "grew" OR "40"'),
        ('He said "NOT" AND) OR (*', '"said"'),
        ("the of and", None),
        ("Robert'); DROP TABLE claim;--", '"robert" OR "drop" OR "table" OR "claim"'),
    ],
)
def test_fts_query_quotes_every_term(text, expected):
    assert fts_query(text) == expected


def test_the_commonest_terms_go_beyond_the_row_budget_but_the_rarest_stays():
    counts = {"senator": 17_000, "voted": 39_000, "bill": 28_000, "filibuster": 300}
    terms = ["senator", "voted", "bill", "filibuster"]
    assert within_budget(terms, counts, 20_000) == ["senator", "filibuster"]
    assert within_budget(terms, counts, 100_000) == terms
    assert within_budget(["voted", "bill"], counts, 1_000) == ["bill"]  # never empty


def test_terms_left_out_of_the_match_still_score_at_half_weight():
    query = fts_query("The senator voted against the bill", keep=lambda terms: terms[:1])
    assert query == '("senator") OR (("senator") AND ("voted" OR "bill"))'
    assert fts_query("The senator voted", keep=lambda terms: terms) == '"senator" OR "voted"'


def test_fuse_combines_standardised_runs():
    dense = [(1, 0.9), (2, 0.8), (3, 0.1)]
    lexical = [(3, 30.0), (2, 20.0), (4, 1.0)]
    assert fuse([(dense, 1.0)]) == [1, 2, 3]
    assert fuse([(dense, 1.0), (lexical, 1.0)])[0] == 2  # good in both beats best in one
    assert fuse([(dense, 1.0), (lexical, 5.0)])[0] == 3
    assert fuse([([], 1.0), ([], 0.5)]) == []


def test_metrics_follow_the_checkthat_definitions():
    assert average_precision_at(["a", "b", "c"], {"b"}, 5) == 0.5
    assert average_precision_at(["a", "b", "c"], {"a", "c"}, 5) == pytest.approx((1 + 2 / 3) / 2)
    assert average_precision_at(["x", "a"], {"a"}, 1) == 0.0
    result = evaluate({"q1": ["a", "b"], "q2": ["c"]}, {"q1": {"b"}, "q2": {"z"}, "q3": {"a"}})
    assert result == {
        "queries": 3,
        "MAP@1": 0.0,
        "MAP@5": round(0.5 / 3, 4),
        "MRR": round(0.5 / 3, 4),
        "Recall@10": round(1 / 3, 4),
    }


def test_threshold_table_trades_precision_for_recall():
    scored = {"q1": [("a", 0.95), ("b", 0.7)], "q2": [("x", 0.8), ("c", 0.6)]}
    rows = threshold_table(scored, {"q1": {"a"}, "q2": {"c"}}, [0.5, 0.75, 0.9])
    assert rows == [(0.5, 0.5, 1.0, 4), (0.75, 0.5, 0.5, 2), (0.9, 1.0, 0.5, 1)]
