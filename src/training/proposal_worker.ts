/** Module worker: selective search on one image per message (src/proposals), so several images run in parallel. */
import { selectiveSearch } from '../proposals/selective_search';
import type { ImageDataLike, SelectiveSearchMode } from '../proposals/types';

export interface ProposalRequest {
  readonly id: number;
  readonly image: ImageDataLike;
  readonly mode: SelectiveSearchMode;
}

self.onmessage = (event: MessageEvent<ProposalRequest>) => {
  const { id, image, mode } = event.data;
  try {
    const boxes = selectiveSearch(image, { mode });
    (self as unknown as Worker).postMessage({ id, boxes }, [boxes.buffer]);
  } catch (error) {
    (self as unknown as Worker).postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
