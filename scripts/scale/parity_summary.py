"""One line of npm run test:scale's figures, from the logs scripts/test_scale.sh kept:

  python3 scripts/scale/parity_summary.py UNITTEST_LOG NODE_CHECK_LOG PAGE_LOG

UNITTEST_LOG: scale/tests' "parity <what>: max abs diff <x>" lines; NODE_CHECK_LOG: detect_check.ts's JSON line;
PAGE_LOG: the Playwright spec's "scale page figures: <JSON>" line. A figure missing from its log stops with its name."""
import json
import re
import sys


def parity(log):
    # unittest -v prints a test's name and then, on the same line, its first stderr line
    found = dict(re.findall(r'parity ([^:\n]+?)(?: \([^)]*\))?: max abs diff (\S+)$', log, re.M))

    def get(name):
        if name not in found:
            sys.exit(f'parity_summary: no "parity {name}" line in the unit-test log')
        return float(found[name])
    return get


def json_line(log, prefix, what, keep_prefix=False):
    for line in log.splitlines():
        if line.startswith(prefix):
            return json.loads(line if keep_prefix else line[len(prefix):])
    sys.exit(f'parity_summary: no {what} line in its log')


def main(unittest_log, node_log, page_log):
    p = parity(open(unittest_log, encoding='utf-8').read())
    node = json_line(open(node_log, encoding='utf-8').read(), '{"detections"', 'detect_check.ts', keep_prefix=True)
    page = json_line(open(page_log, encoding='utf-8').read(), 'scale page figures: ', 'Playwright "scale page figures"')
    print('test:scale parity, max abs diff PyTorch vs the page\'s code:'
          f" forward (tfjs cpu) probs {p('forward probs'):.3g}, deltas {p('forward deltas'):.3g}, boxes {p('forward boxes'):.3g} px;"
          f" SGD step loss {max(p('step loss cls'), p('step loss loc'), p('step loss total')):.3g}, weights {p('step updated weights'):.3g};"
          f" torchrun model in Node (tfjs cpu) {node['detections']} detections, scores {node['maxScoreDiff']:.2g},"
          f" boxes {node['maxBoxDiff']:.2g} px;"
          f" in the page (wasm) {page['matched']}/{page['detections']} detections matched ({page['pytorch']} in PyTorch),"
          f" top score {page['topScoreDiff']:.2g}, top box {page['topBoxDiff']:.2g} px")


if __name__ == '__main__':
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
