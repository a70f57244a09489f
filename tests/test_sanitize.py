"""What a learner's outputs can put in front of the instructor's browser (formgrader, feedback)."""

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder.sanitize import clean_html, clean_markdown, sanitize_notebook
from course_lib.check import display

ATTACKS = [
    "<script>fetch('/api/terminals', {method: 'POST'})</script>",
    "<img src=x onerror=\"fetch('/api/terminals')\">",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<iframe src=\"/api/contents\"></iframe>",
    "<svg><script>alert(1)</script></svg>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<form action=\"/api/terminals\"><button>go</button></form>",
    "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
    "<object data=\"x.swf\"></object><embed src=\"x\">",
    "<style>body{display:none}</style>",
]


def _executable(html: str) -> bool:
    low = html.lower()
    return any(s in low for s in ("<script", "onerror", "javascript:", "<iframe", "<svg", "<form", "<object",
                                  "<embed", "<style", 'href="data:'))


def test_no_attack_survives_cleaning():
    for attack in ATTACKS:
        assert not _executable(clean_html(attack)), attack


def _nb():
    answer = new_markdown_cell("My answer <script>alert(1)</script> <b>bold</b>")
    answer.metadata["nbgrader"] = {"solution": True, "grade": True, "grade_id": "why", "points": 1}
    course = new_markdown_cell("The course's own text <details><summary>more</summary>x</details>")
    course.metadata["nbgrader"] = {"locked": True, "grade_id": "intro", "solution": False, "grade": False}
    code = new_code_cell("x = 1")
    code.outputs = [new_output("display_data", data={
        "text/plain": "x", "text/html": ATTACKS[0] + "<b>kept</b>", "application/javascript": "alert(1)",
        "image/svg+xml": "<svg onload='alert(1)'/>", "application/vnd.jupyter.widget-view+json": {"model_id": "m"},
        "image/png": "iVBORw0KGgo="})]
    only_js = new_code_cell("y = 2")
    only_js.outputs = [new_output("display_data", data={"application/javascript": "alert(1)"})]
    nb = new_notebook(cells=[course, answer, code, only_js])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {"m": "x" * 1000}}}
    return nb


def test_a_graded_notebook_keeps_nothing_a_browser_would_run():
    nb = _nb()
    removed = sanitize_notebook(nb)
    text = nbformat.writes(nb)
    assert not _executable(text) and "application/javascript" not in text and "widget-view" not in text
    assert "widgets" not in nb.metadata
    data = nb.cells[2].outputs[0]["data"]
    assert set(data) == {"text/plain", "text/html", "image/png"}
    assert "<b>kept</b>" in data["text/html"]
    assert nb.cells[3].outputs[0]["data"] == {"text/plain": "[output removed by the grader: it could run code in a browser]"}
    assert {"application/javascript", "image/svg+xml", "widget state"} <= set(removed)
    assert "<b>bold</b>" in nb.cells[1].source and "<script" not in nb.cells[1].source
    assert nb.cells[0].source == "The course's own text <details><summary>more</summary>x</details>"  # instructor's


def test_the_course_failure_box_keeps_its_layout():
    html = display.html_box("check_update(...) failed", [("called", "update(3, 0.1)"), ("expected", "2.4"),
                                                          ("got", "3.6"), ("hint", "the sign")])
    cleaned = clean_html(html)
    for kept in ("display:grid", "border-left", "font-weight:bold", "the sign", "expected"):
        assert kept in cleaned.replace(" ", "") or kept in cleaned, kept


def test_the_course_pipeline_runs_it_as_nbgrader_registers_it():
    """nbgrader registers each Autograde preprocessor with the exporter as it is; nbconvert skips a
    preprocessor that is not enabled (SanitizeOutputs once sat in the pipeline and never ran)."""
    from nbconvert.exporters import NotebookExporter
    from traitlets.config.loader import PyFileConfigLoader

    from autograder import course_dir
    from autograder.sanitize import SanitizeOutputs

    config = PyFileConfigLoader(course_dir.CONFIG_NAME, path=str(course_dir.COURSE_ROOT)).load_config()
    assert SanitizeOutputs in config.Autograde.autograde_preprocessors
    exporter = NotebookExporter()
    exporter.register_preprocessor(SanitizeOutputs)
    text, resources = exporter.from_notebook_node(_nb())
    assert not _executable(text) and "application/javascript" not in text, text
    assert "application/javascript" in resources["sanitized"]


MARKDOWN_ATTACKS = [
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](jav&#x61;script:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "<javascript:alert(1)>",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    "[page](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
]


def _rendered_links(markdown: str) -> list[str]:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune
    import re
    html = markdown2html_mistune(markdown)
    return re.findall(r'(?:href|src)="([^"]*)"', html)


def test_markdown_links_that_would_run_code_are_shown_as_text():
    for attack in MARKDOWN_ATTACKS:
        cleaned = clean_markdown(attack)
        links = _rendered_links(cleaned)
        assert not any("script" in link.lower() or link.lower().startswith("data:text") for link in links), \
            (attack, cleaned, links)
        import html
        literal = html.escape(attack).replace("\n", "&#10;")
        assert literal in cleaned or not cleaned.strip(), (attack, cleaned)  # shown as text, or dropped


def test_ordinary_markdown_is_kept():
    for fine in ("See [the docs](https://numpy.org) and **this**.", "Slope $2x$ at x = 3: `6`.",
                 "data: the inputs, then [a note](#below)", "![plot](data:image/png;base64,iVBORw0KGgo=)"):
        assert clean_markdown(fine) == fine, fine


def test_markdown_with_attachments_and_many_cells_is_cleaned():
    """nbconvert's Markdown filter raises on an attachment it is not given; the sanitizer must not
    (a notebook of 20 000 cells with an attachment failed to grade)."""
    md = new_markdown_cell("![a](attachment:a.png) and [bad](javascript:alert(1))")
    md.attachments = {"a.png": {"image/png": "iVBORw0KGgo="}}
    nb = new_notebook(cells=[new_markdown_cell("") for _ in range(2000)] + [md])
    sanitize_notebook(nb)
    assert nb.cells[-1].source.startswith("<p><em>[shown as text by the grader")
    attachments = {"a.png": {"image/png": "iVBORw0KGgo="}}
    assert clean_markdown("![a](attachment:a.png)", attachments) == "![a](attachment:a.png)"


def _live(html_text: str, marker: str) -> list[str]:
    """Elements of an exported page (parsed as a browser parses it) where the marker could run."""
    from bleach._vendor import html5lib

    from autograder.sanitize import URL_ATTRIBUTES, _unsafe_url
    live = []
    for el in html5lib.parseFragment(html_text, treebuilder="etree", namespaceHTMLElements=False).iter():
        tag = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""
        if tag == "script" and marker in (el.text or ""):
            live.append("<script>")
        for name, value in el.attrib.items():
            name = (name[1] if isinstance(name, tuple) else name).lower()
            if marker in (value or "") and (name.startswith("on") or name == "srcdoc"
                                            or name in URL_ATTRIBUTES and _unsafe_url(tag, value)):
                live.append(f"<{tag} {name}={value[:60]!r}>")
    return live


def _export(nb) -> str:
    from nbconvert import HTMLExporter
    return HTMLExporter(template_name="lab").from_notebook_node(nb)[0]


def test_red_team_bypasses_of_the_sanitizer_stay_closed():
    """A helper's attacks on the first version (each ran code in the exported feedback page)."""
    forged = {"nbgrader": {"solution": False, "grade": False, "locked": False, "schema_version": 3, "task": False}}
    cases = {
        "breakout": [new_markdown_cell('<details title="a\n\n![x](open/ontoggle=alert(/M1/)//)\n\nb">c</details>')],
        "breakout_output": [new_code_cell("x", outputs=[new_output("display_data", data={
            "text/markdown": '<details title="a\n\n![x](open/ontoggle=alert(/M1/)//)\n\nb">c</details>'})])],
        "breakout_autolink": [new_markdown_cell('<div title="a\n\n<http://x/onmouseover=alert(/M1/)//>\n\nb">c</div>')],
        "image_metadata": [new_code_cell("x", outputs=[new_output("display_data", data={"image/png": "AAAA"},
                                                                  metadata={"image/png": {"width": "1 onerror=alert(/M1/)"}})])],
        "forged_nbgrader_metadata": [new_markdown_cell('<img src="x" onerror="alert(/M1/)">', metadata=forged)],
        "math_hides_link": [new_markdown_cell("$`$[click](javascript:alert(/M1/))`")],
        "math_block_hides_link": [new_markdown_cell("$$\n`\n$$\n[click](javascript:alert(/M1/))\n`")],
        # what one cell leaves open swallows the page's markup up to the next cell (a second red-team pass)
        "comment_across_cells": [new_markdown_cell("<!--"),
                                 new_markdown_cell('<span title="--><img src=x onerror=alert(/M1/)>">hi</span>')],
        "attribute_across_cells": [new_markdown_cell("<details title='"),
                                   new_markdown_cell("' open ontoggle=alert(/M1/) x=")],
        "comment_from_an_output": [new_code_cell("x", outputs=[new_output("display_data", data={"text/markdown": "<!--"})]),
                                   new_markdown_cell('<span title="--><img src=x onerror=alert(/M1/)>">hi</span>')],
        "data_link_case": [new_code_cell("x", outputs=[new_output("display_data", data={
            "text/html": '<a href="DATA:text/html,x#M1">x</a><a href=" data:text/html,x#M1">y</a>'
                         '<a href="d&#9;ata:text/html,x#M1">z</a>'})])],
    }
    for name, cells in cases.items():
        nb = new_notebook(cells=cells)
        assert _live(_export(nb), "M1"), f"{name}: the attack does not work on an uncleaned notebook"
        sanitize_notebook(nb)
        assert not _live(_export(nb), "M1"), name


def test_an_attachment_left_empty_is_dropped_and_the_notebook_still_exports():
    md = new_markdown_cell("![a](attachment:a.svg)")
    md.attachments = {"a.svg": {"image/svg+xml": "<svg onload='alert(1)'/>"}}
    nb = new_notebook(cells=[md])
    sanitize_notebook(nb)
    assert not nb.cells[0].get("attachments")
    assert "onload" not in _export(nb)


def test_the_course_markdown_passes_unchanged():
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    for path in sorted((root / "solutions").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                assert clean_markdown(cell.source, cell.get("attachments")) == cell.source, (path.name, cell.source[:80])
