/**
 * The widget's entry (the `frcnn-detector.js` build): defines <frcnn-detector> (the only side effect) and
 * re-exports the library API, so one script tag or one import gives both.
 *
 *   <script type="module" src="frcnn-detector.js"></script>
 *   <frcnn-detector src="photo.jpg"></frcnn-detector>
 */
import { FastRcnnDetectorElement } from './detector_element';

export const TAG_NAME = 'frcnn-detector';

// A second copy of the script (or a host that defined the name) must not throw.
if (customElements.get(TAG_NAME) === undefined) customElements.define(TAG_NAME, FastRcnnDetectorElement);

declare global {
  interface HTMLElementTagNameMap {
    'frcnn-detector': FastRcnnDetectorElement;
  }
}

export { FastRcnnDetectorElement };
export type { CancelEventDetail, DetectionsEventDetail, ErrorEventDetail, FrcnnDetectorEventMap, ProgressEventDetail } from './events';
export * from '../index';
