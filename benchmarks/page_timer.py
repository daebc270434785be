"""mkdocs hook used only by benchmarks/run.py: time spent building each page.

mkdocs builds in two passes: every page is read and converted to HTML first
(on_pre_page ... on_page_content), and only then is every page put into the theme's
template (on_page_context ... on_post_page). A page's time is the sum of its two spans;
timing on_pre_page -> on_post_page would count every other page's markdown pass too.
"""

import json
import os
import time

_started: dict = {}
_times: dict = {}


def _start(page):
    _started[page.file.dest_uri] = time.perf_counter()


def _stop(page):
    began = _started.pop(page.file.dest_uri, None)
    if began is not None:
        _times[page.file.dest_uri] = _times.get(page.file.dest_uri, 0.0) + time.perf_counter() - began


def on_pre_page(page, config, files):
    _start(page)
    return page


def on_page_content(html, page, config, files):
    _stop(page)
    return html


def on_page_context(context, page, config, nav):
    _start(page)
    return context


def on_post_page(output, page, config):
    _stop(page)
    with open(os.environ["PAGE_TIMES"], "w", encoding="utf-8") as handle:
        json.dump(_times, handle)
    return output
