"""Print the project's speed figures (`make bench`); nothing here is asserted by a test.

(a) `mkdocs build` wall time for both languages, and the render time of each page;
(b) the full verification (`make test`'s pytest command) on a warm venv, its floor
    = sum of all test items' durations / workers + one TensorFlow import per worker,
    and the ratio wall / floor;
(c) the five slowest test items;
(d) page weight: gzip bytes of each page's HTML plus the local CSS/JS it loads (MathJax
    and the search index excluded, as they load once and are cached), median and worst;
(e) the size of the search index.
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
WORKERS = int(os.environ.get("WORKERS", "2"))
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1", TF_CPP_MIN_LOG_LEVEL="2", MPLBACKEND="Agg",
           OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")  # as `make test` runs


def page_weights(site: Path) -> dict:
    """{page: gzip bytes of the HTML + the site's own CSS/JS it references}."""
    import gzip
    from html.parser import HTMLParser

    class Assets(HTMLParser):
        def __init__(self):
            super().__init__()
            self.urls = []

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "script" and attrs.get("src"):
                self.urls.append(attrs["src"])
            if tag == "link" and attrs.get("rel") == "stylesheet":
                self.urls.append(attrs["href"])

    weights = {}
    for html in sorted(site.rglob("*.html")):
        if html.name == "404.html":
            continue
        parser = Assets()
        text = html.read_bytes()
        parser.feed(text.decode("utf-8"))
        total = len(gzip.compress(text))
        for url in parser.urls:
            if "mathjax" in url or "://" in url:
                continue
            asset = (html.parent / url.split("?")[0]).resolve()
            if asset.is_file():
                total += len(gzip.compress(asset.read_bytes()))
        weights[html.relative_to(site).as_posix()] = total
    return weights


def mkdocs_build():
    import yaml

    hooks = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8")).get("hooks", [])
    config = ROOT / ".bench-mkdocs.yml"
    config.write_text(yaml.safe_dump({"INHERIT": "mkdocs.yml", "hooks": hooks + ["benchmarks/page_timer.py"]}))
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(ENV, PAGE_TIMES=f"{tmp}/times.json")
        start = time.perf_counter()
        subprocess.run([PY, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", f"{tmp}/site"],
                       cwd=ROOT, env=env, check=True, capture_output=True)
        wall = time.perf_counter() - start
        times = json.loads(Path(f"{tmp}/times.json").read_text())
        weights = page_weights(Path(f"{tmp}/site"))
        index = Path(f"{tmp}/site/search/search_index.json").stat().st_size
    config.unlink()
    return wall, times, weights, index


def tensorflow_import():
    start = time.perf_counter()
    subprocess.run([PY, "-c", "import tensorflow"], env=ENV, check=True, capture_output=True)
    return time.perf_counter() - start


def full_suite():
    start = time.perf_counter()
    result = subprocess.run(
        [PY, "-m", "pytest", "-n", str(WORKERS), "--dist", "loadgroup", "-q", "--durations=0",
         "--durations-min=0"], cwd=ROOT, env=ENV, capture_output=True, text=True)
    wall = time.perf_counter() - start
    durations = [(float(m.group(1)), m.group(2), m.group(3)) for m in
                 re.finditer(r"^([\d.]+)s (setup|call|teardown)\s+(\S+)", result.stdout, re.M)]
    tail = [line for line in result.stdout.splitlines() if re.search(r"\d+ (passed|failed)", line)]
    failures = re.findall(r"^((?:FAILED|ERROR) \S+)", result.stdout, re.M)
    return wall, durations, result.returncode, tail[-1] if tail else "?", failures


PACKAGES = {"getting_started": "getting-started", "mathematics": "math"}


def section_of(item: str) -> str:
    """docs/zh/basics/x.md::line 3 -> basics; tests/mathematics/test_x.py::t -> math."""
    parts = item.split("::")[0].split("/")
    if parts[0] == "docs" and len(parts) > 3:
        return parts[2]
    if parts[0] == "tests" and len(parts) > 2:
        return PACKAGES.get(parts[1], parts[1])
    return "other"


def main():
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    wall, pages, weights, index = mkdocs_build()
    print(f"\n(a) mkdocs build --strict, both languages: {wall:.1f} s for {len(pages)} pages (budget 20 s)")
    for page, seconds in sorted(pages.items(), key=lambda kv: -kv[1]):
        print(f"    {seconds * 1000:7.0f} ms  {page}")
    ordered = sorted(weights.values())
    median = ordered[len(ordered) // 2] if len(ordered) % 2 else sum(ordered[len(ordered) // 2 - 1:][:2]) / 2
    heaviest = max(weights, key=weights.get)
    notebooks = {p: w for p, w in weights.items() if "notebook" in p}
    print(f"\n(d) page weight (gzip, HTML + own CSS/JS): median {median / 1024:.1f} KiB (budget 80), "
          f"heaviest {weights[heaviest] / 1024:.1f} KiB ({heaviest})")
    for page, weight in sorted(notebooks.items()):
        print(f"    notebook page {page}: {weight / 1024:.1f} KiB")
    print(f"(e) search index: {index / 1024:.0f} KiB uncompressed")

    tf_import = tensorflow_import()
    wall, durations, code, summary, failures = full_suite()
    total = sum(d for d, _, _ in durations)
    floor = total / WORKERS + tf_import
    print(f"\n(b) full verification, warm venv, {WORKERS} workers: {wall:.1f} s  ({summary}, exit {code})")
    print(f"    sum of item durations {total:.1f} s / {WORKERS} + TensorFlow import {tf_import:.1f} s "
          f"= floor {floor:.1f} s;  ratio wall / floor = {wall / floor:.2f}")
    for line in failures:  # figures from a failing run are not the suite's real cost
        print(f"    {line}")
    per_item: dict = {}
    for seconds, _, item in durations:
        per_item[item] = per_item.get(item, 0.0) + seconds
    sections: dict = {}
    for item, seconds in per_item.items():
        sections[section_of(item)] = sections.get(section_of(item), 0.0) + seconds
    print("    by section (sum of item durations; each content issue has a budget):")
    for section, seconds in sorted(sections.items(), key=lambda kv: -kv[1]):
        print(f"      {section:<18} {seconds:6.1f} s")
    print("\n(c) five slowest items (setup + call + teardown):")
    for item, seconds in sorted(per_item.items(), key=lambda kv: -kv[1])[:5]:
        print(f"    {seconds:6.1f} s  {item}")


if __name__ == "__main__":
    main()
