// Types of require_shared.mjs (plain JavaScript so that .ci/run can run it before `npm ci`).
export declare const SHARED_DIR: string;
export declare const SHARED_ENTRIES: readonly string[];
export declare function missingSharedEntries(dir?: string): string[];
export declare function sharedFolderProblem(dir?: string): string | null;
export default function requireShared(): void;
