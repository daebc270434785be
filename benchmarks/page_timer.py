"""mkdocs hook used only by benchmarks/run.py: time spent rendering each page."""

import json
import os
import time

_started: dict = {}
_times: dict = {}


def on_pre_page(page, config, files):
    _started[page.file.dest_uri] = time.perf_counter()
    return page


def on_post_page(output, page, config):
    _times[page.file.dest_uri] = time.perf_counter() - _started.pop(page.file.dest_uri, time.perf_counter())
    with open(os.environ["PAGE_TIMES"], "w", encoding="utf-8") as handle:
        json.dump(_times, handle)
    return output
