/** The library's error type, thrown by every stage of detection (src/pipeline/errors.ts) and by the library around it. */
export { DetectorError, errorMessage, isAbortError, type DetectorErrorCode } from '../pipeline/errors';
