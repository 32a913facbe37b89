/* Quiz engine (plugins/quiz, see its README): enhances every <form data-quiz>, once.
 * CSP-safe, no request: learner input is only read from .value, text set by .textContent.
 * Uses the shared base (AFP, plugins/common/assets/base.js), loaded before it. */
(() => {
  "use strict";
  const AFP = window.AFP;
  if (!AFP || AFP.quiz) return;

  const STORE = AFP.store;
  const NAME = "quiz:"; /* progress of quiz <id> is stored as "quiz:<id>" */
  const FP = /^[0-9a-f]{16}$/;
  const QUIZ_ID = /^[A-Za-z0-9][\w-]*$/;
  const MAX_TEXT = 5000;

  function isObject(x) {
    return x !== null && typeof x === "object" && !Array.isArray(x);
  }
  function isInt(x, lo, hi) {
    return typeof x === "number" && x % 1 === 0 && x >= lo && x <= hi;
  }

  /* A stored record with only its well-formed parts kept: {best, pass, title, fps, q}. */
  function cleanRecord(x) {
    if (!isObject(x) || x.v !== 1) return null;
    const rec = {
      v: 1,
      title: typeof x.title === "string" ? x.title.slice(0, 300) : "",
      pass: typeof x.pass === "number" && x.pass >= 0 && x.pass <= 1 ? x.pass : 0.7,
      best: isInt(x.best, 0, 1000) ? x.best : 0,
      fps: Array.isArray(x.fps)
        ? x.fps.filter((f) => typeof f === "string" && FP.test(f)).slice(0, 1000)
        : [],
      q: {},
    };
    if (isObject(x.q)) {
      Object.keys(x.q).forEach((fp) => {
        const e = x.q[fp];
        if (FP.test(fp) && isObject(e) && /^(correct|incorrect|pending)$/.test(e.r)) {
          rec.q[fp] = {
            a: e.a,
            r: e.r,
            t: isInt(e.t, 0, 1000) ? e.t : e.r === "incorrect" ? 1 : 0,
            s: e.s === true,
          };
          if (typeof e.k === "boolean") rec.q[fp].k = e.k;
        }
      });
    }
    return rec;
  }

  /* ---- answers: read from the form, checked, written back ---- */

  function validAnswer(key, a) {
    const n = key.count;
    switch (key.type) {
      case "single":
        return isInt(a, 0, n - 1);
      case "multiple":
        return (
          Array.isArray(a) &&
          a.length > 0 &&
          a.length <= n &&
          a.every((j, i) => isInt(j, 0, n - 1) && a.indexOf(j) === i)
        );
      case "truefalse":
        return typeof a === "boolean";
      case "numeric":
      case "text":
        return typeof a === "string" && a.length > 0 && a.length <= 200;
      case "free":
        return (
          isObject(a) &&
          typeof a.text === "string" &&
          a.text.length <= MAX_TEXT &&
          /^(yes|no|)$/.test(a.self)
        );
      case "order":
        return Array.isArray(a) && a.length === n && a.every((p) => isInt(p, 0, n));
      case "match":
        return Array.isArray(a) && a.length === n && a.every((j) => isInt(j, -1, key.choices - 1));
    }
    return false;
  }

  function all(root, selector) {
    return Array.prototype.slice.call(root.querySelectorAll(selector));
  }

  function readAnswer(q) {
    const el = q.el;
    const key = q.key;
    const out = [];
    let i;
    let c;
    let s;
    switch (key.type) {
      case "single":
      case "truefalse":
        c = el.querySelector("[data-quiz-option]:checked");
        if (!c) return null;
        return key.type === "single" ? Number(c.value) : c.value === "true";
      case "multiple":
        all(el, "[data-quiz-option]:checked").forEach((c) => {
          out.push(Number(c.value));
        });
        return out.length ? out.sort((a, b) => a - b) : null;
      case "numeric":
      case "text":
        s = q.input.value.trim().slice(0, 200);
        return s || null;
      case "free":
        c = el.querySelector("[data-quiz-self-mark]:checked");
        return q.input.value.trim()
          ? { text: q.input.value.slice(0, MAX_TEXT), self: c ? c.value : "" }
          : null;
      case "order":
        for (i = 0; i < key.count; i++) {
          s = el.querySelector(`[data-quiz-item="${i}"]`);
          out.push(s?.value ? Number(s.value) : 0);
        }
        return out.some(Boolean) ? out : null;
      case "match":
        for (i = 0; i < key.count; i++) {
          s = el.querySelector(`[data-quiz-left="${i}"]`);
          out.push(s && s.value !== "" ? Number(s.value) : -1);
        }
        return out.some((j) => j >= 0) ? out : null;
    }
    return null;
  }

  function writeAnswer(q, a) {
    const el = q.el;
    let chosen;
    switch (q.key.type) {
      case "single":
      case "multiple":
      case "truefalse":
        chosen = [].concat(a).map(String);
        all(el, "[data-quiz-option]").forEach((c) => {
          c.checked = chosen.indexOf(c.value) >= 0;
        });
        break;
      case "numeric":
      case "text":
        q.input.value = a;
        break;
      case "free":
        q.input.value = a.text;
        all(el, "[data-quiz-self-mark]").forEach((c) => {
          c.checked = c.value === a.self;
        });
        break;
      case "order":
        a.forEach((p, i) => {
          const s = el.querySelector(`[data-quiz-item="${i}"]`);
          if (s) s.value = p ? String(p) : "";
        });
        break;
      case "match":
        a.forEach((j, i) => {
          const s = el.querySelector(`[data-quiz-left="${i}"]`);
          if (s) s.value = j >= 0 ? String(j) : "";
        });
        break;
    }
  }

  function fill(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, (m, name) =>
      Object.hasOwn(values, name) ? String(values[name]) : m,
    );
  }
  function normalize(text) {
    return (text.normalize ? text.normalize("NFKC") : text)
      .trim()
      .replace(/\s+/g, " ")
      .toLowerCase();
  }
  /* A typed number: {x, shown, typed} or {neutral: message}. The rules: README.md. */
  function parseNumber(text, unit, S) {
    let s = text.trim().replace(/\u2212/g, "-");
    if (unit && s.toLowerCase().slice(-unit.length) === unit.toLowerCase())
      s = s.slice(0, -unit.length).trim();
    const typed = s;
    if (/^[+-]?\d{1,3}([ \u00a0\u202f\u2009]\d{3})+([.,]\d+)?$/.test(s))
      s = s.replace(/[ \u00a0\u202f\u2009]/g, "");
    const m = /^([+-]?)([1-9]\d{0,2}),(\d{3})$/.exec(s); /* "1,234": a decimal or not? */
    if (/^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/.test(s) && !/^[+-]?\d{1,3},\d{3}$/.test(s)) {
      s = s.replace(/,/g, "");
    } else if (m) {
      return {
        neutral: fill(S.ambiguous, {
          text: text.trim(),
          a: String(Number(`${m[1] + m[2]}.${m[3]}`)),
          b: m[1] + m[2] + m[3],
        }),
      };
    } else if (/^[+-]?\d*,\d+$/.test(s)) {
      s = s.replace(",", ".");
    }
    if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return { neutral: S.not_a_number };
    const x = Number(s);
    return Number.isFinite(x)
      ? { x: x, typed: typed, shown: x.toLocaleString("en-US", { maximumSignificantDigits: 15 }) }
      : { neutral: S.not_a_number };
  }
  function matches(pattern, text) {
    if (!pattern) return false;
    try {
      return new RegExp(pattern, "i").test(text);
    } catch {
      return false;
    }
  }
  function count(list, test) {
    return list.filter(test).length;
  }

  function listOf(numbers, S) {
    return numbers.length < 2
      ? String(numbers[0] || "")
      : numbers.slice(0, -1).join(", ") + S.list_and + numbers[numbers.length - 1];
  }
  /* Which rows of an order or match question are right: [true, false, ...] in row order. */
  function rowMarks(q, a) {
    const key = q.key;
    if (key.type === "match") return a.map((j, i) => j === i);
    return a.map((p, i) => {
      const r = key.ranges[i] || [i + 1, i + 1];
      return p >= r[0] && p <= r[1] && a.indexOf(p) === a.lastIndexOf(p);
    });
  }

  /* The verdict on answer a: {result, text, chosen (feedback entries to show), marks} or,
     for something that is no answer yet, {neutral: message}. */
  function grade(q, a, S) {
    const key = q.key;
    let ok;
    let right;
    let n;
    let marks;
    let wrong;
    let g;
    if (a === null) return { neutral: S.unanswered };
    switch (key.type) {
      case "single":
      case "truefalse":
        ok = key.type === "single" ? a === key.correct[0] : a === key.correct;
        return verdict(ok, ok ? S.correct : S.incorrect, [String(a)]);
      case "multiple":
        right = count(a, (j) => key.correct.indexOf(j) >= 0);
        ok = right === key.correct.length && right === a.length;
        return verdict(
          ok,
          ok
            ? S.correct
            : right
              ? fill(S.partial, {
                  right: right,
                  total: key.correct.length,
                  wrong: a.length - right,
                })
              : S.incorrect,
          a.map(String),
        );
      case "numeric":
        n = parseNumber(a, key.unit, S);
        if (n.neutral) return n;
        ok = Math.abs(n.x - key.answer) <= key.tolerance + 1e-9 * Math.max(1, Math.abs(key.answer));
        g = verdict(ok, ok ? S.correct : n.x > key.answer ? S.too_high : S.too_low, []);
        if (n.shown.replace(/,/g, "") !== n.typed.replace(/,/g, ""))
          g.text = g.text.replace(/\.$/, ` ${fill(S.read_as, { value: n.shown })}.`);
        return g;
      case "text":
        ok =
          key.accept.some((t) => normalize(t) === normalize(a)) ||
          matches(key.pattern, a.trim()) ||
          matches(key.pattern, normalize(a));
        return verdict(ok, ok ? S.correct : S.incorrect, []);
      case "free":
        if (!a.self) return { result: "pending", text: S.self_pending, chosen: [] };
        ok = a.self === "yes";
        return verdict(ok, ok ? S.self_correct : S.self_incorrect, []);
      case "order":
      case "match":
        marks = rowMarks(q, a);
        right = count(marks, Boolean);
        ok = right === key.count;
        wrong = []; /* rows as the learner sees them, numbered from 1 */
        q.rows.forEach((row, i) => {
          if (!marks[rowIndex(q, row)]) wrong.push(i + 1);
        });
        n =
          key.type === "order"
            ? [S.row_one, S.rows_many, S.order_partial]
            : [S.pair_one, S.pairs_many, S.match_partial];
        g = verdict(
          ok,
          ok
            ? S.correct
            : fill(n[2], {
                right: right,
                total: key.count,
                rows: fill(n[wrong.length > 1 ? 1 : 0], { list: listOf(wrong, S) }),
              }),
          [],
        );
        g.marks = marks;
        return g;
    }
    return verdict(false, S.incorrect, []);
  }
  function verdict(ok, text, chosen) {
    return { result: ok ? "correct" : "incorrect", text: text, chosen: chosen };
  }

  /* ---- applying results to the page ---- */

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  /* The state after checking answer a with verdict g: tries counted until the question is
     settled (k, whether it scores, is fixed at its first right answer); the answer is
     shown after key.reveal wrong tries. */
  function advance(q, a, g) {
    const st = q.state || { t: 0, s: false };
    const next = { a: a, r: g.result, t: st.t, s: st.s };
    if ("k" in st) next.k = st.k;
    if (q.key.type === "free") {
      if (g.result === "correct") next.k = true;
      return next;
    }
    if (!("k" in next) && g.result === "correct")
      next.k = !next.s && (!q.key.first || next.t === 0);
    if (!("k" in next) && g.result === "incorrect" && !next.s) {
      next.t += 1;
      if (next.t >= (q.key.reveal || 3)) {
        next.s = true;
        g.revealed = true;
      }
    }
    return next;
  }

  function show(q, g, S) {
    const st = q.state || {};
    let text = g.text;
    const open = g.result === "correct" || st.s || q.key.type === "free";
    if (q.key.type !== "free") {
      if (g.result === "correct" && st.k === false)
        text += ` ${st.s ? S.late_shown : S.late_first}`;
      else if (g.revealed) text += ` ${S.revealed}`;
      else if (g.result === "incorrect" && !st.s && !("k" in st)) {
        const left = (q.key.reveal || 3) - st.t;
        text += ` ${left === 1 ? S.try_left : fill(S.tries_left, { left: left })}`;
      } else if (g.result === "incorrect" && st.s) text += ` ${S.shown}`;
    }
    q.status.textContent = text;
    q.status.setAttribute("data-quiz-state", g.result);
    q.el.setAttribute("data-quiz-state", g.result);
    clear(q.feedback);
    (g.chosen || []).forEach((value) => {
      const entry = q.reveal.querySelector(`[data-quiz-fb="${value}"]`);
      if (entry) q.feedback.appendChild(entry.cloneNode(true));
    });
    q.feedback.hidden = !q.feedback.firstChild;
    markRows(q, g.marks);
    if (q.explanation) q.explanation.hidden = !open;
    if (q.self) {
      q.self.hidden = false;
      q.reveal.open = true; /* the model answer to compare with */
    } else if (st.s && g.revealed) q.reveal.open = true;
  }

  function showNeutral(q, text) {
    q.status.textContent = text;
    q.status.setAttribute("data-quiz-state", "pending");
  }

  function rowIndex(q, row) {
    return Number(
      row
        .querySelector("select")
        .getAttribute(q.key.type === "order" ? "data-quiz-item" : "data-quiz-left"),
    );
  }
  function markRows(q, marks) {
    q.rows.forEach((row) => {
      const select = row.querySelector("select");
      const right = marks?.[rowIndex(q, row)];
      if (marks) row.setAttribute("data-quiz-mark", right ? "right" : "wrong");
      else row.removeAttribute("data-quiz-mark");
      if (marks && !right) select.setAttribute("aria-invalid", "true");
      else select.removeAttribute("aria-invalid");
    });
  }

  function unshow(q) {
    q.state = null;
    q.status.textContent = "";
    q.status.removeAttribute("data-quiz-state");
    q.el.removeAttribute("data-quiz-state");
    clear(q.feedback);
    q.feedback.hidden = true;
    markRows(q, null);
    if (q.explanation) q.explanation.hidden = true;
    if (q.self) q.self.hidden = true;
    q.reveal.open = false;
  }

  /* The answer shown on request ("Show answer") before the question was settled: it no
     longer scores. Returns whether anything changed. */
  function reveal(q, S, tries) {
    if (q.key.type === "free" || (q.state && (q.state.s || "k" in q.state))) return false;
    const st = q.state || { a: null, r: "incorrect", t: tries || 0 };
    q.state = { a: st.a, r: "incorrect", t: st.t, s: true };
    if (q.explanation) q.explanation.hidden = false;
    q.status.textContent = S.shown;
    q.status.setAttribute("data-quiz-state", "incorrect");
    q.el.setAttribute("data-quiz-state", "incorrect");
    return true;
  }

  function counts(e) {
    return e && e.r === "correct" && e.k !== false;
  }

  function score(quiz) {
    const S = quiz.S;
    const total = quiz.questions.length;
    let right = 0;
    let done = 0;
    quiz.questions.forEach((q) => {
      if (q.state && q.state.r !== "pending") done++;
      if (counts(q.state)) right++;
    });
    quiz.score.textContent = fill(S.score, { score: right, total: total });
    const passed = right / total >= quiz.pass - 1e-9;
    quiz.verdict.textContent =
      done === total
        ? fill(passed ? S.passed : S.not_passed, { pass_mark: `${Math.round(quiz.pass * 100)}%` })
        : "";
    if (done === total)
      quiz.verdict.setAttribute("data-quiz-state", passed ? "correct" : "incorrect");
    else quiz.verdict.removeAttribute("data-quiz-state");
    return right;
  }

  function save(quiz, right) {
    quiz.best = Math.max(quiz.best, right);
    const rec = { v: 1, title: quiz.data.title, pass: quiz.pass, best: quiz.best, fps: [], q: {} };
    quiz.questions.forEach((q) => {
      rec.fps.push(q.key.fingerprint);
      if (q.state) rec.q[q.key.fingerprint] = q.state;
    });
    STORE.set(NAME + quiz.id, rec);
  }

  function restore(quiz) {
    const rec = cleanRecord(STORE.get(NAME + quiz.id));
    if (!rec) return;
    quiz.best = Math.min(rec.best, quiz.questions.length);
    quiz.questions.forEach((q) => {
      const e = Object.hasOwn(rec.q, q.key.fingerprint) ? rec.q[q.key.fingerprint] : null;
      if (e && e.a === null && e.s) {
        reveal(q, quiz.S, e.t);
        return;
      }
      if (!e || !validAnswer(q.key, e.a)) return; /* stale (question edited) or corrupt */
      writeAnswer(q, e.a);
      const g = grade(q, e.a, quiz.S); /* recomputed: a stored verdict is never trusted */
      if (g.neutral) return;
      q.state = { a: e.a, r: g.result, t: e.t, s: e.s };
      if ("k" in e) q.state.k = e.k;
      else if (g.result === "correct") q.state.k = true; /* a record from before tries */
      show(q, g, quiz.S);
    });
  }

  function check(quiz, q) {
    const a = readAnswer(q);
    const g = grade(q, a, quiz.S);
    if (g.neutral) {
      showNeutral(q, g.neutral);
      return false;
    }
    q.state = advance(q, a, g);
    show(q, g, quiz.S);
    return true;
  }

  function finish(quiz, checked) {
    save(quiz, score(quiz));
    checked.forEach((q) => {
      const detail = {
        quiz: quiz.id,
        question: q.index,
        result: q.state ? q.state.r : "unanswered",
      };
      let event;
      try {
        event = new CustomEvent("attention-quiz:check", { bubbles: true, detail: detail });
      } catch {
        return;
      }
      quiz.form.dispatchEvent(event);
    });
  }

  /* ---- a fresh order for every attempt ---- */

  function shuffled(list) {
    const out = list.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }
  /* Children of parent in a new random order; those with data-quiz-pin keep their place. */
  function reorder(parent, children) {
    const free = shuffled(children.filter((c) => !c.hasAttribute("data-quiz-pin")));
    children
      .map((c) => (c.hasAttribute("data-quiz-pin") ? c : free.shift()))
      .forEach((c) => {
        parent.appendChild(c);
      });
  }
  function shuffleQuestion(q) {
    const el = q.el;
    let box;
    let tries = 0;
    if (q.key.type === "single" || q.key.type === "multiple") {
      box = el.querySelector("[data-quiz-options]");
      if (box) reorder(box, all(box, ".quiz__option"));
    } else if (q.key.type === "order") {
      box = el.querySelector("[data-quiz-rows]");
      do {
        reorder(box, all(box, "[data-quiz-row]"));
      } while (inOrder(q, box) && ++tries < 20);
    } else if (q.key.type === "match") {
      const first = el.querySelector("[data-quiz-left]");
      let values;
      do {
        /* never dealt in the order of the left items */
        values = shuffled(
          all(first, "option")
            .map((o) => o.value)
            .filter(Boolean),
        );
      } while (values.slice(0, q.key.count).every((v, i) => v === String(i)) && ++tries < 20);
      all(el, "[data-quiz-left]").forEach((select) => {
        values.forEach((v) => {
          select.appendChild(select.querySelector(`option[value="${v}"]`));
        });
      });
    }
    q.rows = all(el, "[data-quiz-row]");
  }
  /* Whether the rows of an order question are shown in a right order already. */
  function inOrder(q, box) {
    return all(box, "[data-quiz-item]").every((s, row) => {
      const r = q.key.ranges[Number(s.getAttribute("data-quiz-item"))];
      return row + 1 >= r[0] && row + 1 <= r[1];
    });
  }

  function reset(quiz) {
    quiz.form.reset();
    quiz.questions.forEach((q) => {
      unshow(q);
      shuffleQuestion(q);
    });
    save(quiz, score(quiz));
  }

  /* Where the learner keeps typing after Check: the input, the chosen (or first) option,
     or the first select marked wrong. */
  function focusAfter(q) {
    const target =
      q.input ||
      q.el.querySelector("[data-quiz-option]:checked") ||
      q.el.querySelector('[data-quiz-mark="wrong"] select') ||
      q.el.querySelector("[data-quiz-option], select");
    if (!target) return;
    target.focus();
    if (target.select && target.tagName === "INPUT") target.select();
  }

  /* ---- wiring one form ---- */

  function setup(form) {
    if (!AFP.claim(form, "data-quiz-ready")) return;
    let data;
    const source = form.querySelector("template[data-quiz-data]");
    try {
      data = JSON.parse(source.content.textContent);
    } catch {
      return;
    }
    if (!isObject(data) || !Array.isArray(data.questions)) return;
    const quiz = {
      form: form,
      data: data,
      id: String(data.id),
      S: data.strings || {},
      best: 0,
      questions: [],
      pass: typeof data.passMark === "number" ? data.passMark : 0.7,
      score: form.querySelector("[data-quiz-score]"),
      verdict: form.querySelector("[data-quiz-verdict]"),
    };
    all(form, "[data-quiz-q]").forEach((el) => {
      const index = Number(el.getAttribute("data-quiz-q"));
      const key = data.questions[index];
      if (!isObject(key)) return;
      const q = {
        el: el,
        key: key,
        index: index,
        state: null,
        rows: [],
        status: el.querySelector("[data-quiz-status]"),
        feedback: el.querySelector("[data-quiz-feedback]"),
        reveal: el.querySelector("[data-quiz-reveal]"),
        input: el.querySelector("[data-quiz-input]"),
        self: el.querySelector("[data-quiz-self]"),
        explanation: el.querySelector("[data-quiz-explanation]"),
      };
      if (q.explanation) {
        /* shown after a right answer or once the answer is shown */
        q.explanation.hidden = true;
        el.querySelector("[data-quiz-result]").appendChild(q.explanation);
      }
      if (q.self) el.appendChild(q.self); /* "how did it go?" after the model answer */
      shuffleQuestion(q);
      quiz.questions.push(q);
    });
    if (!quiz.questions.length || !quiz.score) return;

    function questionOf(node) {
      const el = node.closest("[data-quiz-q]");
      return quiz.questions.filter((q) => q.el === el)[0] || null;
    }
    function checkOne(q) {
      check(quiz, q);
      finish(quiz, [q]);
      focusAfter(q);
    }
    function checkAll() {
      quiz.questions.forEach((q) => {
        check(quiz, q);
      });
      finish(quiz, quiz.questions);
    }
    form.addEventListener("click", (event) => {
      const button = event.target.closest?.("button");
      if (!button || !form.contains(button)) return;
      const q = questionOf(button);
      if (button.hasAttribute("data-quiz-check") && q) checkOne(q);
      else if (button.hasAttribute("data-quiz-check-all")) checkAll();
      else if (button.hasAttribute("data-quiz-reset")) reset(quiz);
    });
    form.addEventListener("change", (event) => {
      if (!event.target.hasAttribute("data-quiz-self-mark")) return;
      const q = questionOf(event.target);
      if (q?.status.hasAttribute("data-quiz-state")) {
        check(quiz, q);
        finish(quiz, [q]);
      }
    });
    /* "Show answer" opened by the learner: the question no longer scores */
    form.addEventListener(
      "toggle",
      (event) => {
        const q = event.target.hasAttribute("data-quiz-reveal") && questionOf(event.target);
        if (q && event.target.open && reveal(q, quiz.S)) save(quiz, score(quiz));
      },
      true,
    );
    form.addEventListener("keydown", (event) => {
      /* keys typed in a quiz are the learner's answer, never the theme's page shortcuts */
      if (
        !event.ctrlKey &&
        !event.metaKey &&
        !event.altKey &&
        event.key !== "Escape" &&
        event.key !== "Tab"
      ) {
        event.stopPropagation();
      }
      if (event.key !== "Enter" || !event.target.matches("input[data-quiz-input]")) return;
      event.preventDefault(); /* Enter in a typed answer checks it, never submits the page */
      const q = questionOf(event.target);
      if (form.getAttribute("data-quiz-mode") === "end") checkAll();
      else if (q) checkOne(q);
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
    });

    all(form, "[data-quiz-actions], [data-quiz-footer]").forEach((node) => {
      node.hidden = false;
    });
    restore(quiz);
    score(quiz);
  }

  /* ---- public API ---- */

  function init() {
    all(document, "form[data-quiz]:not([data-quiz-ready])").forEach((form) => {
      try {
        setup(form);
      } catch {
        /* one broken quiz never stops the others */
      }
    });
  }

  function progress() {
    const out = {};
    STORE.names(NAME).forEach((name) => {
      const id = name.slice(NAME.length);
      const rec = QUIZ_ID.test(id) && cleanRecord(STORE.get(name));
      if (!rec?.fps.length) return;
      const total = rec.fps.length;
      let answered = 0;
      let right = 0;
      rec.fps.forEach((fp) => {
        const e = Object.hasOwn(rec.q, fp) ? rec.q[fp] : null;
        if (e && e.r !== "pending") answered++;
        if (counts(e)) right++;
      });
      const best = Math.min(Math.max(rec.best, right), total);
      out[id] = {
        title: rec.title,
        answered: answered,
        correct: right,
        total: total,
        best: best,
        passed: best / total >= rec.pass - 1e-9,
        completed: answered === total,
      };
    });
    return out;
  }

  function clearProgress(id) {
    if (id !== undefined) STORE.remove(NAME + id);
    else STORE.clear(NAME);
  }

  AFP.quiz = { version: 1, progress: progress, clear: clearProgress, init: init };
  AFP.onPage(init);
})();
