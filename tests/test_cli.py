"""The flask CLI groups, run through Flask's test runner against the app's database."""

import json

import pytest
from sqlalchemy import func, select

from factcheck.extensions import get_matcher
from factcheck.matching.search import search_claims
from factcheck.models import Article, Claim, Role, User
from factcheck.services.articles import ingest_article
from factcheck.services.demo import load_samples


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def test_users_create_and_its_errors(app, session):
    result = run(
        app,
        "users",
        "create",
        "--email",
        "Ann@Example.org",
        "--role",
        "checker",
        "--password",
        "long enough password",
    )
    assert result.exit_code == 0, result.output
    assert "Created checker ann@example.org" in result.output
    assert session.scalar(select(User)).role is Role.CHECKER
    again = run(
        app,
        "users",
        "create",
        "--email",
        "ann@example.org",
        "--role",
        "checker",
        "--password",
        "long enough password",
    )
    assert again.exit_code == 1 and "already exists" in again.output
    short = run(
        app,
        "users",
        "create",
        "--email",
        "b@example.org",
        "--role",
        "editor",
        "--password",
        "short",
    )
    assert short.exit_code == 1 and "at least 10 characters" in short.output


def test_ensure_admin_creates_one_admin_once(app, monkeypatch):
    monkeypatch.delenv("FACTCHECK_ADMIN_PASSWORD", raising=False)
    first = run(app, "users", "ensure-admin")
    assert "Created admin admin@factcheck.example with password" in first.output
    again = run(app, "users", "ensure-admin").output
    assert "An admin account exists already: admin@factcheck.example" in again
    assert "+----" in again and "factcheck: log in at http://127.0.0.1:5000" in again
    result = run(
        app,
        "users",
        "set-password",
        "--email",
        "admin@factcheck.example",
        "--password",
        "a brand new password",
    )
    assert result.exit_code == 0 and "New password set" in result.output
    result = run(
        app,
        "users",
        "set-password",
        "--email",
        "nobody@example.org",
        "--password",
        "a brand new password",
    )
    assert result.exit_code == 1 and "no user with the email" in result.output


def test_articles_ingest_a_file(app, session, tmp_path):
    path = tmp_path / "report.md"
    path.write_text("# Council report\n\nRents rose 9 percent. Crime fell.\n", "utf-8")
    result = run(
        app, "articles", "ingest", str(path), "--title", "Report", "--url", "https://news.example/r"
    )
    assert result.exit_code == 0, result.output
    assert "with 3 claims" in result.output
    article = session.scalar(select(Article))
    assert article.url == "https://news.example/r" and article.body.startswith("Council report")
    assert "Already stored" in run(app, "articles", "ingest", str(path)).output
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\x00\x01\x02")
    result = run(app, "articles", "ingest", str(binary))
    assert result.exit_code == 1 and "binary file" in result.output


def test_claims_import_with_progress_then_reindex(app, session, tmp_path):
    path = tmp_path / "claims.jsonl"
    lines = [
        json.dumps({"text": f"Claim number {i} about rainfall.", "rating": "true"})
        for i in range(12)
    ]
    path.write_text("\n".join([*lines, "{broken"]), "utf-8")
    refused = run(app, "claims", "import", str(path))
    assert refused.exit_code == 1 and "line 13: not valid JSON" in refused.output
    assert "nothing imported" in refused.output
    result = run(app, "claims", "import", str(path), "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "Embedding and storing" in result.output and "Imported 12 claims" in result.output
    assert session.scalar(select(func.count(Claim.id))) == 12
    result = run(app, "claims", "reindex")
    assert result.exit_code == 0 and "Re-embedded 12 claims" in result.output
    assert "Re-embedded 0 claims" in run(app, "claims", "reindex", "--missing").output


def test_claims_whose_vector_a_migration_cleared_are_reported_and_embedded_again(app, session):
    """Migration 0012 clears the vectors of the claims whose text it cleaned."""
    load_samples(session, get_matcher())
    cleared = session.scalar(select(Claim).where(Claim.text == "Bats are blind."))
    cleared.embedding = cleared.embedding_model = cleared.embedded_at = None
    session.commit()
    assert "1 claims have no vector of this model" in run(app, "model", "check").output
    result = run(app, "claims", "reindex", "--missing")
    assert result.exit_code == 0 and "Re-embedded 1 claims" in result.output
    session.expire_all()
    assert cleared.embedding_model == get_matcher().embedder.name
    assert "no vector" not in run(app, "model", "check").output
    assert search_claims(session, get_matcher(), "Are bats blind?", k=1)[0].claim.id == cleared.id


def test_claims_cleaned_by_the_migration_are_scored_again_from_their_new_text(app, session):
    """The date digits of "(article of ...)" made claims look like quantities worth checking."""
    claim = ingest_article(
        session, get_matcher(), title="Museum", body="The museum reopened last week."
    ).article.claims[0]
    clean_score = claim.checkworthiness
    claim.checkworthiness, claim.kind = 0.91, "quantity"  # as scored with the date in the text
    claim.embedding = claim.embedding_model = claim.embedded_at = None
    session.commit()
    assert "Re-embedded 1 claims" in run(app, "claims", "reindex", "--missing").output
    session.expire_all()
    assert claim.kind == "factual" and claim.checkworthiness == pytest.approx(clean_score, abs=1e-3)


def test_demo_load_is_repeatable(app):
    assert "41 sample claims imported" in run(app, "demo", "load").output
    assert (
        "0 sample claims imported, sample article already present"
        in run(app, "demo", "load").output
    )


def test_model_check_reports_the_model(app):
    result = run(app, "model", "check")
    assert result.exit_code == 0 and "384 dimensions" in result.output


def test_claims_extract_prints_json_with_offsets_into_the_file(app, tmp_path):
    path = tmp_path / "story.txt"
    raw = "Prices  rose 5% and wages fell.\r\n\r\nIt is plausible that rents will rise.\r\n"
    path.write_bytes(raw.encode("utf-8"))
    result = run(app, "claims", "extract", str(path), "--json")
    assert result.exit_code == 0, result.output
    claims = json.loads(result.output)
    assert [c["text"] for c in claims] == [
        "Prices rose 5%.",
        "Wages fell.",
        "It is plausible that rents will rise.",
    ]
    assert [raw[c["start"] : c["end"]] for c in claims] == [
        "Prices  rose 5%",
        "wages fell",
        "It is plausible that rents will rise.",
    ]
    assert set(claims[0]) >= {"text", "sentence", "start", "end", "checkworthiness", "kind"}
    assert claims[2]["kind"] == "prediction" and claims[2]["checkworthiness"] < 0.5


@pytest.mark.model
def test_claims_score_reads_stdin_and_prints_score_tab_sentence(app):
    result = run(
        app,
        "claims",
        "score",
        input="The deficit doubled to $40 billion in 2022.\n\nHello everyone.\n",
    )
    assert result.exit_code == 0, result.output
    lines = [line.split("\t") for line in result.output.splitlines()]
    assert [sentence for _, sentence in lines] == [
        "The deficit doubled to $40 billion in 2022.",
        "Hello everyone.",
    ]
    assert float(lines[0][0]) >= 0.5 > float(lines[1][0])


FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures" / "matching"


@pytest.mark.model
def test_eval_matching_ranks_a_tiny_benchmark_with_known_answers(app):
    result = run(
        app,
        "eval",
        "matching",
        "--claims",
        str(FIXTURES / "vclaims.jsonl"),
        "--queries",
        str(FIXTURES / "queries.tsv"),
        "--qrels",
        str(FIXTURES / "qrels.tsv"),
    )
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output.strip().splitlines()[-1])
    assert metrics == {"queries": 3, "MAP@1": 1.0, "MAP@5": 1.0, "MRR": 1.0, "Recall@10": 1.0}
    assert "MAP@5      1.0000" in result.output
    assert "Link suggestions by similarity threshold" in result.output


def test_eval_matching_uses_the_transcript_as_context(app):
    result = run(
        app,
        "eval",
        "matching",
        "--claims",
        str(FIXTURES / "vclaims.jsonl"),
        "--queries",
        str(FIXTURES / "debate-queries.tsv"),
        "--qrels",
        str(FIXTURES / "debate-qrels.tsv"),
        "--context-dir",
        str(FIXTURES / "transcripts"),
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1])["MAP@1"] == 1.0
    assert "Query metadata: a claimant for 1, a date for 0 of 1 queries." in result.output


def test_eval_matching_can_withhold_the_queries_metadata(app):
    args = [
        "eval",
        "matching",
        "--claims",
        str(FIXTURES / "vclaims.jsonl"),
        "--queries",
        str(FIXTURES / "debate-queries.tsv"),
        "--qrels",
        str(FIXTURES / "debate-qrels.tsv"),
        "--context-dir",
        str(FIXTURES / "transcripts"),
        "--no-metadata",
    ]
    result = run(app, *args)
    assert result.exit_code == 0, result.output
    assert "Query metadata: withheld (--no-metadata)." in result.output
    assert json.loads(result.output.strip().splitlines()[-1])["MAP@1"] == 1.0


def test_articles_ingest_a_url_fetches_the_page(app, session):
    from tests.http_server import Reply, Site, article_html
    from tests.services.test_pages import PARAGRAPHS

    app.config.update(FETCH_ALLOW_HOSTS="127.0.0.1", FETCH_MIN_INTERVAL_SECONDS=0.0)
    with Site({"/story": Reply(article_html("Crime falls", PARAGRAPHS))}) as site:
        first = run(app, "articles", "ingest", "--url", f"{site.url}/story")
        again = run(app, "articles", "ingest", "--url", f"{site.url}/story")
        gone = run(app, "articles", "ingest", "--url", f"{site.url}/gone")
    assert first.exit_code == 0 and "Ingested article 1 (Crime falls) with" in first.output
    assert again.exit_code == 0 and "Already stored, unchanged: article 1" in again.output
    assert gone.exit_code == 1 and "answered HTTP 404" in gone.output
    nothing = run(app, "articles", "ingest")
    assert nothing.exit_code != 0 and "--url URL" in nothing.output
    assert session.scalar(select(func.count(Article.id))) == 1


def test_jobs_lists_queued_running_and_failed_jobs_and_retries_one(app, session):
    from factcheck.models import Job, JobStatus
    from factcheck.services import jobs as job_service

    queued, _ = job_service.create_job(session, "ingest_url", {"url": "https://a.example/1"})
    failed, _ = job_service.create_job(session, "ingest_url", {"url": "https://a.example/2"})
    job_service.claim(session, failed.id, "host:1")
    job_service.fail(
        session,
        session.get(Job, failed.id),
        "https://a.example/2 answered HTTP 404 Not Found.",
        permanent=True,
        retry_base_seconds=1,
    )
    listed = run(app, "jobs")
    assert listed.exit_code == 0, listed.output
    assert "1 queued, 0 running, 0 done, 1 failed" in listed.output
    assert "answered HTTP 404 Not Found" in listed.output and "a.example/1" in listed.output
    shown = run(app, "jobs", "show", str(failed.id))
    assert "Status failed, attempts 1/3" in shown.output
    retried = run(app, "jobs", "retry", str(failed.id))
    assert (
        retried.exit_code == 0 and f"Job {failed.id} (ingest_url) is queued again" in retried.output
    )
    assert session.get(Job, failed.id).status is JobStatus.QUEUED
    again = run(app, "jobs", "retry", str(queued.id))
    assert again.exit_code == 1 and "only failed jobs are retried" in again.output
    assert run(app, "jobs", "show", "999").exit_code == 1


def test_sources_add_list_and_poll_with_wait(app, session):
    from tests.http_server import FEED, Reply, Site, article_html, rss
    from tests.services.test_pages import PARAGRAPHS

    app.config.update(FETCH_ALLOW_HOSTS="127.0.0.1", FETCH_MIN_INTERVAL_SECONDS=0.0)
    with Site() as site:
        site.routes.update(
            {
                "/feed": Reply(rss([("/a", "A"), ("/gone", "Gone")]), headers=FEED),
                "/a": Reply(article_html("Crime falls", PARAGRAPHS)),
            }
        )
        added = run(
            app,
            "sources",
            "add",
            "Gazette",
            "--feed",
            f"{site.url}/feed",
            "--interval",
            "10",
            "--language",
            "en",
        )
        assert added.exit_code == 0 and "polled every 10 minutes" in added.output
        assert (
            "exists already"
            in run(app, "sources", "add", "Gazette", "--feed", f"{site.url}/feed").output
        )
        polled = run(app, "sources", "poll", "Gazette", "--wait")
        assert polled.exit_code == 0, polled.output
        assert "Gazette: 2 items, 2 new, 1 ingested, 1 failed, 0 known" in polled.output
        assert "answered HTTP 404" in polled.output
        again = run(app, "sources", "poll", "--wait")
        assert "Gazette: 2 items, 1 new, 0 ingested, 1 failed, 1 known" in again.output
        queued = run(app, "sources", "poll", "Gazette")
        assert "Gazette: poll queued (job 1)." in queued.output
    listed = run(app, "sources", "list")
    assert "Gazette  [active, every 10 min]" in listed.output
    assert "found 2, queued 3, ingested 1, skipped 1; failures in a row 0" in listed.output
    assert run(app, "sources", "poll", "Nope").exit_code == 1
    assert session.scalar(select(func.count(Article.id))) == 1


def test_claims_import_and_reindex_can_run_as_jobs(app, session, tmp_path):
    from factcheck.job_engine import get_engine
    from factcheck.models import Job, JobStatus

    path = tmp_path / "claims.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"text": f"Rainfall rose {i} percent.", "rating": "true"}) for i in range(5)
        ),
        "utf-8",
    )
    queued = run(app, "claims", "import", str(path), "--queue")
    assert queued.exit_code == 0 and "Queued job 1 (import_claims)" in queued.output
    assert session.scalar(select(func.count(Claim.id))) == 0  # nothing done in the command
    assert "1 queued" in run(app, "jobs").output
    get_engine().run_job(1)  # what a consumer does with the message
    job = session.get(Job, 1)
    assert job.status is JobStatus.DONE and job.result["imported"] == 5
    assert job.progress == {"done": 5, "total": 5}
    assert "Progress 5 of 5 done (100%)" in run(app, "jobs", "show", "1").output
    reindexed = run(app, "claims", "reindex", "--missing", "--queue")
    assert reindexed.exit_code == 0 and "Queued job 2 (reindex_claims)" in reindexed.output
    get_engine().run_job(2)
    assert session.get(Job, 2).result["claims"] == 0
    run(app, "claims", "reindex", "--queue")
    get_engine().run_job(3)
    assert session.get(Job, 3).result["claims"] == 5 and session.get(Job, 3).progress["done"] == 5
    one_model = run(app, "claims", "reindex", "--model", "multilingual", "--queue")
    assert one_model.exit_code == 0 and "Queued job 4 (reindex_claims)" in one_model.output
    get_engine().run_job(4)
    assert session.get(Job, 4).result == {
        "claims": 5,
        "model": get_matcher().multilingual.embedder.name,  # the other model is left alone
    }
    path.write_text("{broken", "utf-8")
    refused = run(app, "claims", "import", str(path), "--queue")
    assert refused.exit_code == 1 and "nothing imported" in refused.output
    assert session.scalar(select(func.count(Job.id))) == 4  # a file that cannot work is no job


def test_jobs_list_shows_how_far_a_running_job_is(app, session):
    from factcheck.extensions import db
    from factcheck.services import jobs as job_service

    job, _ = job_service.create_job(session, "reindex_claims", {})
    job_service.claim(session, job.id, "host:1")
    job_service.record_progress(db.engine, job.id, done=300, total=1200)  # as a consumer does
    session.expire_all()  # that was another process's write
    listed = run(app, "jobs")
    assert "on host:1 since" in listed.output and "300 of 1,200 done (25%)" in listed.output
