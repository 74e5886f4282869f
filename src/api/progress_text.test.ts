import { describe, expect, it } from 'vitest';
import { cancelledText, formatElapsed, PROGRESS_DELAY_MS, showsProgress, stageText } from './progress_text';

describe('stageText', () => {
  it('names each stage in words', () => {
    expect(stageText({ stage: 'backend', fraction: null })).toBe('Starting the backend…');
    expect(stageText({ stage: 'model', fraction: null })).toBe('Loading the model…');
    expect(stageText({ stage: 'proposals', fraction: null })).toBe('Finding candidate regions…');
    expect(stageText({ stage: 'network', fraction: null })).toBe('Running the network…');
  });

  it('says where the network runs, and only for the network stage', () => {
    expect(stageText({ stage: 'network', fraction: null }, 'wasm')).toBe('Running the network (wasm)…');
    expect(stageText({ stage: 'proposals', fraction: null }, 'wasm')).toBe('Finding candidate regions…');
    expect(stageText({ stage: 'network', fraction: null }, null)).toBe('Running the network…');
    expect(stageText({ stage: 'network', fraction: null }, '')).toBe('Running the network…');
  });

  it('adds a percentage strictly inside the stage only', () => {
    expect(stageText({ stage: 'proposals', fraction: 0.404 })).toBe('Finding candidate regions… 40%');
    expect(stageText({ stage: 'model', fraction: 0 })).toBe('Loading the model…');
    expect(stageText({ stage: 'model', fraction: 1 })).toBe('Loading the model…');
    expect(stageText({ stage: 'model', fraction: Number.NaN })).toBe('Loading the model…');
  });

  it('a notice replaces the stage', () => {
    expect(stageText({ stage: 'network', fraction: null, notice: 'The GPU was reset; running on wasm now.' }, 'wasm'))
      .toBe('The GPU was reset; running on wasm now.');
  });
});

describe('formatElapsed', () => {
  it('counts whole seconds, rounded down', () => {
    expect(formatElapsed(0)).toBe('0 s');
    expect(formatElapsed(999)).toBe('0 s');
    expect(formatElapsed(1000)).toBe('1 s');
    expect(formatElapsed(12_700)).toBe('12 s');
    expect(formatElapsed(59_999)).toBe('59 s');
  });

  it('minutes with two-digit seconds, hours with two-digit minutes', () => {
    expect(formatElapsed(60_000)).toBe('1 min 00 s');
    expect(formatElapsed(65_400)).toBe('1 min 05 s');
    expect(formatElapsed(59 * 60_000 + 59_000)).toBe('59 min 59 s');
    expect(formatElapsed(3_600_000)).toBe('1 h 00 min');
    expect(formatElapsed(3_600_000 + 2 * 60_000 + 30_000)).toBe('1 h 02 min');
  });

  it('never shows a negative or a non-number', () => {
    expect(formatElapsed(-500)).toBe('0 s');
    expect(formatElapsed(Number.NaN)).toBe('0 s');
    expect(formatElapsed(Number.POSITIVE_INFINITY)).toBe('0 s');
  });
});

describe('showsProgress and cancelledText', () => {
  it('progress appears once a run passes the delay', () => {
    expect(PROGRESS_DELAY_MS).toBe(1000);
    expect(showsProgress(999)).toBe(false);
    expect(showsProgress(1000)).toBe(true);
  });

  it('a cancelled run says how long it ran, when that was long enough to show', () => {
    expect(cancelledText(400)).toBe('Detection cancelled.');
    expect(cancelledText(3_200)).toBe('Detection cancelled after 3 s.');
  });
});
