/** The section tabs (WAI-ARIA tabs pattern): click or arrow keys switch, Home/End jump, one tab stop. */
export type TabId = 'detect' | 'annotate' | 'train' | 'models';

export interface Tabs {
  current(): TabId;
  select(tab: TabId): void;
}

export function setupTabs(tablist: HTMLElement, workspace: HTMLElement, onChange: (tab: TabId, previous: TabId) => void): Tabs {
  const tabs = Array.from(tablist.querySelectorAll<HTMLButtonElement>('[role="tab"]'));
  let current = (tabs.find((t) => t.getAttribute('aria-selected') === 'true')?.dataset.tab ?? 'detect') as TabId;
  const select = (tab: TabId, focus = false): void => {
    const previous = current;
    current = tab;
    for (const button of tabs) {
      const selected = button.dataset.tab === tab;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
      const panel = document.getElementById(button.getAttribute('aria-controls')!);
      if (panel) panel.hidden = !selected;
      if (selected && focus) button.focus();
    }
    workspace.dataset.tab = tab;
    if (tab !== previous) onChange(tab, previous);
  };
  tablist.addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>('[role="tab"]');
    if (button) select(button.dataset.tab as TabId);
  });
  tablist.addEventListener('keydown', (event) => {
    const index = tabs.findIndex((t) => t.dataset.tab === current);
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    select(tabs[(next + tabs.length) % tabs.length].dataset.tab as TabId, true);
  });
  return { current: () => current, select: (tab) => select(tab) };
}
