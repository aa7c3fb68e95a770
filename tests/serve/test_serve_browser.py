"""The editors' page in headless Chromium: paste, watch, read highlights, override, reload, no injection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import FakeChecker, live_server
from veracity.serve import create_app

pytestmark = pytest.mark.browser

HOSTILE = (
    "Alice said the bridge opened in 2019. The <img src=x onerror=\"window['pwned']=1\"> tower is false. "
    "The <script>window['pwned']=2</script> cost is unclear."
)


def paste_and_wait(page: Any, base_url: str, text: str, published: str | None = None) -> str:
    page.goto(base_url + "/#/new")
    page.fill("#f-title", "Browser test article")
    if published:
        page.fill("#f-published", published)
    page.fill("#f-text", text)
    page.click("#submit-check")
    page.wait_for_url("**/#/checks/*")
    page.wait_for_selector("#report:not([hidden])", timeout=300_000)
    return page.url.split("#/checks/", 1)[1].split("/", 1)[0]


def override_and_reload(page: Any, claim_id: str, verdict: str) -> None:
    page.click(f'#claim-list button[data-claim="{claim_id}"]')
    page.select_option("#override-verdict", verdict)
    page.fill("#override-note", "Checked against the council minutes.")
    page.fill("#override-editor", "Test Editor")
    page.click("#override-save")
    page.wait_for_selector("#claim-detail .badge.edited")
    page.reload()
    page.wait_for_selector("#report:not([hidden])")


def test_page_highlights_overrides_and_escapes(browser_page: Any, store_dir: Path) -> None:
    page = browser_page
    app = create_app(store_dir, checker_factory=lambda _path, _verifier: FakeChecker())
    with live_server(app) as base_url:
        job_id = paste_and_wait(page, base_url, HOSTILE)

        refuted = page.locator('mark.claim[data-verdict="refuted"]')
        assert refuted.count() == 1
        assert "tower is false" in refuted.inner_text()
        assert page.locator('mark.claim[data-verdict="supported"]').count() == 1
        assert page.locator('mark.claim[data-verdict="not_enough_evidence"]').count() == 1
        # The hostile markup is shown as text and never becomes elements or runs.
        assert "<script>" in page.inner_text("#article-text")
        assert page.locator("#article-text img, #article-text script").count() == 0
        assert page.evaluate("window.pwned") is None

        # Keyboard: a highlight takes focus (it is in the tab order) and opens with Enter.
        page.locator("mark.claim").first.focus()
        page.keyboard.press("Enter")
        assert page.get_attribute("#detail-verdict", "data-verdict") == "supported"
        page.keyboard.press("n")
        assert page.get_attribute("#detail-verdict", "data-verdict") == "refuted"

        override_and_reload(page, "c2", "supported")
        assert page.url.endswith(f"#/checks/{job_id}/c2")
        mark = page.locator('mark.claim[data-claims~="c2"]')
        assert mark.get_attribute("data-verdict") == "supported"
        assert "overridden" in (mark.get_attribute("class") or "")
        assert page.get_attribute("#detail-verdict", "data-verdict") == "supported"
        assert "Checked against the council minutes." in page.inner_text("#claim-detail")

        page.goto(base_url + "/#/checks")
        row = page.locator("#checks-body tr").first
        row.wait_for()
        assert "Browser test article" in row.inner_text()
        assert "1 edited" in row.inner_text()
        assert page.evaluate("window.pwned") is None
        page.goto(base_url + "/#/new")
        assert page.locator("#verifier-field").is_hidden(), "one verifier: nothing to choose"


def test_page_offers_the_verifiers_the_server_offers(browser_page: Any, store_dir: Path) -> None:
    built: list[str] = []

    def factory(_path: Path, verifier: str) -> FakeChecker:
        built.append(verifier)
        return FakeChecker()

    app = create_app(
        store_dir, checker_factory=factory, verifier="builtin", offered_verifiers=["builtin-fast"]
    )
    page = browser_page
    with live_server(app) as base_url:
        page.goto(base_url + "/#/new")
        page.wait_for_selector("#verifier-field:not([hidden])")
        labels = page.locator("#f-verifier option").all_inner_texts()
        assert labels == ["builtin (default)", "builtin-fast"]
        page.select_option("#f-verifier", "builtin-fast")
        page.fill("#f-text", "The bridge opened in 2019.")
        page.click("#submit-check")
        page.wait_for_url("**/#/checks/*")
        page.wait_for_selector("#report:not([hidden])")
        assert "verifier builtin-fast" in page.inner_text("#check-meta")
        assert page.input_value("#f-verifier") == "builtin", "the form resets to the default"
        page.goto(base_url + "/#/checks")
        row = page.locator("#checks-body tr").first
        row.wait_for()
        assert "text input · builtin-fast" in row.inner_text()
    assert built == ["builtin", "builtin-fast"]


def test_page_sends_pasted_and_uploaded_sources_with_the_check(
    browser_page: Any, store_dir: Path, tmp_path: Path
) -> None:
    from fake_embedder import HashingEmbedder
    from veracity.resources import Resources
    from veracity.store import Store

    cited: list[list[str]] = []

    class SourceRecordingChecker(FakeChecker):
        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

        def check(self, article: Any, progress: Any = None) -> Any:
            with Store.open(self.path, read_only=True) as store:
                count = store.stats()["passages"]
                cited.append(sorted({p.source for p in store.get_passages(list(range(1, count + 1)))}))
            return super().check(article, progress)

    resources = Resources()
    resources.__dict__["embedder"] = HashingEmbedder()
    app = create_app(
        store_dir,
        checker_factory=lambda path, _v: SourceRecordingChecker(path) if path != store_dir else FakeChecker(),
        resources=resources,
    )
    upload = tmp_path / "minutes.html"
    upload.write_text("<html><body><p>The council approved the bridge budget.</p></body></html>")
    page = browser_page
    with live_server(app) as base_url:
        page.goto(base_url + "/#/new")
        page.fill("#f-text", "The bridge opened in 2019. The cost is unclear.")
        page.click("#sources-field summary")
        page.fill("#f-sources", "The bridge opened in May 2019.\n---\nThe river is low.\n  ---  \n")
        page.set_input_files("#f-source-files", str(upload))
        page.click("#submit-check")
        page.wait_for_url("**/#/checks/*")
        page.wait_for_selector("#report:not([hidden])")
        assert "against 3 sources given with it" in page.inner_text("#check-meta")
        page.goto(base_url + "/#/checks")
        row = page.locator("#checks-body tr").first
        row.wait_for()
        assert "3 sources" in row.inner_text()
    assert cited == [["evidence:minutes.html", "evidence[0]", "evidence[1]"]]


@pytest.mark.slow
def test_real_checker_on_the_bundled_example(browser_page: Any, examples_dir: Path, tmp_path: Path) -> None:
    """The bundled example, end to end: real store, real Checker, real page."""
    from veracity.resources import Resources
    from veracity.store import Store

    article = examples_dir / "gaza_talks.txt"
    evidence = examples_dir / "evidence"
    if not article.exists() or not any(evidence.iterdir()):
        pytest.skip("the bundled example is missing")
    resources = Resources()
    store_path = tmp_path / "store"
    with Store.open(store_path, create=True) as store:
        store.index_paths([evidence], resources.embedder, progress=False)
    app = create_app(store_path, resources=resources)
    page = browser_page
    with live_server(app) as base_url:
        job_id = paste_and_wait(page, base_url, article.read_text(encoding="utf-8"), published="2024-08-14")
        job = httpx.get(f"{base_url}/v1/checks/{job_id}").json()
        claims = job["report"]["claims"]
        refuted_ids = [claim["id"] for claim in claims if claim["verdict"] == "refuted"]
        assert refuted_ids, "the example's invented details should be refuted"
        for claim_id in refuted_ids:
            mark = page.locator(f'mark.claim[data-claims~="{claim_id}"]').first
            assert mark.get_attribute("data-verdict") == "refuted", claim_id
        assert page.locator('mark.claim[data-verdict="refuted"]').count() >= 1

        target = refuted_ids[0]
        override_and_reload(page, target, "conflicting")
        assert page.locator(f'mark.claim[data-claims~="{target}"]').first.get_attribute("class")
        assert page.get_attribute("#detail-verdict", "data-verdict") == "conflicting"
        exported = httpx.get(f"{base_url}/v1/checks/{job_id}/export?format=claimreview").json()
        reviewed = {review["claimReviewed"]: review for review in exported}
        target_text = next(claim["text"] for claim in claims if claim["id"] == target)
        assert reviewed[target_text]["reviewRating"]["alternateName"] == "Conflicting evidence"
