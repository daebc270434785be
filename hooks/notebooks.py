"""Make notebook pages survive mkdocs-static-i18n.

mkdocs-jupyter marks every ``.ipynb`` as a page during ``on_files``;
mkdocs-static-i18n (priority -100) then rebuilds every file as a plain ``File``
for each language and builds the nav from those objects, so notebooks come out
as raw JSON, the nav links the ``.ipynb`` and the non-default language has no
page. Running after i18n, we turn those same objects back into pages, keeping
the destination i18n chose (``en/...`` for English).
"""

import os
from pathlib import PurePosixPath

from mkdocs.plugins import event_priority


def _page_dest(dest_path: str, use_directory_urls: bool) -> tuple[str, str]:
    """'en/a/b.ipynb' or 'en/a/b/index.html' -> ('en/a/b/index.html', 'en/a/b/')."""
    path = PurePosixPath(dest_path)
    stem = path.parent if path.name == "index.html" else path.with_suffix("")
    if use_directory_urls:
        return f"{stem}/index.html", f"{stem}/"
    return f"{stem}.html", f"{stem}.html"


@event_priority(-200)  # after mkdocs-static-i18n's on_files (-100)
def on_files(files, config):
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is None:
        return files
    for file in files:
        if file.src_path.endswith(".ipynb") and plugin.should_include(file):
            dest, url = _page_dest(file.dest_path, config.use_directory_urls)
            file.dest_path = dest  # the setter resets dest_uri
            file.url = url
            file.abs_dest_path = os.path.normpath(os.path.join(config.site_dir, dest))
            file.is_documentation_page = lambda: True
    return files
