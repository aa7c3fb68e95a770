"""The HTTP service: a JSON API for checks, evidence and exports, and the editors' page, in one app."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import logging
import secrets
import tempfile
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from pydantic import ValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from veracity import __version__
from veracity.errors import ConfigError, InputError, StoreError, VeracityError
from veracity.serve import exports
from veracity.serve.db import Job, JobDatabase, default_db_path
from veracity.serve.fetch import UrlFetcher
from veracity.serve.jobs import CheckerLike, JobQueue, QueueFullError
from veracity.serve.middleware import BodyLimitMiddleware, SecurityHeadersMiddleware
from veracity.serve.schemas import (
    MAX_SCORED_PAIRS,
    CheckRequest,
    DocumentIn,
    DocumentsRequest,
    ExportFormat,
    OverrideRequest,
    ScoreRequest,
)
from veracity.serve.scoring import ScoreBatcher
from veracity.types import Article, Document

if TYPE_CHECKING:
    from veracity.api import Score

log = logging.getLogger("veracity.serve")

STATIC_DIR = Path(__file__).parent / "static"
MAX_BODY_BYTES = 5_000_000
WAIT_MAX_CHARS = 20_000  # `?wait=true` answers with the report only for articles up to this size
CheckerFactory = Callable[[Path, str], CheckerLike]
"""`factory(store_path, verifier)`: a Checker over the store that judges with that verifier, named as a
check chooses it: "NAME", or "NAME:key=value,..." when it runs with options."""
VerifierChoices = Mapping[str, tuple[str, Mapping[str, str]]]
"""The verifiers a check may choose, default first: how a check names each -> (back-end, options)."""


_bearer = HTTPBearer(auto_error=False, description="The token given to `veracity serve --token`.")


def _require_token(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> None:
    token: str | None = request.app.state.token
    if token is None:
        return
    if credentials is None or not secrets.compare_digest(credentials.credentials.encode(), token.encode()):
        raise HTTPException(
            401, "this endpoint needs 'Authorization: Bearer <token>'", {"WWW-Authenticate": "Bearer"}
        )


def _state_db(request: Request) -> JobDatabase:
    db: JobDatabase = request.app.state.db
    return db


def _state_queue(request: Request) -> JobQueue:
    queue: JobQueue = request.app.state.queue
    return queue


Db = Annotated[JobDatabase, Depends(_state_db)]
Queue = Annotated[JobQueue, Depends(_state_queue)]


def _real_checker_factory(resources: Any, choices: VerifierChoices) -> CheckerFactory:
    """Checkers over one shared `Resources`, each with the back-end and options its choice names."""
    from veracity.checker import Checker

    def build(store_path: Path, verifier: str) -> CheckerLike:
        if verifier not in choices:
            raise ConfigError(f"the verifier {verifier!r} is not offered by this server any more")
        name, options = choices[verifier]
        return Checker(store_path, resources=resources, verifier=name, verifier_options=options)

    return build


class _Service:
    """The job database and the queue of one app.

    The app's lifespan starts it; `run_server` starts it earlier, before uvicorn, so that a verifier that
    cannot be built ends `veracity serve` with its one-line message instead of uvicorn's traceback.
    """

    def __init__(
        self, app: FastAPI, database_path: Path, make_queue: Callable[[JobDatabase], JobQueue]
    ) -> None:
        self._app = app
        self._database_path = database_path
        self._make_queue = make_queue
        self._lock = threading.Lock()
        self._running: tuple[JobDatabase, JobQueue] | None = None

    def start(self) -> None:
        with self._lock:
            if self._running is not None:
                return
            db = JobDatabase(self._database_path)
            queue = self._make_queue(db)
            try:
                queue.start()
            except BaseException:
                db.close()
                raise
            self._running = (db, queue)
            self._app.state.db = db
            self._app.state.queue = queue

    def stop(self) -> None:
        with self._lock:
            if self._running is None:
                return
            db, queue = self._running
            self._running = None
            queue.stop()
            db.close()


def create_app(
    store_path: Path,
    *,
    token: str | None = None,
    checker_factory: CheckerFactory | None = None,
    queue_size: int = 64,
    job_timeout_s: float = 300.0,
    workers: int = 1,
    db_path: Path | None = None,
    url_fetcher: UrlFetcher | None = None,
    resources: Any = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    wait_timeout_s: float = 60.0,
    warm_up: bool = True,
    verifier: str = "align",
    verifier_options: Mapping[str, object] | None = None,
    offered_verifiers: Sequence[str] = (),
) -> FastAPI:
    """Build the service for one store.

    `checker_factory(store_path, verifier)` is called inside each worker thread, for the default
    `verifier` (with `verifier_options`) at start and for each of `offered_verifiers` ("NAME" or
    "NAME:key=value,...", which clients may choose per check) on first use; by default each builds a real
    `Checker` over one shared `Resources`, so models load once per process. Jobs, reports and overrides
    live in `db_path` (default `<store>.serve.sqlite` beside the store folder). `url_fetcher=None` uses a
    default fetcher that refuses private, loopback and link-local addresses.
    """
    store_path = Path(store_path)
    choices = _verifier_choices(verifier, verifier_options or {}, offered_verifiers)
    default_verifier = next(iter(choices))
    if resources is None:
        from veracity.resources import Resources

        resources = Resources()
    factory = checker_factory or _real_checker_factory(resources, choices)
    fetcher = url_fetcher or UrlFetcher(max_bytes=max_body_bytes)
    database_path = db_path or default_db_path(store_path)
    store_lock = threading.Lock()

    @contextlib.contextmanager
    def evidence_checker(documents: Sequence[Document], verifier: str) -> Iterator[CheckerLike]:
        """A Checker over a check's own documents, in a temporary store removed after the check."""
        from veracity.store.scratch import scratch_store

        with scratch_store((), resources, documents=documents, progress=False) as (scratch, _):
            checker = factory(scratch, verifier)
            try:
                yield checker
            finally:
                checker.close()

    def make_queue(db: JobDatabase) -> JobQueue:
        return JobQueue(
            db,
            lambda name: factory(store_path, name),
            default_verifier=default_verifier,
            workers=workers,
            capacity=queue_size,
            timeout_s=job_timeout_s,
            warm_up=warm_up,
            evidence_checker=evidence_checker,
        )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service: _Service = app.state.service
        await asyncio.to_thread(service.start)
        try:
            yield
        finally:
            await asyncio.to_thread(service.stop)

    app = FastAPIOffline(
        title="veracity",
        version=__version__,
        description=(
            "Check the factual claims of news articles against an evidence store you control. "
            "Write endpoints take `Authorization: Bearer <token>` when the server was started with a token."
        ),
        lifespan=lifespan,
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes)
    app.state.token = token
    app.state.service = _Service(app, database_path, make_queue)
    write = [Depends(_require_token)]

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        return JSONResponse(
            status_code=422,
            content={"detail": _validation_message(errors), "errors": jsonable_encoder(errors)},
        )

    @app.exception_handler(VeracityError)
    async def veracity_error(request: Request, exc: VeracityError) -> JSONResponse:
        status = 422 if isinstance(exc, InputError) else 503 if isinstance(exc, StoreError) else 500
        return JSONResponse(status_code=status, content={"detail": str(exc)})

    @app.exception_handler(QueueFullError)
    async def queue_full(request: Request, exc: QueueFullError) -> JSONResponse:
        return JSONResponse(status_code=429, content={"detail": str(exc)}, headers={"Retry-After": "5"})

    @app.get("/healthz", tags=["service"], summary="Liveness and queue state")
    def healthz(queue: Queue) -> JSONResponse:
        stats = queue.stats()
        healthy = stats["alive_workers"] == stats["workers"]
        return JSONResponse(
            status_code=200 if healthy else 503,
            content={
                "status": "ok" if healthy else "degraded",
                "version": __version__,
                "auth_required": token is not None,
                "queue": stats,
            },
        )

    @app.get("/v1/schemas/report", tags=["checks"], summary="The JSON Schema of a check's report")
    def report_schema() -> Response:
        from veracity.report import report_schema_text

        return Response(content=report_schema_text(), media_type="application/schema+json")

    @app.get("/v1/verifiers", tags=["checks"], summary="The verifiers a check may choose")
    def list_verifiers() -> dict[str, Any]:
        """`default` judges a check that names no verifier; `verifiers` lists those a check may name."""
        return {"default": default_verifier, "verifiers": list(choices)}

    def scorer_for(verifier: str) -> ScoreBatcher:
        """One Scorer per offered verifier, built on first use over the service's models, behind a batcher
        that scores overlapping requests together (`veracity.serve.scoring`)."""
        from veracity.api import Scorer

        name, options = choices[verifier]
        return resources.shared(
            ("serve-scorer", verifier),
            lambda: ScoreBatcher(
                Scorer(name, resources=resources, verifier_options=options), max_pairs=MAX_SCORED_PAIRS
            ),
        )

    @app.post(
        "/v1/score",
        dependencies=write,
        tags=["checks"],
        summary="Judge claims each against its own evidence",
    )
    async def score_pairs(body: ScoreRequest) -> dict[str, Any]:
        """No store and no claim extraction: each claim is judged against the evidence sent with it, as
        `veracity score` and `veracity.score` do. Answers when done (up to 500 pairs a request)."""
        verifier = _offered(body.verifier, choices) or default_verifier

        def run() -> list[Score]:
            claims = [pair.claim for pair in body.pairs]
            return scorer_for(verifier).score([pair.evidence for pair in body.pairs], claims)

        scores = await asyncio.to_thread(run)
        return {
            "verifier": verifier,
            "scores": [
                {"id": pair.id, **dataclasses.asdict(result)}
                for pair, result in zip(body.pairs, scores, strict=True)
            ],
        }

    @app.post(
        "/v1/checks",
        status_code=202,
        dependencies=write,
        tags=["checks"],
        summary="Check an article",
        responses={200: {"description": "Finished (with `?wait=true` and a small article)"}},
    )
    async def create_check(
        body: CheckRequest,
        request: Request,
        queue: Queue,
        db: Db,
        wait: Annotated[
            bool,
            Query(description=f"Wait for the report when the article is under {WAIT_MAX_CHARS} characters."),
        ] = False,
    ) -> JSONResponse:
        _offered(body.verifier, choices)
        article, kind = await _article_from_request(body, fetcher)
        evidence = await asyncio.to_thread(_evidence_from_json, body.evidence) if body.evidence else []
        job = await asyncio.to_thread(queue.submit, article, kind, body.verifier, evidence)
        location = str(request.url_for("get_check", job_id=job.id).path)
        if wait and len(article.text) <= WAIT_MAX_CHARS:
            loop = asyncio.get_running_loop()
            done = asyncio.Event()
            if queue.on_done(job.id, lambda: loop.call_soon_threadsafe(done.set)):
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(done.wait(), wait_timeout_s)
            finished = await asyncio.to_thread(_job_view, db, job.id)
            if finished is not None and finished["status"] in ("succeeded", "failed"):
                return JSONResponse(status_code=200, content=finished, headers={"Location": location})
        return JSONResponse(status_code=202, content=job.to_dict(), headers={"Location": location})

    @app.get("/v1/checks", tags=["checks"], summary="Past checks, newest first")
    def list_checks(
        db: Db,
        limit: Annotated[int, Query(ge=1, le=200)] = 20,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> dict[str, Any]:
        jobs, total = db.list_jobs(limit=limit, offset=offset)
        counts = db.override_counts([job.id for job in jobs])
        items = [{**job.to_dict(), "overrides": counts.get(job.id, 0)} for job in jobs]
        next_offset = offset + len(jobs) if offset + len(jobs) < total else None
        return {"items": items, "total": total, "limit": limit, "offset": offset, "next_offset": next_offset}

    @app.get("/v1/checks/{job_id}", tags=["checks"], summary="A check's status, progress and report")
    def get_check(job_id: str, db: Db) -> dict[str, Any]:
        view = _job_view(db, job_id)
        if view is None:
            raise HTTPException(404, f"no check with id {job_id!r}")
        return view

    @app.delete("/v1/checks/{job_id}", status_code=204, dependencies=write, tags=["checks"])
    def delete_check(job_id: str, db: Db, queue: Queue) -> Response:
        queue.cancel(job_id)
        if not db.delete_job(job_id):
            raise HTTPException(404, f"no check with id {job_id!r}")
        return Response(status_code=204)

    @app.put(
        "/v1/checks/{job_id}/claims/{claim_id}/override",
        dependencies=write,
        tags=["overrides"],
        summary="Set an editor's verdict for a claim",
    )
    def put_override(job_id: str, claim_id: str, body: OverrideRequest, db: Db) -> dict[str, Any]:
        _require_claim(db, job_id, claim_id)
        editor = body.editor.strip() if body.editor and body.editor.strip() else None
        return db.set_override(job_id, claim_id, body.verdict, body.note.strip(), editor).to_dict()

    @app.delete(
        "/v1/checks/{job_id}/claims/{claim_id}/override",
        status_code=204,
        dependencies=write,
        tags=["overrides"],
    )
    def delete_override(job_id: str, claim_id: str, db: Db) -> Response:
        _require_claim(db, job_id, claim_id)
        if not db.delete_override(job_id, claim_id):
            raise HTTPException(404, f"claim {claim_id!r} has no override")
        return Response(status_code=204)

    @app.get("/v1/checks/{job_id}/export", tags=["checks"], summary="Export with overrides applied")
    def export_check(
        job_id: str,
        db: Db,
        format: Annotated[
            ExportFormat, Query(description="json, markdown or claimreview (JSON-LD)")
        ] = "json",
    ) -> Response:
        job, report = _finished(db, job_id)
        overrides = db.overrides(job_id)
        stem = f"veracity-{job_id[:12]}"
        if format == "markdown":
            body, media, name = exports.to_markdown(job, report, overrides), "text/markdown", f"{stem}.md"
        elif format == "claimreview":
            body, media, name = (
                exports.to_claimreview(job, report, overrides),
                "application/ld+json",
                f"{stem}.claimreview.jsonld",
            )
        else:
            body, media, name = exports.to_json(job, report, overrides), "application/json", f"{stem}.json"
        return Response(
            content=body.encode("utf-8"),
            media_type=f"{media}; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @app.get("/v1/store", tags=["evidence"], summary="Counts of the evidence store")
    def store_stats() -> dict[str, Any]:
        from veracity.store import Store

        with Store.open(store_path, read_only=True) as store:
            return dict(store.stats())

    @app.post(
        "/v1/documents",
        dependencies=write,
        tags=["evidence"],
        summary="Add evidence documents",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": DocumentsRequest.model_json_schema()},
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "files": {"type": "array", "items": {"type": "string", "format": "binary"}}
                            },
                            "required": ["files"],
                        }
                    },
                },
            }
        },
    )
    async def add_documents(request: Request, queue: Queue) -> dict[str, Any]:
        """JSON `{"documents": [{id?, text | html, title?, url?, published?}]}`, or a multipart upload
        of files in the formats `veracity index` reads (txt, md, html, jsonl, jsonl.gz) as `files`."""
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("multipart/form-data"):
            form = await request.form()
            uploads = [item for item in form.getlist("files") if isinstance(item, UploadFile)]
            if not uploads:
                raise InputError("multipart upload has no files under the field 'files'")
            named = [(upload.filename or "upload.txt", await upload.read()) for upload in uploads]
            documents = await asyncio.to_thread(_documents_from_files, named)
        else:
            try:
                parsed = DocumentsRequest.model_validate_json(await request.body())
            except ValidationError as exc:
                raise RequestValidationError(exc.errors(include_url=False)) from None
            documents = await asyncio.to_thread(_documents_from_json, parsed.documents)
        result = await asyncio.to_thread(_add_to_store, documents)
        queue.reload()
        return result

    def _add_to_store(documents: list[Document]) -> dict[str, Any]:
        from veracity.store import Store

        with store_lock, Store.open(store_path, create=True) as store:
            added = store.add_documents(documents, resources.embedder)
            stats = dict(store.stats())
        return {"received": len(documents), "added": _jsonable_result(added), "store": stats}

    @app.get("/", include_in_schema=False)
    def index_page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    app.mount("/assets", StaticFiles(directory=STATIC_DIR), name="assets")
    return app


def run_server(
    store_path: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    token: str | None = None,
    *,
    queue_size: int = 64,
    job_timeout_s: float = 300.0,
    verifier: str = "align",
    verifier_options: Mapping[str, object] | None = None,
    offered_verifiers: Sequence[str] = (),
) -> None:
    """Serve until interrupted. `workers` is the number of check threads in this one process (the queue,
    the models and the job database belong to the process, so uvicorn runs a single process)."""
    import uvicorn

    store_path = Path(store_path)
    if not store_path.is_dir():
        raise StoreError(f"no evidence store at {store_path} (build one with `veracity index ... --store`)")
    if workers < 1:
        raise ConfigError("--workers must be at least 1")
    from veracity.resources import Resources

    app = create_app(
        store_path,
        token=token,
        workers=workers,
        queue_size=queue_size,
        job_timeout_s=job_timeout_s,
        resources=Resources(),
        verifier=verifier,
        verifier_options=verifier_options,
        offered_verifiers=offered_verifiers,
    )
    service: _Service = app.state.service
    service.start()
    try:
        uvicorn.run(app, host=host, port=port, log_level="info", proxy_headers=False, server_header=False)
    finally:
        service.stop()


def _verifier_choices(
    default: str, default_options: Mapping[str, object], offered: Sequence[str]
) -> dict[str, tuple[str, dict[str, str]]]:
    """The default first, then the offered specs in the order given, each under its one spelling
    (`format_spec`); every back-end must be registered. Options are checked when a worker builds it."""
    from veracity.registry import format_spec, parse_spec
    from veracity.verify import VERIFIERS

    specs = [(default, {key: str(value) for key, value in default_options.items()})]
    specs += [parse_spec(spec) for spec in offered]
    choices: dict[str, tuple[str, dict[str, str]]] = {}
    for name, options in specs:
        VERIFIERS.require(name)
        choices.setdefault(format_spec(name, options), (name, options))
    return choices


def _offered(verifier: str | None, choices: VerifierChoices) -> str | None:
    """The verifier a request names, refused before any work when this server does not offer it."""
    if verifier is not None and verifier not in choices:
        offered = ", ".join(choices)
        raise InputError(f"verifier: {verifier!r} is not offered by this server (choose one of: {offered})")
    return verifier


async def _article_from_request(body: CheckRequest, fetcher: UrlFetcher) -> tuple[Article, str]:
    from veracity.ingest import article_from_html, article_from_text
    from veracity.ingest.decode import decode_bytes

    if body.text is not None:
        text = body.text
        return await asyncio.to_thread(
            article_from_text, text, title=body.title, published=body.published, source="-"
        ), "text"
    if body.html is not None:
        html = body.html
        return await asyncio.to_thread(
            article_from_html, html, title=body.title, published=body.published, source="-"
        ), "html"
    assert body.url is not None
    fetched = await fetcher.fetch(body.url.strip())
    decoded = decode_bytes(fetched.body, fetched.url, html=fetched.is_html)
    convert = article_from_html if fetched.is_html else article_from_text
    article = await asyncio.to_thread(
        convert, decoded, title=body.title, published=body.published, source=fetched.url
    )
    return article, "url"


def _job_view(db: JobDatabase, job_id: str) -> dict[str, Any] | None:
    job = db.get_job(job_id)
    if job is None:
        return None
    view = job.to_dict()
    view["report"] = db.get_report(job_id) if job.status == "succeeded" else None
    view["overrides"] = {claim_id: o.to_dict() for claim_id, o in db.overrides(job_id).items()}
    return view


def _finished(db: JobDatabase, job_id: str) -> tuple[Job, dict[str, Any]]:
    job = db.get_job(job_id)
    if job is None:
        raise HTTPException(404, f"no check with id {job_id!r}")
    report = db.get_report(job_id)
    if job.status != "succeeded" or report is None:
        raise HTTPException(409, f"check {job_id!r} is {job.status}, not finished")
    return job, report


def _require_claim(db: JobDatabase, job_id: str, claim_id: str) -> None:
    _, report = _finished(db, job_id)
    if not any(claim.get("id") == claim_id for claim in report.get("claims", [])):
        raise HTTPException(404, f"check {job_id!r} has no claim {claim_id!r}")


def _validation_message(errors: Any) -> str:
    """One line a person can act on, e.g. `published: Input should be a valid date`."""
    parts = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
        message = str(error.get("msg", "invalid"))
        if error.get("type") == "json_invalid":
            message = f"the body is not valid JSON ({error.get('ctx', {}).get('error', 'parse error')})"
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        parts.append(f"{'.'.join(location)}: {message}" if location else message)
    return "; ".join(parts) or "invalid request"


def _documents_from_json(items: list[DocumentIn]) -> list[Document]:
    from veracity.ingest import article_from_html, article_from_text

    documents = []
    for index, item in enumerate(items):
        convert = article_from_html if item.html is not None else article_from_text
        raw = item.html if item.html is not None else item.text
        assert raw is not None
        try:
            parsed = convert(raw, title=item.title, published=item.published, source=item.url or "-")
        except InputError as exc:
            raise InputError(f"documents.{index}: {exc}") from None
        doc_id = item.id or f"api-{hashlib.sha256(parsed.text.encode()).hexdigest()[:16]}"
        documents.append(
            Document(
                doc_id=doc_id,
                source=item.url or f"api:{doc_id}",
                text=parsed.text,
                title=parsed.title,
                url=item.url,
                published=parsed.published,
            )
        )
        if not parsed.text.strip():
            raise InputError(f"documents.{index}: no text left after reading the document")
    return documents


def _evidence_from_json(items: list[DocumentIn]) -> list[Document]:
    from veracity.ingest.evidence import evidence_document, require_distinct_ids

    documents = [
        evidence_document(
            index,
            text=item.text,
            html=item.html,
            title=item.title,
            url=item.url,
            published=item.published,
            name=item.id,
        )
        for index, item in enumerate(items)
    ]
    require_distinct_ids(documents)
    return documents


def _documents_from_files(files: list[tuple[str, bytes]]) -> list[Document]:
    """Read uploads exactly as `veracity index` reads files, with the upload name as the document's path."""
    from veracity.ingest import iter_documents, supported_suffix

    documents: list[Document] = []
    with tempfile.TemporaryDirectory(prefix="veracity-upload-") as folder:
        for index, (filename, data) in enumerate(files):
            name = PurePath(filename.replace("\\", "/")).name or f"upload-{index}.txt"
            path = Path(folder) / f"{index:04d}" / name
            if supported_suffix(path) is None:
                raise InputError(f"{name}: not an evidence format (txt, md, html, jsonl, jsonl.gz)")
            path.parent.mkdir()
            path.write_bytes(data)
            for document in iter_documents(path):
                documents.append(
                    dataclasses.replace(
                        document,
                        source=f"upload:{name}" + document.source.rpartition(name)[2],
                    )
                )
    if not documents:
        raise InputError("the uploaded files hold no documents")
    return documents


def _jsonable_result(result: Any) -> Any:
    to_dict = getattr(result, "to_dict", None)
    return to_dict() if callable(to_dict) else jsonable_encoder(result)
