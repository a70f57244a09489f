"""Make a graded notebook safe to open in the instructor's formgrader and in a learner's feedback.

Everything a kernel printed is the learner's, and so is every answer cell. Opened in formgrader, a
`<script>` or an `onerror=` in an output would run in the instructor's browser, logged in to the
Jupyter server: it could call the server's API (start a terminal, read the gradebook) as the
instructor. So before a graded notebook is written where anyone opens it, the grader:

- drops output types a browser executes or a widget manager would load (JavaScript, widget views,
  SVG, which can hold scripts, any mimetype not known to be inert) and the notebook's widget state;
- cleans HTML outputs with bleach (the sanitizer nbconvert's own SanitizeHTML preprocessor uses),
  allowing layout tags and inline CSS only, and no URL a browser would run, so the course's failure
  boxes keep their look and no script, event handler, iframe, form or javascript: link survives;
- cleans every Markdown cell and Markdown output the same way, then renders the result exactly as
  nbconvert's HTMLExporter does (MarkdownWithMath + IPythonRenderer, attachments included) and
  parses that as a browser does (html5lib): anything off the allow-list there (a link that would
  run code, attributes smuggled into a tag by a Markdown construct, math hiding a link) and the
  whole text is shown as literal text instead (`clean_markdown`). nbgrader metadata is the
  learner's to forge, so the instructor's cells go through it too (they pass unchanged);
- keeps only numeric width/height of an output's metadata (nbconvert writes them into <img>
  unquoted) and drops attachments left empty.

nbconvert's SanitizeHTML is not used as it is: it would also escape the course's own markdown
(written by the instructor) and escape rather than keep the check boxes' divs and spans.
"""

from __future__ import annotations

import functools
import re

import bleach
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool
from bleach.css_sanitizer import ALLOWED_CSS_PROPERTIES, CSSSanitizer

INERT_OUTPUTS = {"text/plain", "text/latex", "application/json", "image/png", "image/jpeg", "image/gif"}
CLEANED_OUTPUTS = {"text/html", "text/markdown"}
TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "details", "div", "em", "h1", "h2", "h3", "h4", "h5",
        "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "samp", "small", "span", "strong", "sub",
        "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul"}
ATTRIBUTES = {"*": ["class", "style", "title", "role", "align"], "a": ["href"], "img": ["src", "alt", "width", "height"],
              "td": ["colspan", "rowspan"], "th": ["colspan", "rowspan"]}
PROTOCOLS = {"http", "https", "mailto", "data"}  # data: only reaches img src (bleach checks href too)
CSS = CSSSanitizer(allowed_css_properties=ALLOWED_CSS_PROPERTIES | {
    "display", "grid-template-columns", "gap", "margin-top", "margin", "padding", "border-left", "border",
    "white-space", "opacity", "font-family", "font-size", "font-weight", "line-height", "max-width"})


URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster", "srcset"}


def _unsafe_url(tag: str, url: str) -> bool:
    import html
    # entities decoded (bleach may hand the raw text over), whitespace and controls dropped as browsers do
    squeezed = "".join(ch for ch in html.unescape(url) if ch > " ").lower()
    scheme = re.match(r"([a-z][a-z0-9+.-]*):", squeezed)
    if not scheme:
        return False  # relative, #fragment
    if scheme.group(1) == "data":
        return not (tag == "img" and squeezed.startswith("data:image/"))
    return scheme.group(1) not in {"http", "https", "mailto", "attachment"}  # attachments: cleaned bundles


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    """bleach's attribute filter: the allow-list, and no URL a browser would run (value entity-decoded)."""
    if name not in ATTRIBUTES.get(tag, []) and name not in ATTRIBUTES["*"]:
        return False
    return not (name in URL_ATTRIBUTES and _unsafe_url(tag, value))


def clean_html(text: str) -> str:
    return bleach.clean(text, tags=TAGS, attributes=_allowed_attribute, protocols=PROTOCOLS, css_sanitizer=CSS,
                        strip=True, strip_comments=True)


# What nbconvert's Markdown renderer itself adds (heading anchors, code highlighting, task lists, math).
RENDERED_TAGS = TAGS | {"del", "ins", "mark", "dl", "dt", "dd", "caption", "colgroup", "col", "section", "footer"}
RENDERED_ATTRIBUTES = {"*": {"class", "style", "title", "role", "align", "id"}, "a": {"href"},
                       "img": {"src", "alt", "width", "height"}, "ol": {"start", "type"}, "li": {"value"},
                       "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
UNSAFE_CSS = ("url(", "expression", "javascript", "@import", "\\", "behavior", "binding")


@functools.lru_cache(maxsize=1)
def _exporter():
    from nbconvert import HTMLExporter
    return HTMLExporter()


def _render_like_nbconvert(source: str, attachments: dict) -> str:
    """The HTML nbconvert's HTMLExporter makes of a Markdown cell: its own markdown2html filter."""
    return _exporter().markdown2html({"cell": {"attachments": attachments}}, source)


SENTINEL = '<b class="sanitize-sentinel"></b>'


def _violations(html: str) -> list[str]:
    """What in this HTML, parsed as a browser parses it (html5lib), is not on the allow-list; and
    whether it leaves a comment, tag, attribute or raw-text element open. The page holds many cells
    one after the other, so what one leaves open would swallow the markup after it and turn the next
    cell's allowed text into live markup: a marker element appended after it must still be one."""
    from bleach._vendor import html5lib

    found, sentinel = [], False
    for element in html5lib.parseFragment(html + SENTINEL, treebuilder="etree", namespaceHTMLElements=False).iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if not tag or tag == "DOCUMENT_FRAGMENT":
            continue
        tag = tag.rsplit("}", 1)[-1]
        if tag == "b" and dict(element.attrib) == {"class": "sanitize-sentinel"} and not len(element):
            sentinel = True
            continue
        if tag not in RENDERED_TAGS:
            found.append(f"<{tag}>")
        for name, value in element.attrib.items():
            name = (name[1] if isinstance(name, tuple) else name.rsplit("}", 1)[-1]).lower()
            if name not in RENDERED_ATTRIBUTES["*"] and name not in RENDERED_ATTRIBUTES.get(tag, ()):
                found.append(f"<{tag} {name}>")
            elif name in URL_ATTRIBUTES and _unsafe_url(tag, value or ""):
                found.append(f"<{tag} {name}={value[:40]!r}>")
            elif name == "style" and any(bad in (value or "").lower() for bad in UNSAFE_CSS):
                found.append(f"<{tag} style={value[:40]!r}>")
    if not sentinel:
        found.append("markup left open at the end")
    return found


def as_literal_text(text: str) -> str:
    """Markdown that shows `text` verbatim and renders nothing of it (a <pre> block's escaped text)."""
    import html
    note = "<p><em>[shown as text by the grader: rendered, it could run code in a browser]</em></p>"
    # one line: a Markdown parser ends an HTML block at a blank line and would render what follows
    body = html.escape(text).replace("\r", "&#13;").replace("\n", "&#10;")
    literal = f"{note}\n<pre>{body}</pre>\n"
    try:
        if not _violations(_render_like_nbconvert(literal, {})):
            return literal
    except Exception:
        pass
    return note + "\n"


def clean_markdown(text: str, attachments: dict | None = None) -> str:
    """Markdown a browser may render: rendered exactly as nbconvert renders it and parsed as a browser
    parses it, as written or else cleaned by bleach first. When both hold anything off the allow-list
    (a link that would run code, an attribute a Markdown construct smuggled into a tag, math hiding a
    link from a simpler parser), the whole text is shown as literal text instead."""
    for candidate in (text, clean_html(text)):  # as written when it renders clean, else with bleach's cleaning
        try:
            if not _violations(_render_like_nbconvert(candidate, attachments or {})):
                return candidate
        except Exception:  # what nbconvert cannot render would break the feedback page: show it as text
            pass
    return as_literal_text(text)


def _clean_output_metadata(out) -> bool:
    """Only numeric width/height of images stay (nbconvert writes them into <img> unquoted)."""
    meta = out.get("metadata")
    if not meta:
        return False
    kept = {}
    for mime, value in meta.items():
        if mime in ("image/png", "image/jpeg", "image/gif") and isinstance(value, dict):
            sizes = {k: int(v) for k, v in value.items()
                     if k in ("width", "height") and isinstance(v, (int, float)) and not isinstance(v, bool)}
            if sizes:
                kept[mime] = sizes
    out["metadata"] = kept
    return kept != meta


def _clean_bundle(bundle: dict) -> list[str]:
    dropped = []
    for key in list(bundle):
        if key in CLEANED_OUTPUTS:
            value = "".join(bundle[key]) if isinstance(bundle[key], list) else str(bundle[key])
            bundle[key] = clean_markdown(value) if key == "text/markdown" else clean_html(value)
        elif key not in INERT_OUTPUTS:
            del bundle[key]
            dropped.append(key)
    return dropped


def sanitize_notebook(nb) -> list[str]:
    """Clean `nb` in place; return what was removed (for the grading report), one line per kind."""
    removed: set[str] = set()
    if nb.get("metadata", {}).pop("widgets", None) is not None:
        removed.add("widget state")
    for cell in nb.cells:
        for key in list(cell.get("attachments", {}) or {}):
            removed.update(_clean_bundle(cell.attachments[key]))
            if not cell.attachments[key]:
                del cell.attachments[key]  # an empty bundle breaks nbconvert's export
        # every Markdown cell: nbgrader metadata is the learner's to forge, so "the instructor's cell"
        # cannot be told from it; the course's own cells pass unchanged (tests/test_sanitize.py)
        if cell.cell_type == "markdown":
            before = cell.source
            cell.source = clean_markdown(before, cell.get("attachments"))
            if cell.source != before:
                removed.add("HTML markup in a Markdown cell")
        for out in cell.get("outputs", []):
            if _clean_output_metadata(out):
                removed.add("output metadata")
            if "data" in out:
                removed.update(_clean_bundle(out["data"]))
                if not out["data"]:
                    out["data"]["text/plain"] = "[output removed by the grader: it could run code in a browser]"
    return sorted(removed)


class SanitizeOutputs(Preprocessor):
    """nbgrader preprocessor, last in the course's Autograde pipeline, so plain `nbgrader autograde`,
    formgrader's autograde button and `python -m autograder autograde` all write clean notebooks.
    Scores are saved before it runs. What it removed goes to ``resources["sanitized"]``."""

    enabled = Bool(True)  # nbconvert's Preprocessor is off unless enabled; nbgrader registers it as is

    def preprocess(self, nb, resources):
        resources["sanitized"] = sanitize_notebook(nb)
        return nb, resources
