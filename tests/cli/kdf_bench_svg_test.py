#!/usr/bin/env python3
"""`tresor kdf bench --svg`: the file is an image that a real renderer
(rsvg-convert, librsvg) draws, and its axes, points and calibrated mark are
the figures `--json` printed in the same run.

The points' places are checked against the axes read back from the SVG (two
tick marks give each axis's scale), not against the code that drew them; the
rendered PNG is checked pixel by pixel where the points and axes are.

Usage: kdf_bench_svg_test.py PATH_TO_TRESOR
"""
import json
import math
import os
import struct
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET
import zlib

SVG = "{http://www.w3.org/2000/svg}"
TRESOR = None


def read_png(path):
    """(width, height, pixel(x, y) -> (r, g, b)) of an 8-bit RGB or RGBA PNG."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    at, idat, header = 8, b"", None
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    channels = 4 if colour == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = prev[i]
            corner = prev[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                line[i] = (line[i] + pred) & 0xFF
        rows.append(line)
        prev = line

    def pixel(x, y):
        r = rows[int(round(y))]
        i = int(round(x)) * channels
        if channels == 4 and r[i + 3] < 255:  # composite on white
            a = r[i + 3] / 255
            return tuple(round(c * a + 255 * (1 - a)) for c in r[i:i + 3])
        return tuple(r[i:i + 3])

    return width, height, pixel


def colour(hex_text):
    return tuple(int(hex_text[i:i + 2], 16) for i in (1, 3, 5))


def near(a, b, tolerance=48):
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


def plural(n, one, many):
    return f"{n} {one if n == 1 else many}"


class KdfBenchSvg(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        svg = os.path.join(cls.dir.name, "kdf.svg")
        env = dict(os.environ, HOME=cls.dir.name, XDG_CONFIG_HOME=cls.dir.name)
        out = subprocess.run(
            [TRESOR, "kdf", "bench", "--memory-mib", "19,24,32", "--passes", "2,3", "--lanes",
             "1,2", "--target-ms", "60", "--max-memory-mib", "64", "--json", "--svg", svg],
            env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=True)
        cls.json = json.loads(out.stdout)
        cls.svg = ET.parse(svg).getroot()
        png = os.path.join(cls.dir.name, "kdf.png")
        subprocess.run(["rsvg-convert", "--format", "png", "-o", png, svg], check=True)
        cls.png = read_png(png)
        # Each axis's scale from its first and last tick marks.
        cls.x_of = staticmethod(cls.scale("x-tick", "x1", math.log2))
        cls.y_of = staticmethod(cls.scale("y-tick", "y1", lambda v: v))

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    @classmethod
    def scale(cls, tick_class, coordinate, transform):
        ticks = [(float(e.get("data-value")), float(e.get(coordinate)))
                 for e in cls.svg.iter(SVG + "line") if e.get("class") == tick_class]
        assert len(ticks) >= 2, f"fewer than two {tick_class} marks"
        (v0, p0), (v1, p1) = ticks[0], ticks[-1]
        return lambda v: p0 + (transform(v) - transform(v0)) / (transform(v1) - transform(v0)) * (p1 - p0)

    def series_colours(self):
        return {g.get("data-series"): g.get("data-colour")
                for g in self.svg.iter(SVG + "g") if g.get("class") == "legend" and g.get("data-series")}

    def points(self):
        return [e for e in self.svg.iter(SVG + "circle") if e.get("class") == "point"]

    def test_the_json_has_the_grid_and_the_calibrated_point(self):
        grid = {(p["memory_mib"], p["passes"], p["lanes"]) for p in self.json["points"]}
        self.assertEqual(grid, {(m, t, p) for m in (19, 24, 32) for t in (2, 3) for p in (1, 2)})
        c = self.json["calibrated"]
        self.assertEqual(c["target_ms"], 60)
        self.assertLessEqual(c["memory_mib"], 64)
        self.assertAlmostEqual(c["attacker_gib_passes"], c["memory_mib"] / 1024 * c["passes"],
                               delta=0.0006)  # printed to 3 decimals

    def test_the_svg_has_axes_ticks_labels_and_a_legend(self):
        self.assertEqual(self.svg.tag, SVG + "svg")
        ids = {e.get("id") for e in self.svg.iter() if e.get("id")}
        self.assertTrue({"x-axis", "y-axis", "x-axis-line", "y-axis-line", "calibrated",
                         "target"} <= ids)
        texts = [e.text for e in self.svg.iter(SVG + "text")]
        self.assertIn("memory (MiB, log scale)", texts)
        self.assertIn("unlock time (ms)", texts)
        x_labels = [e.text for e in self.svg.iter(SVG + "text") if e.get("class") == "x-tick-label"]
        # Powers of two around every memory size drawn, the calibrated one too.
        sizes = [p["memory_mib"] for p in self.json["points"]] + [self.json["calibrated"]["memory_mib"]]
        low, high = math.floor(math.log2(min(sizes))), math.ceil(math.log2(max(sizes)))
        self.assertEqual(x_labels, [str(2 ** e) for e in range(low, high + 1)])
        y_labels = [float(e.text) for e in self.svg.iter(SVG + "text")
                    if e.get("class") == "y-tick-label"]
        self.assertEqual(y_labels[0], 0)
        self.assertGreaterEqual(y_labels[-1], max(p["median_ms"] for p in self.json["points"]))
        self.assertEqual(set(self.series_colours()),
                         {f"{plural(p, 'lane', 'lanes')}, {plural(t, 'pass', 'passes')}"
                          for t in (2, 3) for p in (1, 2)})

    def test_every_point_sits_where_the_axes_put_its_json_figures(self):
        circles = self.points()
        self.assertEqual(len(circles), len(self.json["points"]))
        for p in self.json["points"]:
            name = f"{plural(p['lanes'], 'lane', 'lanes')}, {plural(p['passes'], 'pass', 'passes')}"
            x, y = self.x_of(p["memory_mib"]), self.y_of(p["median_ms"])
            mine = [c for c in circles if c.get("data-series") == name
                    and abs(float(c.get("cx")) - x) < 0.6 and abs(float(c.get("cy")) - y) < 0.6]
            self.assertEqual(len(mine), 1, f"no point for {p} at ({x:.1f}, {y:.1f})")

    def test_the_calibrated_point_is_marked_where_its_json_figures_are(self):
        c = self.json["calibrated"]
        mark = next(g for g in self.svg.iter(SVG + "g") if g.get("id") == "calibrated")
        self.assertEqual((int(mark.get("data-memory-mib")), int(mark.get("data-passes")),
                          int(mark.get("data-lanes"))), (c["memory_mib"], c["passes"], c["lanes"]))
        dot = next(e for e in mark.iter(SVG + "circle") if e.get("class") == "calibrated-point")
        self.assertAlmostEqual(float(dot.get("cx")), self.x_of(c["memory_mib"]), delta=0.6)
        self.assertAlmostEqual(float(dot.get("cy")), self.y_of(c["median_ms"]), delta=0.6)

    def test_the_rendered_image_shows_the_axes_and_every_point(self):
        width, height, pixel = self.png
        self.assertEqual((width, height), (round(float(self.svg.get("width"))),
                                           round(float(self.svg.get("height")))))
        self.assertTrue(near(pixel(2, 2), (255, 255, 255)), "background")
        line = next(e for e in self.svg.iter(SVG + "line") if e.get("id") == "x-axis-line")
        mid = (float(line.get("x1")) + float(line.get("x2"))) / 2
        self.assertTrue(near(pixel(mid, float(line.get("y1"))), (0, 0, 0), 100), "x axis")
        line = next(e for e in self.svg.iter(SVG + "line") if e.get("id") == "y-axis-line")
        mid = (float(line.get("y1")) + float(line.get("y2"))) / 2
        self.assertTrue(near(pixel(float(line.get("x1")), mid), (0, 0, 0), 100), "y axis")
        colours = self.series_colours()
        # Every mark drawn (the calibrated one last, black), by where it is.
        marks = [((self.x_of(p["memory_mib"]), self.y_of(p["median_ms"])),
                  colour(colours[f"{plural(p['lanes'], 'lane', 'lanes')}, "
                                 f"{plural(p['passes'], 'pass', 'passes')}"]))
                 for p in self.json["points"]]
        c = self.json["calibrated"]
        calibrated = (self.x_of(c["memory_mib"]), self.y_of(c["median_ms"]))
        marks.append((calibrated, (0, 0, 0)))
        for (x, y), own in marks:
            # Points that overlap may hide one another: the pixel shows one
            # drawn within a radius of here, or the edges of two blended.
            seen = pixel(x, y)
            possible = [k for (mx, my), k in marks if math.hypot(mx - x, my - y) < 10]
            blend = all(min(k[i] for k in possible) - 48 <= seen[i] <= max(k[i] for k in possible) + 48
                        for i in range(3))
            self.assertTrue(near(seen, own) if len(possible) == 1 else blend,
                            f"pixel {seen} at ({x:.0f}, {y:.0f}) is none of {possible}")
        self.assertTrue(near(pixel(*calibrated), (0, 0, 0)), "the calibrated mark")


if __name__ == "__main__":
    TRESOR = sys.argv.pop(1)
    unittest.main(verbosity=2)
