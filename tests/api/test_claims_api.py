import pytest
from sqlalchemy import select

from factcheck.models import Claim


@pytest.mark.model
def test_search_answers_in_the_fact_check_tools_shape(api, demo):
    response = api.get("/api/v1/claims:search", query_string={"query": "bats cannot see"})
    assert response.status_code == 200 and response.is_json
    first = response.json["claims"][0]
    assert first["text"] == "Bats are blind."
    assert set(first) >= {"text", "claimant", "claimDate", "claimReview", "id", "similarity"}
    review = first["claimReview"][0]
    assert set(review) >= {
        "publisher",
        "url",
        "title",
        "reviewDate",
        "textualRating",
        "languageCode",
    }
    assert review["textualRating"] == "False" and review["publisher"]["name"]
    assert review["url"] == "https://factcheck.example/sample/bats-blind"
    assert first["claimDate"] == "2024-01-16"
    # Ordered by the figure that explains the order: the calibrated match probability.
    matches = [item["match"] for item in response.json["claims"]]
    assert all(0 <= m <= 1 for m in matches) and matches == sorted(matches, reverse=True)
    assert matches[0] > 0.5


def test_search_respects_page_size_and_explains_bad_arguments(api, demo):
    response = api.get("/api/v1/claims:search?query=budget&pageSize=3")
    assert len(response.json["claims"]) == 3
    for bad, status in [
        ("pageSize=0&query=x", 400),
        ("pageSize=abc&query=x", 400),
        ("pageSize=101&query=x", 400),
        ("query=", 422),
        ("", 422),
        ("query=x&claimDate=2024-02-30", 400),
        ("query=x&claimDate=yesterday", 400),
        ("query=x&claimant=" + "a" * 201, 400),
    ]:
        response = api.get(f"/api/v1/claims:search?{bad}")
        assert response.status_code == status and response.is_json
        assert set(response.json["error"]) == {"code", "message"}


@pytest.mark.model
def test_search_takes_the_claimant_and_date_when_the_caller_knows_them(api, demo):
    response = api.get(
        "/api/v1/claims:search",
        query_string={
            "query": "bats cannot see",
            "claimant": "A Blogger",
            "claimDate": "2024-01-20",
        },
    )
    assert response.status_code == 200
    assert response.json["claims"][0]["text"] == "Bats are blind."


def test_get_claim_returns_its_verdict_and_unknown_ids_get_a_json_404(api, demo, session):
    claim = session.scalar(select(Claim).where(Claim.text == "Bats are blind."))
    body = api.get(f"/api/v1/claims/{claim.id}").json
    assert body["id"] == claim.id and body["rating"] == "false" and body["status"] == "published"
    assert body["claimReview"][0]["title"] == "Sample data: all bat species can see."
    response = api.get("/api/v1/claims/99999")
    assert response.status_code == 404
    assert response.json == {
        "error": {"code": "not_found", "message": "There is no claim with id 99999."}
    }


def test_unknown_api_paths_and_methods_answer_in_json(client):
    assert client.get("/api/v1/nothing").json["error"]["code"] == "not_found"
    response = client.post("/api/v1/claims/1")
    assert response.status_code == 405 and response.json["error"]["code"] == "method_not_allowed"


def test_claims_of_an_article_carry_their_span(api, session, matcher):
    from factcheck.services.articles import ingest_article

    article = ingest_article(
        session, matcher, title="T", body="The intro is short. Rents rose 9 percent."
    ).article
    claim = article.claims[1]
    body = api.get(f"/api/v1/claims/{claim.id}").json
    assert body["article"] == {
        "id": article.id,
        "sentence": "Rents rose 9 percent.",
        "start": 20,
        "end": 41,
    }
    assert body["claimReview"] == [] and body["rating"] is None


def test_odd_numbers_in_the_api_are_client_errors(api):
    assert api.get("/api/v1/claims/99999999999999999999999").status_code == 404
    response = api.get("/api/v1/claims:search?query=x&pageSize=%C2%B2")
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_argument"
