/*
 * Course frame in the browser: progress on the home page, "continue where you left off",
 * the record of opened lessons (which the "read these first" note of a lesson reads,
 * overrides/partials/prereq-note.html), and the Listen button (speech synthesis).
 *
 * Loaded once as a static file; runs on every page load through Material's `document$`
 * (instant navigation), idempotently. Uses the shared base (AFP, loaded first): what it
 * stores is under AFP.store's one prefix ("afp:visited", "afp:last"); unavailable, full or
 * corrupted storage is ignored (the page still works). Text from storage is only ever
 * inserted with textContent.
 */
(() => {
  "use strict";
  const AFP = window.AFP;
  if (!AFP || AFP.course) return;

  const STORE = AFP.store;
  const VISITED = "visited";
  const LAST = "last";

  /* A stored record, or fallback: an array (or any non-record) is corrupt, and writing
     visits into it would be lost. */
  function readRecord(name, fallback) {
    const value = STORE.get(name);
    return value && typeof value === "object" && !Array.isArray(value) ? value : fallback;
  }
  function isSlug(value) {
    return typeof value === "string" && /^\d{2}-[a-z0-9-]+$/.test(value);
  }

  /* ---- renamed lessons: progress follows the lesson ---------------------------------- */
  /* <meta name="afp-moved" content="old=new ..."> (mkdocs.yml, course: renamed_lessons).
     Visits, "continue" and quiz answers stored under an old slug move to the new one,
     unless the new slug has its own; the old entries are removed. Runs before the quiz
     script restores answers (it waits for the page to start). */
  function moveRenamed() {
    const meta = document.querySelector('meta[name="afp-moved"]');
    for (const pair of (meta?.content || "").split(" ")) {
      const [from, to] = pair.split("=");
      if (!isSlug(from) || !isSlug(to)) continue;
      const visited = readRecord(VISITED, null);
      if (visited && Object.hasOwn(visited, from)) {
        if (!Object.hasOwn(visited, to)) visited[to] = visited[from];
        delete visited[from];
        STORE.set(VISITED, visited);
      }
      const last = readRecord(LAST, null);
      if (last && last.slug === from) {
        const path = String(last.path || "").replace(`/${from}/`, `/${to}/`);
        STORE.set(LAST, { ...last, slug: to, path: path });
      }
      const answers = STORE.get(`quiz:${from}`);
      if (answers !== null) {
        if (STORE.get(`quiz:${to}`) === null) STORE.set(`quiz:${to}`, answers);
        STORE.remove(`quiz:${from}`);
      }
    }
  }
  moveRenamed();

  /* ---- lesson pages: remember the visit ------------------------------------------------ */
  function recordVisit(frame) {
    const slug = frame.getAttribute("data-lesson");
    if (!isSlug(slug)) return;
    const visited = readRecord(VISITED, {});
    visited[slug] = Date.now();
    STORE.set(VISITED, visited);
    let title = document.querySelector("article h1");
    if (title) {
      title = title.cloneNode(true);
      title.querySelectorAll(".headerlink").forEach((n) => {
        n.remove();
      });
    }
    STORE.set(LAST, {
      slug: slug,
      title: title ? title.textContent.replace(/\s+/g, " ").trim() : slug,
      path: window.location.pathname,
    });
  }

  /* ---- home page: progress marks, continue, reset ------------------------------------ */
  /* The quiz script's summary of stored progress, read when shown (every script has run by
     then; a page without the quiz script shows visits only). */
  function quizProgress() {
    const api = AFP.quiz;
    if (!api || typeof api.progress !== "function") return {};
    try {
      return api.progress() || {};
    } catch {
      return {};
    }
  }

  function progressText(entry, visited) {
    if (entry?.total) {
      if (entry.passed) return `\u2713 quiz passed (${entry.best} / ${entry.total})`;
      if (entry.answered) return `\u25D0 quiz started (${entry.correct} / ${entry.total})`;
    }
    return visited ? "\u25CB opened" : "";
  }

  function showProgress(root) {
    const progress = quizProgress();
    const visited = readRecord(VISITED, {});
    let done = 0;
    root.querySelectorAll("[data-progress-for]").forEach((mark) => {
      const slug = mark.getAttribute("data-progress-for");
      const entry = progress[slug];
      const text = progressText(entry, visited[slug]);
      mark.textContent = text;
      mark.setAttribute("data-state", entry?.passed ? "passed" : text ? "started" : "none");
      if (entry?.passed) done += 1;
    });
    return done;
  }

  function showContinue(root) {
    const slot = root.querySelector("[data-course-continue]");
    if (!slot) return;
    const last = readRecord(LAST, null);
    slot.textContent = "";
    /* Only the stored slug is trusted, and only if it names a lesson of this syllabus: the
       title and address come from the syllabus link (so a stale, renamed or corrupted
       record never shows stored text or points anywhere else). */
    const lesson =
      last && isSlug(last.slug)
        ? root.querySelector(`.syllabus a[data-lesson="${last.slug}"]`)
        : null;
    /* "Start with lesson 1" is the page's main button until there is somewhere to go
       back to; then "Continue" is, and Start stays as a plain button. */
    const start = root.querySelector("[data-course-start]");
    start?.classList.toggle("md-button--primary", !lesson);
    if (!lesson) {
      slot.hidden = true;
      return;
    }
    slot.appendChild(
      AFP.el(
        "a",
        {
          class: "md-button md-button--primary",
          href: lesson.getAttribute("href"),
        },
        `Continue where you left off: ${lesson.textContent.replace(/\s+/g, " ").trim()}`,
      ),
    );
    slot.hidden = false;
  }

  function setupReset(root, refresh) {
    const slot = root.querySelector("[data-course-reset]");
    if (!slot) return;
    slot.textContent = "";
    const button = AFP.el("button", { type: "button", class: "md-button" }, "Reset all progress");
    const status = AFP.el("span", { role: "status", class: "course-reset__status" });
    button.addEventListener("click", () => {
      if (!window.confirm("Forget every quiz answer and visited lesson in this browser?")) return;
      STORE.clear(); /* every entry under the one prefix: visits and every quiz */
      refresh();
      status.textContent = "Progress reset.";
    });
    slot.appendChild(button);
    slot.appendChild(status);
    slot.hidden = false;
  }

  /* ---- Listen: read the lesson aloud with the browser's own voices -------------------- */
  /* Code blocks are skipped; inline code inside a sentence is read, or the sentence
     would lose its words ("subtract the largest score before calling np.exp"). */
  const SKIP =
    "pre, div.highlight, svg, math, figure, form, .lesson-frame, .headerlink, " +
    "details:not([open]), .md-source-file, script, style, [data-quiz], .admonition-title, " +
    ".math-text";

  /* A formula is read from its TeX (alttext) in words, never as backslashes and braces. */
  const TEX_WORDS = {
    sqrt: " square root of ",
    approx: " approximately ",
    times: " times ",
    cdot: " times ",
    sum: " sum of ",
    le: " at most ",
    leq: " at most ",
    ge: " at least ",
    geq: " at least ",
    to: " to ",
    infty: " infinity ",
    top: " transposed ",
    frac: " ",
    operatorname: " ",
    mathrm: " ",
    text: " ",
    left: " ",
    right: " ",
  };
  function speakableTeX(tex) {
    return String(tex)
      .replace(/\\([A-Za-z]+)/g, (_m, name) =>
        Object.hasOwn(TEX_WORDS, name) ? TEX_WORDS[name] : ` ${name} `,
      )
      .replace(/\^\s*(\{\s*T\s*\}|T\b)/g, " transposed ")
      .replace(/\^/g, " to the power ")
      .replace(/[\\{}_$]/g, " ");
  }

  const TEXT_BLOCKS = "h1, h2, h3, p, li, blockquote, dd, dt, td";
  function readableChunks(article) {
    const chunks = [];
    /* A display formula (div.math-block) is read in its place, from its spoken form. */
    article.querySelectorAll(`${TEXT_BLOCKS}, .math-block`).forEach((el) => {
      if (el.classList.contains("math-block")) {
        const math = el.querySelector("math");
        const alt = math && (math.getAttribute("alttext") || math.getAttribute("aria-label"));
        if (alt && !el.parentElement.closest(`${SKIP}, ${TEXT_BLOCKS}`)) {
          const said = speakableTeX(alt).replace(/\s+/g, " ").trim();
          if (said) chunks.push(said);
        }
        return;
      }
      if (el.closest(SKIP)) return;
      if (el.querySelector("p, li")) return; /* read the innermost blocks only */
      const clone = el.cloneNode(true);
      clone.querySelectorAll(SKIP).forEach((n) => {
        let alt = n.getAttribute && (n.getAttribute("alttext") || n.getAttribute("aria-label"));
        if (alt && n.localName === "math") alt = speakableTeX(alt);
        n.replaceWith(document.createTextNode(alt ? ` ${alt} ` : " "));
      });
      const text = clone.textContent.replace(/\s+/g, " ").trim();
      if (text) chunks.push(text);
    });
    return chunks;
  }

  /* Where the page cannot be read aloud, a short note says so (instead of no button). */
  function listenNote(slot, text) {
    let note = slot.querySelector(".lesson-listen__none");
    if (!note) {
      note = AFP.el("span", { class: "lesson-listen__none", "data-listen-none": "" });
      slot.appendChild(note);
    }
    note.textContent = text;
  }
  const NO_SPEECH = "Listen: this browser cannot read pages aloud.";
  const NO_VOICES = "Listen: no voice is installed to read aloud.";
  const VOICE_WAIT_MS = 2000; /* voices load asynchronously: wait this long before saying none */

  function setupListen(frame) {
    const slot = frame.querySelector("[data-listen-slot]");
    if (!slot || slot.hasAttribute("data-ready")) return;
    const synth = window.speechSynthesis;
    if (!synth || typeof window.SpeechSynthesisUtterance !== "function") {
      listenNote(slot, NO_SPEECH);
      return;
    }
    function voiceCount() {
      try {
        return synth.getVoices().length;
      } catch {
        return 0;
      }
    }

    function build() {
      if (slot.hasAttribute("data-ready") || !voiceCount()) return;
      slot.setAttribute("data-ready", "");
      slot.querySelector(".lesson-listen__none")?.remove();
      const button = AFP.el(
        "button",
        {
          type: "button",
          class: "md-button lesson-listen",
          "aria-pressed": "false",
        },
        "Listen",
      );
      const stop = AFP.el("button", { type: "button", class: "md-button lesson-listen" }, "Stop");
      stop.hidden = true;
      const label = AFP.el("label", { class: "lesson-listen__speed" }, "Speed ");
      const speed = AFP.el("select");
      [0.75, 1, 1.25, 1.5, 2].forEach((rate) => {
        const option = AFP.el("option", { value: String(rate) }, `${rate}\u00D7`);
        if (rate === 1) option.selected = true;
        speed.appendChild(option);
      });
      label.appendChild(speed);
      let queue = [];
      let state = "idle";

      function setState(next) {
        state = next;
        button.textContent = next === "playing" ? "Pause" : next === "paused" ? "Resume" : "Listen";
        button.setAttribute("aria-pressed", next === "playing" ? "true" : "false");
        stop.hidden = next === "idle";
      }
      function speakNext() {
        if (!queue.length) {
          setState("idle");
          return;
        }
        const utterance = new window.SpeechSynthesisUtterance(queue.shift());
        utterance.rate = parseFloat(speed.value) || 1;
        utterance.onend = () => {
          if (state === "playing") speakNext();
        };
        utterance.onerror = () => {
          setState("idle");
        };
        synth.speak(utterance);
      }
      button.addEventListener("click", () => {
        if (state === "idle") {
          const article = document.querySelector("article.md-content__inner");
          queue = article ? readableChunks(article) : [];
          synth.cancel();
          setState("playing");
          speakNext();
        } else if (state === "playing") {
          synth.pause();
          setState("paused");
        } else {
          synth.resume();
          setState("playing");
        }
      });
      stop.addEventListener("click", () => {
        queue = [];
        setState("idle");
        synth.cancel();
      });
      slot.appendChild(button);
      slot.appendChild(stop);
      slot.appendChild(label);
    }
    build();
    if (!slot.hasAttribute("data-ready")) {
      setTimeout(() => {
        if (document.contains(slot) && !slot.hasAttribute("data-ready"))
          listenNote(slot, NO_VOICES);
      }, VOICE_WAIT_MS);
    }
    if (!slot.hasAttribute("data-ready") && synth.addEventListener) {
      /* Voices load asynchronously, sometimes over several events: keep listening until
         there is one (not just once), and stop once built or once this page is gone. */
      const onVoices = () => {
        if (document.contains(slot)) build();
        if (slot.hasAttribute("data-ready") || !document.contains(slot)) {
          synth.removeEventListener("voiceschanged", onVoices);
        }
      };
      synth.addEventListener("voiceschanged", onVoices);
    }
  }

  /* ---- glossary terms: the definition as a tooltip ------------------------------------
     The built page gives each first use of a term its definition as the title (what a
     browser without scripts shows). Here it becomes a tooltip of our own, shown on hover
     and on keyboard focus, announced through aria-describedby, kept while the pointer
     moves onto it and dismissed with Escape (WCAG 1.4.13). Material's content.tooltips
     would do this for every titled element of every page at start-up; this touches the
     few terms of a lesson and builds a tooltip only when one is first shown. */
  let openTerm = null; /* the term whose tooltip shows */
  let tipCount = 0;

  /* The term's tooltip element; built on its first showing (create), else null. */
  function tipOf(term, create) {
    let id = term.getAttribute("data-tip-id");
    let tip = id && document.getElementById(id);
    if (tip || !create) return tip;
    id = `glossary-tip-${++tipCount}`;
    tip = AFP.el(
      "div",
      { class: "glossary-tip", id: id, role: "tooltip" },
      term.getAttribute("data-definition"),
    );
    tip.hidden = true;
    tip.addEventListener("mouseenter", () => {
      clearTimeout(tip.hideTimer);
    });
    tip.addEventListener("mouseleave", () => {
      hideTip(term, 150);
    });
    document.body.appendChild(tip);
    term.setAttribute("data-tip-id", id);
    return tip;
  }

  function showTip(term) {
    if (openTerm && openTerm !== term) hideTip(openTerm, 0);
    const tip = tipOf(term, true);
    clearTimeout(tip.hideTimer);
    tip.hidden = false;
    term.setAttribute("aria-describedby", tip.id);
    /* below the term, kept inside the viewport; above it when there is no room below */
    const box = term.getBoundingClientRect();
    const width = tip.offsetWidth;
    const height = tip.offsetHeight;
    const view = document.documentElement.clientWidth;
    const gap = 6;
    const left = Math.max(8, Math.min(box.left, view - width - 8));
    let top = box.bottom + gap;
    if (top + height > window.innerHeight && box.top - gap - height > 0)
      top = box.top - gap - height;
    tip.style.left = `${left + window.scrollX}px`;
    tip.style.top = `${top + window.scrollY}px`;
    openTerm = term;
  }

  function hideTip(term, delay) {
    const tip = tipOf(term, false);
    if (!tip) return;
    clearTimeout(tip.hideTimer);
    const hide = () => {
      tip.hidden = true;
      term.removeAttribute("aria-describedby");
      if (openTerm === term) openTerm = null;
    };
    if (delay) tip.hideTimer = setTimeout(hide, delay);
    else hide();
  }

  function setupGlossary() {
    if (openTerm && !openTerm.isConnected) openTerm = null;
    document.querySelectorAll(".glossary-tip").forEach((tip) => {
      /* instant navigation keeps <body>: a tooltip whose term left with the last page goes */
      const term = document.querySelector(`abbr[data-tip-id='${tip.id}']`);
      if (!term) tip.remove();
    });
    document.querySelectorAll("abbr[data-glossary][title]").forEach((term) => {
      term.setAttribute("data-definition", term.getAttribute("title"));
      term.removeAttribute("title"); /* no second, native tooltip on top of ours */
      term.addEventListener("mouseenter", () => {
        showTip(term);
      });
      term.addEventListener("mouseleave", () => {
        hideTip(term, 150);
      });
      term.addEventListener("focus", () => {
        showTip(term);
      });
      term.addEventListener("blur", () => {
        hideTip(term, 0);
      });
    });
  }
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && openTerm) hideTip(openTerm, 0);
  });

  /* ---- theme fix: Material adds an unnamed <nav> (copy button) to every code block;
     several unnamed navs on one page are landmarks that cannot be told apart. -------- */
  /* Code blocks scroll sideways on narrow screens: make each one reachable by keyboard. */
  function focusableCode() {
    document.querySelectorAll(".md-typeset pre > code:not([tabindex])").forEach((code) => {
      code.setAttribute("tabindex", "0");
    });
  }

  /* Material adds the bar when a block is first scrolled into view (content.lazy), in
     any order: a bar is named by its block's place on the page, so names stay unique. */
  function nameCodeNavs() {
    const navs = document.querySelectorAll("nav.md-code__nav:not([aria-label])");
    if (!navs.length) return;
    const blocks = Array.prototype.slice.call(document.querySelectorAll("pre"));
    navs.forEach((nav) => {
      nav.setAttribute("aria-label", `Code block ${blocks.indexOf(nav.closest("pre")) + 1} tools`);
    });
  }
  if (typeof MutationObserver === "function") {
    new MutationObserver(() => {
      nameCodeNavs();
      focusableCode();
    }).observe(document.documentElement, { childList: true, subtree: true });
  }

  /* ---- theme fix: the page's colour scheme follows the palette toggle ----------------
     The palette script (overrides/partials/javascripts/palette.html) declares it before
     first paint in the page's only <meta name="color-scheme"> (the course plugin keeps
     the bundle's own out of the document). Written only when it changes: any write
     makes the browser restyle the whole page. */
  function followColorScheme() {
    const meta = document.querySelector("meta[data-course-scheme]");
    if (!meta) return;
    const scheme = window.getComputedStyle(document.body).colorScheme;
    if (meta.content !== scheme) meta.content = scheme;
  }
  AFP.onScheme(followColorScheme);

  /* ---- theme fix: no transitions while the reader switches the palette -------------
     The course plugin moves Material's "no transitions" rule from the attribute its
     bundle sets at every start-up (a restyle of the whole page each time) to
     data-course-switching, set here only for a real switch: in the capture phase, so
     before the palette's own handler applies the new colours, and removed once a frame
     has been drawn with them. */
  document.addEventListener(
    "change",
    (event) => {
      const target = event.target;
      if (!target?.closest?.("[data-md-component='palette']")) return;
      const body = document.body;
      body.setAttribute("data-course-switching", "");
      requestAnimationFrame(() => {
        requestAnimationFrame(() => {
          body.removeAttribute("data-course-switching");
        });
      });
    },
    true,
  );

  /* ---- per page ---------------------------------------------------------------------- */
  function init() {
    nameCodeNavs();
    focusableCode();
    setupGlossary();
    if (window.speechSynthesis) {
      try {
        window.speechSynthesis.cancel();
      } catch {
        /* nothing was playing */
      }
    }
    const frame = document.querySelector("[data-lesson-frame]");
    if (AFP.claim(frame, "data-course-ready")) {
      recordVisit(frame);
      setupListen(frame);
    }
    const syllabus = document.querySelector(".syllabus");
    if (AFP.claim(syllabus, "data-course-ready")) {
      const root = syllabus.parentNode;
      const refresh = () => {
        showProgress(root);
        showContinue(root);
      };
      refresh();
      setupReset(root, refresh);
    }
  }

  AFP.course = { version: 1, init: init };
  AFP.onPage(init);
})();
