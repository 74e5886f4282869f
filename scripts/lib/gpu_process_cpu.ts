/**
 * CPU time of the Chromium GPU process that this Node process launched (Linux /proc). With SwiftShader, WebGPU work
 * runs on the CPU in that process, so its CPU time is the work a kernel costs, little affected by other jobs on the
 * machine, unlike wall time. Returns null where it cannot be read (not Linux, no such process).
 */
import { readFileSync, readdirSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on; the name may hold spaces
}

function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(Number(entry))[1]) === pid) children.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return children;
}

/** The GPU process among this process's descendants (browser, then its zygote, then the GPU process). */
export function findGpuProcess(): number | null {
  if (process.platform !== 'linux') return null;
  const queue = childrenOf(process.pid);
  for (let depth = 0; depth < 4 && queue.length > 0; depth += 1) {
    for (const pid of queue.splice(0)) {
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=gpu-process')) return pid;
      } catch {
        continue;
      }
      queue.push(...childrenOf(pid));
    }
  }
  return null;
}

/** User + system CPU time of `pid` so far, in ms (10 ms resolution). */
export function cpuMs(pid: number): number {
  const fields = statFields(pid);
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}
