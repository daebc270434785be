"""Nothing in the built site loads from another host (readers are often offline or in mainland China)."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

# Tags and attributes through which a browser fetches something by itself.
FETCHING = {
    ("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"), ("video", "src"),
    ("audio", "src"), ("embed", "src"), ("object", "data"), ("input", "src"), ("track", "src"),
}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)""")
CSS_IMPORT = re.compile(r"""@import\s+['"]([^'"]+)""")
KNOWN_CDNS = re.compile(r"https?://(fonts\.googleapis|fonts\.gstatic|cdn\.jsdelivr|unpkg\.com|cdnjs\.|polyfill\.io)[^\s\"'`)]*")
# Fallbacks inside vendored scripts that fire only on a feature this site does not use;
# each is named with the reason. Anything else that mentions a CDN fails the test.
CONDITIONAL_FALLBACKS = {
    "https://unpkg.com/resize-observer-polyfill": "Material: only in browsers without ResizeObserver (pre-2020)",
    "https://unpkg.com/mermaid@11/dist/mermaid.min.js": "Material: only on pages with mermaid diagrams (none here)",
    "https://cdnjs.cloudflare.com/ajax/libs/mermaid/": "mkdocs-jupyter: only for mermaid cells (none here)",
    "https://cdnjs.cloudflare.com/ajax/libs/mermaid-layout-elk/": "mkdocs-jupyter: only for mermaid cells",
    "https://cdn.jsdelivr.net/npm/sre-mathmaps-ie@": "MathJax: speech maps, only if a reader turns speech on",
    "https://cdn.jsdelivr.net/npm/speech-rule-engine@": "MathJax: speech maps, only if a reader turns speech on",
    "https://cdn.jsdelivr.net/npm/wicked-good-xpath@": "MathJax: XPath polyfill, only without document.evaluate (IE)",
}


def allowed(url: str) -> bool:
    return any(url.startswith(prefix) for prefix in CONDITIONAL_FALLBACKS)


def is_external(url: str) -> bool:
    parts = urlsplit(url.strip())
    return bool(parts.netloc) or parts.scheme in ("http", "https")


class Fetches(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if value and (tag, name) in FETCHING:
                self.urls.append(value)
        if tag == "link" and attrs.get("href") and attrs.get("rel") not in ("canonical", "alternate"):
            self.urls.append(attrs["href"])
        if attrs.get("style"):
            self.urls += CSS_URL.findall(attrs["style"])


def external_loads(site):
    problems = []
    for path in sorted(site.rglob("*")):
        if path.suffix == ".html":
            parser = Fetches()
            text = path.read_text(encoding="utf-8")
            parser.feed(text)
            parser.urls += CSS_URL.findall(" ".join(re.findall(r"<style.*?</style>", text, re.S)))
            problems += [f"{path.relative_to(site)}: loads {u}" for u in parser.urls if is_external(u)]
            scripts = " ".join(re.findall(r"<script.*?</script>", text, re.S))
            problems += [f"{path.relative_to(site)}: mentions {m.group(0)}" for m in KNOWN_CDNS.finditer(scripts)
                         if not allowed(m.group(0))]
        elif path.suffix == ".css":
            text = path.read_text(encoding="utf-8", errors="replace")
            urls = CSS_URL.findall(text) + CSS_IMPORT.findall(text)
            problems += [f"{path.relative_to(site)}: loads {u}" for u in urls if is_external(u)]
        elif path.suffix == ".js" and not path.name.endswith(".map"):
            text = path.read_text(encoding="utf-8", errors="replace")
            problems += [f"{path.relative_to(site)}: mentions {m.group(0)}" for m in KNOWN_CDNS.finditer(text)
                         if not allowed(m.group(0))]
    return problems


def test_no_request_leaves_the_site(site):
    assert external_loads(site) == []


def test_the_scan_catches_an_external_font(tmp_path):
    (tmp_path / "page.html").write_text(
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
        '<script src="/assets/ok.js"></script><a href="https://arxiv.org/">papers are links</a>')
    (tmp_path / "style.css").write_text("body{background:url(https://cdn.example.com/x.png)}")
    (tmp_path / "app.js").write_text('load("https://cdn.jsdelivr.net/npm/katex/dist/katex.js");'
                                      'fallback("https://unpkg.com/resize-observer-polyfill")')
    assert sorted(external_loads(tmp_path)) == [
        "app.js: mentions https://cdn.jsdelivr.net/npm/katex/dist/katex.js",
        "page.html: loads https://fonts.googleapis.com/css?family=Roboto",
        "style.css: loads https://cdn.example.com/x.png",
    ]


def test_the_site_uses_no_mermaid_diagram():
    # the mermaid fallbacks above are harmless only while no page has a diagram
    from tests.conftest import ROOT

    for path in (ROOT / "docs").rglob("*.md"):
        assert "```mermaid" not in path.read_text(encoding="utf-8"), path
