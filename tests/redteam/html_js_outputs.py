"""Script in outputs that the instructor's formgrader and the learner's feedback render: text/html
with <script>, <img onerror=...>, an <svg onload>, an <iframe srcdoc>, application/javascript,
markdown with a javascript: link, and an exception whose message is HTML.

Got out: the feedback HTML holds one of these as live markup (not escaped), or the autograded
notebook keeps an executable output type (application/javascript, text/html with script).
"""
from IPython.display import HTML, Javascript, Markdown, display

m = _MARK
display(HTML(f"<script>document.title='{m}-script'</script>"))
display(HTML(f"<img src=x onerror=\"document.title='{m}-onerror'\">"))
display(HTML(f"<svg onload=\"document.title='{m}-svg'\"></svg>"))
display(HTML(f"<iframe srcdoc=\"<script>parent.document.title='{m}-iframe'</script>\"></iframe>"))
display(Javascript(f"document.title='{m}-js'"))
display(Markdown(f"[click](javascript:document.title='{m}-md')"))
raise ValueError(f"<img src=x onerror=\"document.title='{m}-error'\">")
