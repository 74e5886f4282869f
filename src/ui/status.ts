/**
 * The status line under the canvas: one aria-live region, so screen readers hear what happened
 * (an image opened, detection finished, a file was refused) without moving focus.
 */
export type StatusKind = 'info' | 'error' | 'busy';

export class StatusLine {
  private clearTimer = 0;

  constructor(readonly element: HTMLElement) {
    element.setAttribute('role', 'status');
    element.setAttribute('aria-live', 'polite');
  }

  info(message: string): void {
    this.show(message, 'info');
  }

  busy(message: string): void {
    this.show(message, 'busy');
  }

  /** Errors stay until the next message. */
  error(message: string): void {
    this.show(message, 'error');
  }

  private show(message: string, kind: StatusKind): void {
    window.clearTimeout(this.clearTimer);
    this.element.textContent = message;
    this.element.dataset.kind = kind;
  }
}
