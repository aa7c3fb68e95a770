import re
import shutil
import subprocess

import pytest
from report_samples import sample_report

from veracity.report import render

pytestmark = pytest.mark.browser

PROBE = """<script>
function visible() {
  return Array.from(document.querySelectorAll(".card")).filter(c => !c.hidden).map(c => c.id).join(",");
}
document.body.setAttribute("data-initial", visible());
document.querySelector('mark[data-claims="c3 c2"]').click();
document.body.setAttribute("data-clicked", visible());
document.querySelector('mark[data-claims="c4"]').dispatchEvent(new KeyboardEvent("keydown", {key: "Enter"}));
document.body.setAttribute("data-keyboard", visible() + "|" + document.activeElement.id);
document.body.setAttribute("data-alerts", String(window.__alerts || 0));
</script></body>"""


def test_clicking_and_keyboard_open_the_claim_panel(tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        pytest.skip("no headless Chromium on PATH")
    page = render(sample_report(), "html")
    page = page.replace("<head>", "<head><script>window.alert = () => { window.__alerts = 1; };</script>", 1)
    path = tmp_path / "report.html"
    path.write_text(page.replace("</body>", PROBE, 1), encoding="utf-8")
    result = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", path.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    body = re.search(r"<body([^>]*)>", result.stdout)
    assert body is not None
    attributes = dict(re.findall(r'data-(\w+)="([^"]*)"', body.group(1)))
    assert attributes["initial"] == ""
    assert attributes["clicked"] == "claim-c2,claim-c3"
    assert attributes["keyboard"] == "claim-c4|claim-c4"
    assert attributes["alerts"] == "0"
