"""The building blocks of the site's pages: bilingual text, tables with downloads, and the page frame.

Every page is plain HTML5 with one stylesheet and one small script of the package (no external resource):
Chinese first, each text also in English behind the language toggle, tables with captions and column
headers, a skip link, landmarks, and a layout that reads on a phone.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

import attrs

__all__ = ["Block", "Html", "Page", "Para", "Table", "Text", "render_page", "table_csv", "table_json"]


@attrs.frozen
class Text:
    """A text in Chinese and English (the Chinese shown first; English behind the toggle)."""

    zh: str
    en: str

    def html(self) -> str:
        """Both languages as two ``span`` elements with their ``lang``."""
        if self.zh == self.en:
            return escape(self.zh)
        return (
            f'<span class="zh" lang="zh-CN">{escape(self.zh)}</span>'
            f'<span class="en" lang="en">{escape(self.en)}</span>'
        )

    def plain(self) -> str:
        """``"中文 / English"`` for file names and attributes."""
        return self.zh if self.zh == self.en else f"{self.zh} / {self.en}"


def _cell_text(value: Any) -> str:
    """A value as text for a table cell and a CSV: strings as is, lists joined, mappings as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是 yes" if value else "否 no"
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell_text(v) for v in value)
    return str(value)


@attrs.frozen(kw_only=True)
class Table:
    """A table of a page, also offered as CSV and JSON downloads.

    Attributes
    ----------
    name:
        File-name stem of its downloads (unique within the page).
    caption:
        The table's caption.
    columns:
        ``(key, header)`` pairs, in order.
    rows:
        One mapping per row; values are text, numbers, lists or mappings (shown as JSON).
    links:
        Optional ``key -> (href-template)`` map: the cell links to ``template.format(value)``.
    """

    name: str
    caption: Text
    columns: tuple[tuple[str, Text], ...]
    rows: tuple[Mapping[str, Any], ...]
    links: Mapping[str, str] = attrs.field(factory=dict)


def table_csv(table: Table) -> bytes:
    """The table as CSV: UTF-8 with a byte-order mark (so spreadsheets read Chinese), bilingual headers."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([key for key, _ in table.columns])
    for row in table.rows:
        writer.writerow([_cell_text(row.get(key)) for key, _ in table.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_json(table: Table) -> bytes:
    """The table as JSON: ``{"caption": {"zh", "en"}, "columns": [...], "rows": [{...}]}``."""
    body = {
        "caption": {"zh": table.caption.zh, "en": table.caption.en},
        "columns": [{"key": k, "zh": h.zh, "en": h.en} for k, h in table.columns],
        "rows": [{k: row.get(k) for k, _ in table.columns} for row in table.rows],
    }
    # One row per line: readable, and the fast C encoder stays in use (indent= would switch it off).
    # One encoder for every row (json.dumps would build a new one per call).
    encode = json.JSONEncoder(ensure_ascii=False, default=str).encode
    head = encode({k: v for k, v in body.items() if k != "rows"})
    rows = ",\n".join(map(encode, body["rows"]))
    return (head[:-1] + ',"rows":[\n' + rows + "\n]}\n").encode("utf-8")


@attrs.frozen
class Para:
    """A paragraph of bilingual text (``level`` > 0 makes it a heading of that level instead)."""

    text: Text
    level: int = 0


@attrs.frozen
class Html:
    """Trusted HTML made by this package (never from record values without escaping)."""

    html: str


Block = Para | Table | Html


@attrs.frozen(kw_only=True)
class Page:
    """One page of the site: its path below the site root, title, section and content blocks.

    ``files`` are other files the page needs (``(path below the site root, bytes)``: chart images, a
    download in a layout of its own), written with it.
    """

    path: str
    title: Text
    section: str
    blocks: tuple[Block, ...]
    scripts: tuple[str, ...] = ()
    files: tuple[tuple[str, bytes], ...] = ()

    @property
    def depth(self) -> int:
        """Folders between the site root and the page."""
        return self.path.count("/")

    def download_stem(self, table: Table) -> str:
        """Stem of a table's download files under ``downloads/``."""
        return self.path.removesuffix(".html").replace("/", "-") + "-" + table.name


def _render_table(page: Page, table: Table, prefix: str) -> str:
    stem = page.download_stem(table)
    head = "".join(f'<th scope="col">{h.html()}</th>' for _, h in table.columns)
    body: list[str] = []
    # Per column: its key, its link template, and the cell's opening and closing tags.
    columns = [
        (key, table.links.get(key), '<th scope="row">' if i == 0 else "<td>", "</th>" if i == 0 else "</td>")
        for i, (key, _) in enumerate(table.columns)
    ]
    for row in table.rows:
        cells = ["<tr>"]
        for key, template, start, end in columns:
            value = row.get(key)
            text = escape(value) if type(value) is str else escape(_cell_text(value))
            if template and value not in (None, ""):
                href = escape(prefix + template.format(value), quote=True)
                text = f'<a href="{href}">{text}</a>'
            cells += (start, text, end)
        cells.append("</tr>")
        body.append("".join(cells))
    if not body:
        body.append(f'<tr><td colspan="{len(table.columns)}">{Text("无", "none").html()}</td></tr>')
    downloads = (
        f'<p class="downloads">{Text("下载", "Download").html()}: '
        f'<a href="{prefix}downloads/{escape(stem)}.csv">CSV</a> · '
        f'<a href="{prefix}downloads/{escape(stem)}.json">JSON</a></p>'
    )
    label = escape(table.caption.plain(), quote=True)
    return (
        f'<div class="table-wrap" role="region" aria-label="{label}" tabindex="0"><table>'
        f"<caption>{table.caption.html()}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>{downloads}"
    )


def render_page(
    page: Page, *, site_title: Text, nav: Sequence[tuple[str, Text]], footer: Iterable[Text] = ()
) -> str:
    """The whole HTML document of a page (links relative, so the site works from any folder)."""
    prefix = "../" * page.depth
    parts: list[str] = []
    level = 1
    for block in page.blocks:
        if isinstance(block, Table):
            parts.append(_render_table(page, block, prefix))
        elif isinstance(block, Para):
            if block.level:
                level = block.level
                parts.append(f"<h{level}>{block.text.html()}</h{level}>")
            else:
                parts.append(f"<p>{block.text.html()}</p>")
        else:
            parts.append(block.html)
    links = "".join(
        f'<li><a href="{prefix}{href}"{" aria-current=page" if href == page.path else ""}>'
        f"{text.html()}</a></li>"
        for href, text in nav
    )
    scripts = "".join(f'<script src="{prefix}{escape(s)}"></script>' for s in page.scripts)
    foot = "".join(f"<p>{t.html()}</p>" for t in footer)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # No resource outside the site: this policy makes the browser refuse any that slipped in.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self'; "
        "style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'none'\">\n"
        f"<title>{escape(page.title.zh)} · {escape(site_title.zh)}</title>\n"
        f'<link rel="stylesheet" href="{prefix}assets/site.css">\n'
        f'<script src="{prefix}assets/site.js"></script>\n'
        "</head>\n<body>\n"
        f'<a class="skip" href="#main">{Text("跳到正文", "Skip to content").html()}</a>\n'
        f'<header><p class="site">{site_title.html()}</p>'
        f'<button type="button" id="lang-toggle" class="lang-toggle" aria-pressed="false">'
        f'<span class="zh" lang="en">English</span><span class="en" lang="zh-CN">中文</span></button>\n'
        f'<nav aria-label="{escape(Text("主要栏目", "Sections").plain(), quote=True)}"><ul>{links}</ul></nav>'
        "</header>\n"
        f'<main id="main">\n<h1>{page.title.html()}</h1>\n' + "\n".join(parts) + "\n</main>\n"
        f"<footer>{foot}</footer>\n{scripts}\n</body>\n</html>\n"
    )
