#!/usr/bin/env python3
# Reads a chart SVG (history-query -f svg) and prints the bars drawn in one colour, left to
# right, one per line: "x height" in pixels. A bar is a filled path of four corners only
# (M, three L, Z): the legend's swatch is rounded (curves), text glyphs are in <defs>.
# Fails (exit 1) when the file is not well-formed XML or not an SVG.
#   svg_bars.py FILE.svg 'rgb(30.588235%,47.45098%,65.490196%)'
import re
import sys
import xml.etree.ElementTree as ET

path, colour = sys.argv[1], sys.argv[2]
root = ET.parse(path).getroot()
if not root.tag.endswith("}svg") and root.tag != "svg":
    sys.exit(f"{path}: root element is {root.tag}, not svg")
bars = []
for el in root.iter():
    if not el.tag.endswith("path") or f"fill:{colour}" not in el.get("style", "").replace(" ", ""):
        continue
    d = el.get("d", "")
    m = re.fullmatch(r"\s*M ([-\d.]+) ([-\d.]+) L ([-\d.]+) ([-\d.]+) L ([-\d.]+) ([-\d.]+) L ([-\d.]+) ([-\d.]+) Z M [-\d. ]+", d)
    if not m:
        continue
    xs = [float(m.group(i)) for i in (1, 3, 5, 7)]
    ys = [float(m.group(i)) for i in (2, 4, 6, 8)]
    bars.append((min(xs), max(ys) - min(ys)))
for x, h in sorted(bars):
    print(f"{x:.3f} {h:.3f}")
