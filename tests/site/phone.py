"""What a reader on a 390 px phone sees of the lessons' figures and widgets, measured in
the browser: the rendered size of every piece of figure text, the touch size of every
widget control. Used by tests/site/test_figures_on_a_phone.py and by hand
(``python -m tests.site.phone SITE_DIR``) to print the smallest text per lesson.
"""

from __future__ import annotations

PHONE = {"width": 390, "height": 844}
MIN_TEXT_PX = 11  # DESIGN.md: no figure text under 11 CSS px on a 390 px phone
MIN_TOUCH_PX = 44  # WCAG 2.5.5 / platform guidelines: a touch target at least 44 x 44

# Every piece of text a reader sees in a figure: each SVG <text>/<tspan> holding its own
# characters (a mathtext subscript is a smaller <tspan>), each HTML element holding its own
# text. SVG size = computed font-size x the uniform scale of the element's screen CTM
# (viewBox scaling, rotation included: sqrt |det|); HTML size = computed font-size. Hidden
# elements (display: none, e.g. the variant for the other screen size) are skipped.
FIGURE_TEXT_JS = """
() => {
  const own = (el) => [...el.childNodes]
    .filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.data).join('').trim();
  const out = [];
  const figures = document.querySelectorAll(
    'article figure.lesson-figure, article figure.lesson-widget');
  figures.forEach((fig, index) => {
    const name = fig.id || `figure ${index + 1}`;
    for (const el of fig.querySelectorAll('*')) {
      const text = own(el);
      if (!text || el.closest('template, script, style, title, desc')) continue;
      if (!el.getClientRects().length) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden') continue;
      let size = parseFloat(style.fontSize);
      if (el instanceof SVGElement) {
        const m = el.getScreenCTM();
        if (!m) continue;
        size *= Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
      }
      out.push({ figure: name, text: text.slice(0, 40), px: Math.round(size * 100) / 100 });
    }
  });
  return out;
}
"""

# Every control a reader can touch in a lesson widget, with the size of the area that takes
# the touch: the element's own box, grown by a ::before/::after hit area if it has one
# (measured by elementFromPoint at the edges would need scrolling; the box is what counts).
CONTROLS_JS = """
() => [...document.querySelectorAll(
    'figure.lesson-widget :is(input, button, select, textarea, a[href],'
    + ' [tabindex]:not([tabindex="-1"]))')]
  .filter((el) => el.getClientRects().length)
  .map((el) => {
    const box = el.getBoundingClientRect();
    let w = box.width, h = box.height;
    for (const pseudo of ['::before', '::after']) {
      const s = getComputedStyle(el, pseudo);
      if (s.content === 'none' || s.position !== 'absolute') continue;
      w = Math.max(w, parseFloat(s.width) || 0);
      h = Math.max(h, parseFloat(s.height) || 0);
    }
    const label = el.getAttribute('aria-label') || el.textContent.trim() ||
      (el.labels && el.labels[0] && el.labels[0].textContent.trim()) || el.tagName;
    return {
      widget: el.closest('figure').id, control: `${el.tagName.toLowerCase()} ${label}`.slice(0, 50),
      width: Math.round(w * 10) / 10, height: Math.round(h * 10) / 10,
    };
  })
"""


def smallest_per_figure(texts: list[dict]) -> dict[str, dict]:
    """The smallest text of each figure: {figure id: {"text", "px"}}."""
    out: dict[str, dict] = {}
    for t in texts:
        if t["figure"] not in out or t["px"] < out[t["figure"]]["px"]:
            out[t["figure"]] = t
    return out


def main(site: str) -> None:  # pragma: no cover - a by-hand report
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    from tests.chromium import CHROMIUM, CHROMIUM_ARGS
    from tests.site.pages import page_paths
    from tests.support import QuietHandler, free_port

    port = free_port()
    handler = functools.partial(QuietHandler, directory=site)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport=PHONE).new_page()
            for path in page_paths():
                if not path.startswith("lessons/"):
                    continue
                page.goto(f"http://127.0.0.1:{port}/{path}", wait_until="networkidle")
                figures = smallest_per_figure(page.evaluate(FIGURE_TEXT_JS))
                low = min(figures.values(), key=lambda t: t["px"], default=None)
                controls = page.evaluate(CONTROLS_JS)
                small = [c for c in controls if min(c["width"], c["height"]) < MIN_TOUCH_PX]
                print(
                    f"{path:40} smallest text "
                    + (f"{low['px']:5.2f} px ({low['figure']}: {low['text']!r})" if low else "-")
                    + (f"; controls {len(controls)}, under 44: {len(small)}" if controls else "")
                )
                for c in small[:3]:
                    print(f"    {c['widget']}: {c['control']!r} {c['width']} x {c['height']}")
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":  # pragma: no cover
    import sys

    main(sys.argv[1])
