"""Command-line groups (flask users/articles/claims/demo/model): thin wrappers over services."""

from __future__ import annotations

import json
import os
import tempfile
import urllib.parse
from datetime import UTC
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, inspect, select

from factcheck.extensions import db, get_fetcher, get_matcher, outbound_policy
from factcheck.matching import ModelLoadError
from factcheck.matching.metrics import evaluate, threshold_table
from factcheck.models import Claim, JobStatus, Role, TokenScope
from factcheck.services import articles as article_service
from factcheck.services import claims as claim_service
from factcheck.services import demo as demo_service
from factcheck.services import tokens as token_service
from factcheck.services import users as user_service
from factcheck.services.claimreview_import import read_import_file
from factcheck.services.errors import ServiceError
from factcheck.services.extraction import extract_with, score_sentences
from factcheck.services.languages import given_language, resolve_language
from factcheck.text.clean import align_offsets
from factcheck.text.parse import ParserUnavailable, load_parser


def _fail(message: str) -> None:
    raise click.ClickException(message)


users = click.Group("users", help="Manage user accounts.")


@users.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", default="")
@with_appcontext
def create_user(email: str, role: str, password: str, name: str) -> None:
    """Create a user who can log in with EMAIL and PASSWORD."""
    try:
        user = user_service.create_user(
            db.session, email=email, password=password, role=role, name=name
        )
    except ServiceError as exc:
        _fail(exc.message)
    click.echo(f"Created {user.role.value} {user.email}")


@users.command("ensure-admin")
@with_appcontext
def ensure_admin() -> None:
    """Create the first admin (FACTCHECK_ADMIN_EMAIL / _PASSWORD, or a generated password)."""
    try:
        created = user_service.ensure_admin(
            db.session,
            email=os.environ.get("FACTCHECK_ADMIN_EMAIL"),
            password=os.environ.get("FACTCHECK_ADMIN_PASSWORD"),
        )
    except ServiceError as exc:
        _fail(exc.message)
    url = "http://127.0.0.1:5000"
    if created is None:
        admin = user_service.first_admin(db.session)
        click.echo(
            _box(
                [
                    f"factcheck: log in at {url}",
                    f"An admin account exists already: {admin.email}",
                    "with the password printed on the first run; reset it with",
                    f"flask users set-password --email {admin.email}",
                ]
            )
        )
        return
    user, generated = created
    click.echo(
        _box(
            [
                f"factcheck: log in at {url}",
                f"Created admin {user.email} with password "
                f"{generated or '(from FACTCHECK_ADMIN_PASSWORD)'}",
                "The password is shown only now: keep it somewhere safe.",
            ]
        )
    )


def _box(lines: list[str]) -> str:
    """Return LINES framed, so they stand out from the log lines around them."""
    width = max(len(line) for line in lines)
    rule = "+" + "-" * (width + 2) + "+"
    return "\n".join(["", rule, *(f"| {line.ljust(width)} |" for line in lines), rule, ""])


@users.command("set-password")
@click.option("--email", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def set_password(email: str, password: str) -> None:
    """Set a new password for the user with EMAIL."""
    try:
        user = user_service.set_password(db.session, email=email, password=password)
    except ServiceError as exc:
        _fail(exc.message)
    click.echo(f"New password set for {user.email}")


articles = click.Group("articles", help="Ingest and inspect articles.")


@articles.command("ingest")
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--title", help="Title (default: the file's name, or the page's title).")
@click.option(
    "--url",
    default=None,
    help="Without FILE: fetch the article from this address "
    "(text, title, author, date from the page). With "
    "FILE: where the article was published.",
)
@click.option("--outlet", default=None)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(article_service.FORMATS)),
    help="Default: from the file's suffix (.md, .html, otherwise plain text).",
)
@click.option(
    "--date",
    "published",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Publication date (YYYY-MM-DD), kept with relative dates in claims.",
)
@with_appcontext
def ingest(
    file: Path | None,
    title: str | None,
    url: str | None,
    outlet: str | None,
    fmt: str | None,
    published,
) -> None:
    """Ingest FILE (or the page at --url) as an article: claims matched to stored claims."""
    if file is None:
        if not url:
            _fail("Give a FILE to ingest, or --url URL to fetch the article from its address.")
        _ingest_url(url, title=title, outlet=outlet)
        return
    try:
        body, fmt = article_service.read_document(file.read_bytes(), file.name, fmt=fmt)
        result = article_service.ingest_article(
            db.session,
            get_matcher(),
            title=title or file.stem.replace("_", " "),
            body=body,
            fmt=fmt,
            url=url,
            outlet=outlet,
            published_at=published.replace(tzinfo=UTC) if published else None,
        )
    except ServiceError as exc:
        _fail(exc.message)
    article = result.article
    verb = "Ingested" if result.created else "Already stored:"
    click.echo(f"{verb} article {article.id} with {len(article.claims)} claims.")


def _ingest_url(url: str, *, title: str | None, outlet: str | None) -> None:
    from factcheck.services.pages import ingest_url

    try:
        result = ingest_url(
            db.session,
            get_matcher(),
            get_fetcher(),
            url,
            title=title,
            outlet=outlet,
            max_chars=current_app.config["MAX_ARTICLE_CHARS"],
        )
    except ServiceError as exc:
        _fail(exc.message)
    article = result.article
    verb = {
        "created": "Ingested",
        "unchanged": "Already stored, unchanged:",
        "revised": f"Stored revision {article.revision} of",
    }[result.outcome]
    click.echo(
        f"{verb} article {article.id} ({article.title}) with "
        f"{sum(not c.stale for c in article.claims)} claims."
    )


claims = click.Group("claims", help="Import and re-embed stored claims.")
QUEUE_HELP = "Run it as a job in a consumer (`flask jobs` shows how far it is) and return."


def _queued(name: str, args: dict) -> None:
    from factcheck.job_engine import get_engine

    job = get_engine().enqueue(name, args)
    click.echo(f"Queued job {job.id} ({name}): `flask jobs` shows how far it is.")


@claims.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--skip-invalid", is_flag=True, help="Import the good lines even if some are bad.")
@click.option("--queue", is_flag=True, help=QUEUE_HELP)
@with_appcontext
def import_file(file, skip_invalid: bool, queue: bool) -> None:
    """Import checked claims from FILE: JSON lines (text, rating, claimant, date, url, source)
    or ClaimReview JSON-LD (one object, a list, or a DataFeed)."""
    try:
        text = file.read()
        records, errors = read_import_file(text)
    except UnicodeDecodeError:
        _fail("The file is not UTF-8 text.")
    for error in errors[:20]:
        click.echo(error, err=True)
    if errors and not skip_invalid:
        _fail(f"{len(errors)} bad entries; nothing imported. Fix them or use --skip-invalid.")
    if queue:  # the job reads the text again: the file need not be where the consumer runs
        _queued("import_claims", {"text": text, "skip_invalid": skip_invalid})
        return
    with click.progressbar(length=len(records), label="Embedding and storing") as bar:
        report = claim_service.import_claims(
            db.session, get_matcher(), records, progress=bar.update
        )
    click.echo(
        f"Imported {report.imported} claims "
        f"({report.skipped_duplicates} already stored, {len(errors)} bad lines skipped)."
    )


@claims.command("extract")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list (default: a table).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(article_service.FORMATS)),
    help="Default: from the file's suffix.",
)
@click.option(
    "--date",
    "article_date",
    type=click.DateTime(["%Y-%m-%d"]),
    help="The article's date, resolving relative dates (YYYY-MM-DD).",
)
@click.option("--language", default=None, help="The text's language, e.g. ru (default: detected).")
@with_appcontext
def extract(file: Path, as_json: bool, fmt: str | None, article_date, language: str | None) -> None:
    """Print the atomic claims of FILE with spans, check-worthiness and kind; stores nothing.

    For plain text the spans are character offsets into the file's text as read; for HTML
    and Markdown, into the text extracted from it.
    """
    try:
        raw, fmt = article_service.read_document(file.read_bytes(), file.name, fmt=fmt)
        body = article_service.prepare_body(raw, fmt=fmt)
        language = resolve_language(get_matcher(), given_language(language), body)
    except ServiceError as exc:
        _fail(exc.message)
    found = extract_with(
        get_matcher(),
        body,
        language=language,
        article_date=article_date.date() if article_date else None,
    )
    if as_json:
        offsets = align_offsets(raw, body) if fmt == "text" else None
        click.echo(
            json.dumps([claim.as_json(offsets) for claim in found], ensure_ascii=False, indent=2)
        )
        return
    for claim in found:
        click.echo(f"{claim.checkworthiness:.2f}  {claim.draft.kind:<10}  {claim.draft.text}")


@claims.command("score")
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
@with_appcontext
def score(file) -> None:
    """Print `score<TAB>sentence` for each line of FILE (standard input when not given)."""
    sentences = [line.strip() for line in file if line.strip()]
    for batch_start in range(0, len(sentences), 256):
        batch = sentences[batch_start : batch_start + 256]
        for value, sentence in zip(
            score_sentences(get_matcher().embedder, batch), batch, strict=True
        ):
            click.echo(f"{value:.4f}\t{sentence}")


@claims.command("reindex")
@click.option(
    "--missing",
    is_flag=True,
    help="Only claims without a vector of the configured model (quick when none).",
)
@click.option(
    "--model",
    "space",
    type=click.Choice(["dense", "multilingual"]),
    default=None,
    help="Only this vector space: dense (the English sentence model) or multilingual "
    "(default: both).",
)
@click.option("--queue", is_flag=True, help=QUEUE_HELP)
@with_appcontext
def reindex(missing: bool, space: str | None, queue: bool) -> None:
    """Re-embed every stored claim with the configured models."""
    if queue:
        _queued("reindex_claims", {"only_missing": missing, "space": space})
        return
    matcher = get_matcher()
    try:
        total = (
            claim_service.count_without_current_vector(db.session, matcher, space=space)
            if missing
            else db.session.scalar(select(func.count(Claim.id))) or 0
        )
        with click.progressbar(length=total, label="Re-embedding claims") as bar:
            count = claim_service.reindex_claims(
                db.session, matcher, only_missing=missing, space=space, progress=bar.update
            )
    except ServiceError as exc:
        _fail(exc.message)
    models = [s.embedder.name for s in matcher.spaces() if space in (None, s.name)]
    click.echo(f"Re-embedded {count} claims with {' and '.join(models)}.")


tokens = click.Group("tokens", help="API tokens (only their hash is stored).")


@tokens.command("create")
@click.option("--email", required=True, help="The user the token acts for.")
@click.option("--name", required=True, help="Who or what uses it, e.g. 'newsroom CMS'.")
@click.option(
    "--scope",
    type=click.Choice([s.value for s in TokenScope]),
    default="read",
    show_default=True,
    help="read: queries; write: also submits articles.",
)
@with_appcontext
def create_token(email: str, name: str, scope: str) -> None:
    """Create an API token and print it once: it cannot be shown again."""
    try:
        new = token_service.create_token(db.session, email=email, name=name, scope=scope)
    except ServiceError as exc:
        _fail(exc.message)
    click.echo(f"Token {new.token.id} ({new.token.scope.value}) for {new.token.user.email}:")
    click.echo(new.secret)
    click.echo(
        "Keep it now: only its hash is stored. Send it as 'Authorization: Bearer <token>'.",
        err=True,
    )


@tokens.command("list")
@with_appcontext
def list_tokens() -> None:
    """List tokens: id, prefix, scope, user, name, last use, revoked."""
    for token in token_service.list_tokens(db.session):
        used = token.last_used_at.strftime("%Y-%m-%d %H:%M") if token.last_used_at else "never"
        state = "revoked" if token.revoked_at else "active"
        click.echo(
            f"{token.id:>4}  {token.prefix}…  {token.scope.value:<5}  {state:<7}  "
            f"last used {used:<16}  {token.user.email}  {token.name}"
        )


@tokens.command("revoke")
@click.argument("token_id", type=click.IntRange(min=1))
@with_appcontext
def revoke_token(token_id: int) -> None:
    """Revoke token TOKEN_ID: requests with it are refused from now on."""
    try:
        token = token_service.revoke_token(db.session, token_id)
    except ServiceError as exc:
        _fail(exc.message)
    click.echo(f"Revoked token {token.id} ({token.name}).")


webhooks_group = click.Group("webhooks", help="Webhook deliveries of published verdicts.")


@webhooks_group.command("deliver")
@click.option(
    "--wait",
    is_flag=True,
    help="Keep going until no delivery is pending (retries included, with their backoff).",
)
@with_appcontext
def deliver(wait: bool) -> None:
    """Send the webhook deliveries that are due now (the job consumer does this on its own)."""
    import time

    from factcheck.jobs import deliver_due_now
    from factcheck.services import webhooks

    app = current_app._get_current_object()
    total = 0
    while True:
        sent = deliver_due_now(app)
        total += sent
        if sent:
            continue
        pending = webhooks.seconds_until_next(db.session)
        db.session.remove()
        if not wait or pending is None:
            break
        time.sleep(min(pending, 60.0) or 0.05)
    click.echo(f"Attempted {total} deliveries.")


@click.group("jobs", invoke_without_command=True)
@click.pass_context
def jobs_group(context: click.Context) -> None:
    """Background jobs: list them (the default), show, retry failed ones, run a consumer."""
    if context.invoked_subcommand is None:
        context.invoke(list_jobs)


@jobs_group.command("list")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice([s.value for s in JobStatus]),
    help="Only jobs in this status (repeatable). Default: queued, running, failed.",
)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@with_appcontext
def list_jobs(statuses: tuple[str, ...], limit: int) -> None:
    """List jobs, newest first, with their attempts and last error."""
    _print_jobs(tuple(JobStatus(s) for s in statuses) or ACTIVE_JOBS, limit)


ACTIVE_JOBS = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED)


def _print_jobs(statuses: tuple[JobStatus, ...], limit: int) -> None:
    from factcheck.services import jobs as job_service

    counts = job_service.counts(db.session)
    click.echo(", ".join(f"{counts[s]} {s.value}" for s in JobStatus))
    for job in job_service.list_jobs(db.session, statuses=statuses, limit=limit):
        args = json.dumps(job.args, ensure_ascii=False)
        click.echo(
            f"{job.id:>6}  {job.status.value:<8} {job.name:<16} attempts "
            f"{job.attempts}/{job.max_attempts}  {args[:80]}"
        )
        if job.status is JobStatus.RUNNING:
            click.echo(
                f"        on {job.worker} since {job.started_at:%Y-%m-%d %H:%M:%S}"
                + (f", {_progress(job.progress)}" if job.progress else "")
            )
        if job.error and job.status is not JobStatus.DONE:
            click.echo("        error: " + job.error.strip().splitlines()[-1][:300])


def _progress(progress: dict[str, int]) -> str:
    done, total = progress["done"], progress["total"]
    return f"{done:,} of {total:,} done" + (f" ({done / total:.0%})" if total else "")


@jobs_group.command("show")
@click.argument("job_id", type=click.IntRange(min=1))
@with_appcontext
def show_job(job_id: int) -> None:
    """Show one job with its arguments, result and full error."""
    from factcheck.services import jobs as job_service

    try:
        job = job_service.get_job(db.session, job_id)
    except ServiceError as exc:
        _fail(exc.message)
    click.echo(f"Job {job.id}: {job.name} {json.dumps(job.args, ensure_ascii=False)[:2000]}")
    click.echo(f"Status {job.status.value}, attempts {job.attempts}/{job.max_attempts}")
    if job.progress:
        click.echo(f"Progress {_progress(job.progress)}")
    if job.result is not None:
        click.echo(f"Result {json.dumps(job.result)}")
    if job.error:
        click.echo(f"Error:\n{job.error}")


@jobs_group.command("retry")
@click.argument("job_id", type=click.IntRange(min=1))
@with_appcontext
def retry_job(job_id: int) -> None:
    """Queue a failed job again, with a fresh round of attempts."""
    from factcheck.job_engine import get_engine
    from factcheck.services import jobs as job_service

    try:
        job = job_service.retry(db.session, job_id)
    except ServiceError as exc:
        _fail(exc.message)
    get_engine().send(job.id)
    click.echo(f"Job {job.id} ({job.name}) is queued again.")


@jobs_group.command("work")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Jobs run at once in this process (threads).",
)
@click.option(
    "--no-periodic",
    is_flag=True,
    help="Leave the once-a-minute upkeep (polling, recovery) to other consumers.",
)
@with_appcontext
def work(workers: int, no_periodic: bool) -> None:
    """Run a job consumer until Ctrl-C or SIGTERM (make run starts one beside gunicorn)."""
    from factcheck.job_engine import get_engine
    from factcheck.startup import warm_up

    app = current_app._get_current_object()
    try:  # everything a job uses is ready before the first one, as in a web worker
        loaded = warm_up(app)
    except (ModelLoadError, ParserUnavailable) as exc:
        _fail(str(exc))
    parts = urllib.parse.urlsplit(app.config["JOBS_URL"] or "")
    queue = (
        f"{parts.scheme}://{parts.hostname}:{parts.port or 6379}{parts.path}"
        if parts.scheme.startswith("redis")
        else app.config["JOBS_URL"] or "the SQLite queue in the instance folder"
    )  # no password
    click.echo(f"Job consumer {os.getpid()} on {queue} with {workers} worker(s); {loaded}.")
    get_engine().work(workers=workers, periodic=not no_periodic)


sources_group = click.Group("sources", help="Monitored feeds and news sitemaps.")


@sources_group.command("add")
@click.argument("name")
@click.option("--feed", "feed_url", required=True, help="The RSS/Atom feed or news sitemap URL.")
@click.option(
    "--interval",
    default=30,
    show_default=True,
    type=click.IntRange(1, 10080),
    help="Minutes between polls.",
)
@click.option(
    "--language",
    default=None,
    help="The articles' language when a page does not say (two letters, e.g. en).",
)
@with_appcontext
def add_source(name: str, feed_url: str, interval: int, language: str | None) -> None:
    """Register a feed NAME (also its articles' outlet), polled every --interval minutes."""
    from factcheck.services import sources

    try:
        source = sources.add_source(
            db.session,
            name=name,
            feed_url=feed_url,
            interval_minutes=interval,
            language=language,
            policy=outbound_policy(),
        )
    except ServiceError as exc:
        _fail(exc.message)
    click.echo(f"Source {source.id} ({source.name}) will be polled every {interval} minutes.")


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "never"


@sources_group.command("list")
@with_appcontext
def list_sources() -> None:
    """List sources with their health: last poll, last success, counts, failures, last error."""
    from factcheck.services import sources

    for source in sources.list_sources(db.session):
        state = "active" if source.active else "PAUSED"
        click.echo(
            f"{source.id:>4}  {source.name}  [{state}, every {source.interval_minutes} "
            f"min]  {source.feed_url}"
        )
        click.echo(
            f"      last poll {_when(source.last_polled_at)}, last success "
            f"{_when(source.last_success_at)}; found {source.items_found}, queued "
            f"{source.items_queued}, ingested {source.items_ingested}, skipped "
            f"{source.items_skipped}; failures in a row {source.consecutive_failures}"
        )
        if source.paused_reason or source.last_error:
            click.echo(f"      {source.paused_reason or source.last_error}")


@sources_group.command("poll")
@click.argument("name", required=False)
@click.option(
    "--wait",
    is_flag=True,
    help="Poll and ingest the new items here, now, instead of queueing jobs for the consumer.",
)
@with_appcontext
def poll_sources(name: str | None, wait: bool) -> None:
    """Poll source NAME (every active source without it) now."""
    from factcheck.job_engine import get_engine
    from factcheck.services import pages, sources

    try:
        chosen = (
            [sources.find_source(db.session, name)]
            if name
            else [s for s in sources.list_sources(db.session) if s.active]
        )
    except ServiceError as exc:
        _fail(exc.message)
    for source in chosen:
        if not wait:
            job = get_engine().enqueue(
                "poll_source", {"source_id": source.id}, key=f"poll:{source.id}"
            )
            click.echo(f"{source.name}: poll queued (job {job.id}).")
            continue
        result = sources.poll(db.session, get_fetcher(), source)
        if result.error:
            click.echo(f"{source.name}: poll failed: {result.error}", err=True)
            continue
        ingested = failed = 0
        for url in result.new_urls:
            try:
                outcome = pages.ingest_url(
                    db.session,
                    get_matcher(),
                    get_fetcher(),
                    url,
                    source=source,
                    max_chars=current_app.config["MAX_ARTICLE_CHARS"],
                )
            except ServiceError as exc:
                failed += 1
                click.echo(f"  {url}: {exc.message}", err=True)
                continue
            ingested += outcome.created
        click.echo(
            f"{source.name}: {result.found} items, {len(result.new_urls)} new, "
            f"{ingested} ingested, {failed} failed, {result.known} known"
            + (f", {result.deferred} left for the next poll" if result.deferred else "")
        )


demo = click.Group("demo", help="Sample data for trying the workbench.")


@demo.command("load")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Only into an empty database (a first run); otherwise say so and load nothing.",
)
@with_appcontext
def load(if_empty: bool) -> None:
    """Load the invented Riverton demo: sample claims and a sample article (safe to repeat)."""
    if if_empty and not demo_service.is_empty(db.session):
        click.echo(
            "Demo: not loaded (the database holds work already; `flask demo load` loads it)."
        )
        return
    imported, created = demo_service.load_demo(db.session, get_matcher())
    click.echo(
        f"Demo: {imported} sample claims imported, sample article "
        f"{'created' if created else 'already present'}; all of it is invented and marked "
        "Demo (remove it with `flask demo remove`)."
    )


@demo.command("remove")
@with_appcontext
def remove() -> None:
    """Remove the demo: its claims, verdicts, article, links, alerts and audit rows."""
    removed = demo_service.remove_demo(db.session, get_matcher())
    click.echo(
        f"Demo removed: {removed.claims} claims, {removed.articles} article(s), "
        f"{removed.reviews} verdicts, {removed.links} links, {removed.alerts} alerts, "
        f"{removed.audit_events} audit rows."
    )


model = click.Group("model", help="The embedding model.")


@model.command("check")
@with_appcontext
def check_model() -> None:
    """Load the embedding model and the parser, or say what to install."""
    embedder = get_matcher().embedder
    multilingual = get_matcher().multilingual
    try:
        embedder.encode(["The model loads."])
        if multilingual is not None:
            multilingual.embedder.encode(["The model loads."])
        parser = load_parser()
    except (ModelLoadError, ParserUnavailable) as exc:
        _fail(str(exc))
    click.echo(
        f"Model ready: {embedder.name} ({embedder.dimension} dimensions); "
        + (
            f"multilingual {multilingual.embedder.name} ({multilingual.embedder.dimension}); "
            if multilingual is not None
            else "no multilingual model; "
        )
        + f"parser {parser.meta['name']} {parser.meta['version']}."
    )
    missing = (
        claim_service.count_without_current_vector(db.session, get_matcher())
        if inspect(db.engine).has_table("claim")
        else 0
    )  # before `flask db upgrade`
    if missing:
        click.echo(
            f"{missing} claims have no vector of this model: similarity search cannot "
            "find them until `flask claims reindex --missing` embeds them.",
            err=True,
        )


evaluation = click.Group("eval", help="Measure retrieval quality on benchmark files.")


@evaluation.command("matching")
@click.option(
    "--claims",
    "claims_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Verified claims, JSON lines (vclaim_id, vclaim, title, subtitle, ...).",
)
@click.option(
    "--queries",
    "queries_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Queries: id<TAB>text per line.",
)
@click.option(
    "--qrels",
    "qrels_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Relevance judgements in TREC format: qid 0 vclaim_id 1.",
)
@click.option(
    "--context-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Transcripts (line<TAB>speaker<TAB>text) giving each query its context.",
)
@click.option(
    "--no-metadata",
    is_flag=True,
    help="Withhold the queries' claimants and dates from the re-ranker, as for a "
    "caller that knows neither.",
)
@with_appcontext
def eval_matching(
    claims_path: Path,
    queries_path: Path,
    qrels_path: Path,
    context_dir: Path | None,
    no_metadata: bool,
) -> None:
    """Rank every judged query against the claims, loaded into a temporary database.

    Prints MAP@1, MAP@5, MRR and Recall@10, then the same numbers as one JSON line.
    """
    from factcheck.services import evaluation as ev

    qrels = ev.read_qrels(qrels_path)
    queries = {q: t for q, t in ev.read_tsv_pairs(queries_path).items() if q in qrels}
    records = ev.read_vclaims(claims_path)
    context = ev.with_context(queries, context_dir) if context_dir else None
    metadata = None if no_metadata else ev.query_metadata(queries, context_dir)
    if metadata is None:
        click.echo("Query metadata: withheld (--no-metadata).")
    else:
        click.echo(
            f"Query metadata: a claimant for "
            f"{sum(m.claimant is not None for m in metadata.values())}, a date for "
            f"{sum(m.date is not None for m in metadata.values())} "
            f"of {len(queries)} queries."
        )
    settings = {
        key: current_app.config[key]
        for key in (
            "EMBEDDING_MODEL",
            "EMBEDDING_BATCH_SIZE",
            "EMBEDDING_BACKEND",
            "ENCODER_PRECISION",
            "MODEL_CACHE_DIR",
            "LEXICAL_WEIGHT",
            "CONTEXT_WEIGHT",
            "CONTEXT_DENSE_WEIGHT",
            "RETRIEVAL_CANDIDATES",
            "RERANK",
            "RERANK_DEPTH",
            "RERANK_MODEL",
            "LEXICAL_ROW_BUDGET",
            "MULTILINGUAL_MODEL",
            "MULTILINGUAL_CALIBRATION",
            "DEFAULT_LANGUAGE",
            "LANGUAGE_MIN_CONFIDENCE",
        )
    }
    with tempfile.TemporaryDirectory() as tmp:
        from factcheck import create_app

        app = create_app(
            {
                **settings,
                "SECRET_KEY": "eval",
                "INDEX_REFRESH_SECONDS": 3600.0,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/eval.sqlite3",
            }
        )
        with app.app_context():
            from flask_migrate import upgrade

            upgrade(directory=app.extensions["migrate"].directory)
            matcher = get_matcher()
            with click.progressbar(length=len(records), label="Importing claims") as bar:
                claim_service.import_claims(db.session, matcher, records, progress=bar.update)
            languages = {q: matcher.language_of(text) for q, text in queries.items()}
            claim_languages = {
                external: language
                for external, language in db.session.execute(
                    select(Claim.external_id, Claim.language)
                )
            }
            with click.progressbar(length=len(queries), label="Ranking queries") as bar:
                rankings = ev.rank_queries(
                    db.session,
                    matcher,
                    queries,
                    context=context,
                    metadata=metadata,
                    languages=languages,
                    progress=bar.update,
                )
            db.session.remove()
            db.engine.dispose()
    results = evaluate({q: [c for c, _ in found] for q, found in rankings.items()}, qrels)
    click.echo("Link suggestions by similarity threshold (precision, recall, how many):")
    for threshold, precision, recall, count in threshold_table(
        rankings, qrels, [round(0.5 + 0.05 * i, 2) for i in range(10)]
    ):
        click.echo(
            f"  >= {threshold:.2f}: precision {precision:.3f}, recall {recall:.3f}, "
            f"{count} suggestions"
        )
    pairs = ev.language_pairs(queries, qrels, languages, claim_languages)
    if len(pairs) > 1:
        click.echo("By language pair (query -> relevant claims):")
        for pair, pair_qrels in pairs.items():
            found = evaluate(
                {q: [c for c, _ in rankings.get(q, ())] for q in pair_qrels}, pair_qrels
            )
            click.echo(
                f"  {pair:<8} {found['queries']:>4} queries  MAP@1 {found['MAP@1']:.4f}  "
                f"MAP@5 {found['MAP@5']:.4f}  MRR {found['MRR']:.4f}  "
                f"Recall@10 {found['Recall@10']:.4f}"
            )
            table = threshold_table(
                rankings, pair_qrels, [round(0.5 + 0.05 * i, 2) for i in range(10)]
            )
            click.echo(
                "           threshold precision/recall: "
                + ", ".join(f"{t:.2f} {p:.2f}/{r:.2f}" for t, p, r, _ in table)
            )
    for name in ("MAP@1", "MAP@5", "MRR", "Recall@10"):
        click.echo(f"{name:<10} {results[name]:.4f}")
    click.echo(json.dumps(results))


COMMANDS = (
    users,
    tokens,
    webhooks_group,
    jobs_group,
    sources_group,
    articles,
    claims,
    demo,
    model,
    evaluation,
)
