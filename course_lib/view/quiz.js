// A concept check's browser side (anywidget). The question's data (spec) comes from
// course_lib.check.concepts: every choice's explanation, or the accepted band of a numeric
// answer and the typical wrong ones. The feedback is picked from that data right away, so it
// needs no kernel; the answer is also sent to the kernel (trait "picked"), which runs the
// registered check and says in "recorded" ({n, text}) that the progress table counted answer n.

const LETTERS = "ABCDEFGH";

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function judge(spec, answer) {  // {correct, why, reveal?}: the same decision as Question.judge
  if (spec.kind === "choice") {
    const choice = spec.choices[answer];
    return { correct: choice.correct, why: choice.why };
  }
  if (!new RegExp(spec.number).test(answer)) {
    return { invalid: true, why: "Type a number such as 1.92 or 5.9e-6." };
  }
  const value = Number(answer.trim().replace(/\u2212/g, "-"));
  const inside = (band) => band.low <= value && value <= band.high;
  if (inside(spec.answer)) return { correct: true, why: spec.answer.why };
  const mistake = spec.mistakes.find(inside);
  return { correct: false, why: mistake ? mistake.why : spec.hint, reveal: spec.answer };
}

function render({ model, el }) {
  const spec = model.get("spec");
  const root = element("div", "course-quiz");
  root.append(element("div", "course-quiz-title", `Concept check ${model.get("number")}: ${spec.title}`));
  root.append(element("div", "course-quiz-prompt", spec.prompt));
  const feedback = element("div", "course-quiz-feedback");
  feedback.setAttribute("role", "status");
  feedback.setAttribute("aria-live", "polite");
  const recorded = element("div", "course-quiz-recorded", (model.get("recorded") || {}).text || "");
  const buttons = [];
  let input = null;

  function show(answer) {
    const verdict = judge(spec, answer);
    buttons.forEach((b, i) => {
      b.classList.toggle("course-quiz-picked", i === answer);
      b.setAttribute("aria-pressed", String(i === answer));
    });
    feedback.replaceChildren();
    feedback.className = "course-quiz-feedback " + (verdict.invalid ? "course-quiz-invalid"
      : verdict.correct ? "course-quiz-right" : "course-quiz-wrong");
    const head = verdict.invalid ? "" : verdict.correct ? "✓ Right. " : "✗ Not quite. ";
    feedback.append(element("b", "", head), document.createTextNode(verdict.why));
    if (verdict.reveal) {
      const details = element("details", "course-quiz-reveal");
      details.append(element("summary", "", "show the answer"),
                     element("div", "", `${verdict.reveal.value}: ${verdict.reveal.why}`));
      feedback.append(details);
    }
    return verdict;
  }

  function pick(answer) {
    if (show(answer).invalid) return;
    recorded.textContent = "";
    model.set("picked", { answer, n: (model.get("picked").n || 0) + 1 });
    model.save_changes();
  }

  if (spec.kind === "choice") {
    const list = element("div", "course-quiz-choices");
    list.setAttribute("role", "group");
    spec.choices.forEach((choice, i) => {
      const button = element("button", "course-quiz-choice");
      button.type = "button";
      button.append(element("span", "course-quiz-letter", LETTERS[i]), document.createTextNode(choice.text));
      button.addEventListener("click", () => pick(i));
      buttons.push(button);
      list.append(button);
    });
    root.append(list);
  } else {
    const row = element("div", "course-quiz-number");
    input = element("input", "course-quiz-input");
    input.type = "text";
    input.inputMode = "decimal";
    input.setAttribute("aria-label", "your answer (a number)");
    input.placeholder = "a number";
    const check = element("button", "course-quiz-check", "check");
    check.type = "button";
    check.addEventListener("click", () => pick(input.value));
    input.addEventListener("keydown", (event) => { if (event.key === "Enter") pick(input.value); });
    row.append(input, check);
    root.append(row);
  }
  root.append(feedback, recorded);
  el.append(root);

  const before = model.get("picked");  // a saved or earlier answer: show it again, send nothing
  if (before && before.answer !== undefined) {
    if (input) input.value = before.answer;
    show(before.answer);
  }
  const onRecorded = () => {  // the kernel's word on the latest answer only
    const note = model.get("recorded") || {};
    if (note.n === (model.get("picked") || {}).n) recorded.textContent = note.text || "";
  };
  model.on("change:recorded", onRecorded);
  return () => model.off("change:recorded", onRecorded);
}

export default { render };
