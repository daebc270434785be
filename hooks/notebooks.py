"""Make notebook pages survive mkdocs-static-i18n.

mkdocs-jupyter marks every ``.ipynb`` as a page during ``on_files``;
mkdocs-static-i18n (priority -100) then rebuilds every file as a plain ``File``
for each language and builds the nav from those objects, so notebooks come out
as raw JSON, the nav links the ``.ipynb`` and the non-default language has no
page. Running after i18n, we turn those same objects back into pages, keeping
the destination i18n chose (``en/...`` for English).
"""

import os
import re
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


# -- notebook pages, once rendered ------------------------------------------------
JUPYTER_STYLE = re.compile(r"<style[^>]*>(?:(?!</style>).)*?(jupyter-wrapper|jp-Mermaid|\['pre \{)(?:(?!</style>).)*</style>", re.S)
MERMAID_SCRIPT = re.compile(r'<script type="module">(?:(?!</script>).)*?jp-Mermaid(?:(?!</script>).)*</script>', re.S)
MATHJAX2_CONFIG = re.compile(r'<script type="text/x-mathjax-config">.*?</script>', re.S)
EMPTY_SCRIPT = re.compile(r'<script src="">\s*</script>')  # would load the page itself as a script
DOC_LINK = re.compile(r'href="(?![a-z]+:|/|#)([^"#]+\.(?:md|ipynb))(#[^"]*)?"')


def _is_notebook(page) -> bool:
    return page.file.src_uri.endswith(".ipynb")


def on_page_content(html, page, config, files):
    """Relative .md/.ipynb links in notebook cells become site URLs, as in Markdown pages."""
    if not _is_notebook(page):
        return html
    base = PurePosixPath(page.file.src_uri).parent

    def resolve(match):
        target = files.get_file_from_path(os.path.normpath(str(base / match.group(1))))
        if target is None:
            raise ValueError(f"{page.file.src_uri}: link to missing page {match.group(1)!r}")
        return f'href="{target.url_relative_to(page.file)}{match.group(2) or ""}"'

    return DOC_LINK.sub(resolve, html)


def on_post_page(output, page, config):
    """Drop the ~0.6 MB of inline JupyterLab CSS (and the mermaid loader, which would fetch
    from a CDN) from notebook pages; assets/stylesheets/notebook.css styles them instead."""
    if not _is_notebook(page):
        return output
    output = JUPYTER_STYLE.sub("", output)
    output = MERMAID_SCRIPT.sub("", output)
    output = MATHJAX2_CONFIG.sub("", output)
    output = EMPTY_SCRIPT.sub("", output)
    depth = page.url.count("/")
    href = "../" * depth + "assets/stylesheets/notebook.css"
    return output.replace("</head>", f'<link rel="stylesheet" href="{href}">\n</head>', 1)
