/**
 * The element's shadow-root stylesheet. Shadow DOM already keeps the host page's selectors out and these rules in;
 * what still crosses the boundary is inheritance (font, colour, line-height... flow from the host element into the
 * shadow tree), so the inner frame resets everything with `all: initial` and sets its own values. The host page
 * can size and position the element itself (`frcnn-detector { width: 100%; height: 400px }`) and style the parts
 * `::part(canvas)` and `::part(status)`.
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
.status {
  all: initial;
  position: absolute;
  left: 8px;
  right: 8px;
  bottom: 8px;
  padding: 3px 8px;
  border-radius: 4px;
  background: rgba(0, 0, 0, 0.6);
  font: inherit;
  color: inherit;
  white-space: nowrap;
  overflow: hidden;
  text-overflow: ellipsis;
}
.status:empty { display: none; }
.status[data-state="error"] { background: rgba(140, 20, 20, 0.85); white-space: normal; }
`;
