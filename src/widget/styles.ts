/**
 * The element's shadow-root stylesheet. Shadow DOM already keeps the host page's selectors out and these rules in;
 * what still crosses the boundary is inheritance (font, colour, line-height... flow from the host element into the
 * shadow tree), so the inner frame resets everything with `all: initial` and sets its own values. The host page
 * can size and position the element itself (`frcnn-detector { width: 100%; height: 400px }`) and style the parts
 * `::part(canvas)`, `::part(status)`, and, while a detection runs, `::part(activity)` (the box holding
 * `::part(elapsed)` and `::part(cancel)`).
 */
export const WIDGET_CSS = `
:host {
  display: inline-block;
  position: relative;
  width: 480px;
  height: 360px;
  contain: content;
}
:host([hidden]) { display: none; }
.frame {
  all: initial;
  display: block;
  position: absolute;
  inset: 0;
  overflow: hidden;
  background: #111418;
  border-radius: 6px;
  font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #e8eaed;
}
canvas {
  all: initial;
  display: block;
  width: 100%;
  height: 100%;
}
.bar {
  all: initial;
  position: absolute;
  left: 8px;
  right: 8px;
  bottom: 8px;
  display: flex;
  align-items: stretch;
  gap: 6px;
  font: inherit;
  color: inherit;
  pointer-events: none;
}
.status {
  all: initial;
  flex: 1 1 auto;
  min-width: 0;
  padding: 3px 8px;
  border-radius: 4px;
  background: rgba(0, 0, 0, 0.6);
  font: inherit;
  color: inherit;
  white-space: nowrap;
  overflow: hidden;
  text-overflow: ellipsis;
  pointer-events: auto;
}
.status:empty { display: none; }
.status[data-state="error"] { background: rgba(140, 20, 20, 0.85); white-space: normal; }
.activity {
  all: initial;
  flex: 0 0 auto;
  display: flex;
  align-items: center;
  gap: 8px;
  padding: 3px 4px 3px 8px;
  border-radius: 4px;
  background: rgba(0, 0, 0, 0.6);
  font: inherit;
  color: inherit;
  pointer-events: auto;
}
.activity[hidden] { display: none; }
.elapsed {
  all: initial;
  font: inherit;
  color: inherit;
  font-variant-numeric: tabular-nums;
}
.cancel {
  all: initial;
  font: inherit;
  color: inherit;
  padding: 0 8px;
  border-radius: 3px;
  background: rgba(255, 255, 255, 0.18);
  cursor: pointer;
}
.cancel:hover { background: rgba(255, 255, 255, 0.3); }
.cancel:focus-visible { outline: 2px solid #8ab4f8; outline-offset: 1px; }
`;
