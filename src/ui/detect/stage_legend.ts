/** The legend under the stage while the Detect tab shows: the classes in their colours and the layers drawn. */
import { legendEntries } from '../../render/legend';
import { RPN_TOP_PROPOSALS, TOP_PROPOSALS } from '../../render/proposal_layer';
import { h, setChildren } from '../dom';
import { lineGlyph } from '../controls';
import type { ModelsController } from '../models/models_controller';
import type { DetectController } from './detect_controller';
import { activeModel } from './model_picker';

/** Fills `element` from the Detect tab's state; returns a function that redraws it (e.g. on a tab change). */
export function attachStageLegend(
  element: HTMLElement, controller: DetectController, models: ModelsController, isShowing: () => boolean, labelsLeftOut: () => number,
): () => void {
  const render = (): void => {
    if (!isShowing()) return setChildren(element);
    const { result, layers } = controller.store.get();
    const classNames = result?.classNames ?? activeModel(models)?.classNames ?? [];
    const entries = legendEntries({
      classNames, layers, proposals: result ? result.proposals.length : null, topProposals: TOP_PROPOSALS, labelsLeftOut: labelsLeftOut(),
      rpnProposals: result?.rpn ? Math.min(RPN_TOP_PROPOSALS, result.proposals.length) : null,
    });
    setChildren(element, entries.map((e) => e.kind === 'class'
      ? h('span', { class: 'legend-item', testid: `stage.legend.class.${e.name}` }, h('span', { class: 'legend-swatch', style: `--chip: ${e.colour}` }), e.name)
      : e.kind === 'layer'
        ? h('span', { class: 'legend-item', testid: `stage.legend.layer.${e.layer}` }, lineGlyph(e.colour, e.dash, 1), e.text)
        : h('span', { class: 'legend-item legend-note', testid: 'stage.legend.note' }, e.text)));
  };
  controller.store.subscribe(render);
  models.store.subscribe(render);
  render();
  return render;
}
