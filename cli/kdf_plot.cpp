#include "cli/kdf_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

namespace tresor::cli {
namespace {

constexpr double kWidth = 800, kHeight = 470;
constexpr double kLeft = 80, kRight = 570, kTop = 56, kBottom = 400;  // the plot area
// Tableau's ten colours: distinct at a glance, also in print.
const char* const kColours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
// One dash pattern per lane count, so lanes read apart without colour.
const char* const kDashes[] = {"", "8 4", "2 3", "10 3 2 3", "1 1"};

std::string fmt(double v, int decimals = 1) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.*f", decimals, v);
    return text;
}

std::string plural(std::uint32_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

// 1, 2 or 5 times a power of ten: ticks every `step` up to at least `top`.
double nice_step(double top) {
    const double raw = top / 5;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double m : {1.0, 2.0, 5.0}) {
        if (m * power >= raw) {
            return m * power;
        }
    }
    return 10 * power;
}

struct Axes {
    double log2_min, log2_max;  // memory, as powers of two
    double ms_max;

    double x(double memory_mib) const {
        return kLeft +
               (std::log2(memory_mib) - log2_min) / (log2_max - log2_min) * (kRight - kLeft);
    }
    double y(double ms) const { return kBottom - ms / ms_max * (kBottom - kTop); }
};

Axes axes_for(const KdfPlot& plot) {
    std::vector<KdfPoint> all = plot.grid;
    if (plot.calibrated) {
        all.push_back(*plot.calibrated);
    }
    double lo = 1e9, hi = 0, ms = plot.target_ms;
    for (const KdfPoint& p : all) {
        lo = std::min(lo, std::log2(p.memory_mib));
        hi = std::max(hi, std::log2(p.memory_mib));
        ms = std::max(ms, p.median_ms);
    }
    Axes a{std::floor(lo), std::ceil(hi), 0};
    if (a.log2_max <= a.log2_min) {
        a.log2_max = a.log2_min + 1;
    }
    const double step = nice_step(std::max(ms, 1.0) * 1.05);
    a.ms_max = std::ceil(std::max(ms, 1.0) * 1.05 / step) * step;
    return a;
}

std::string point_label(const KdfPoint& p) {
    return std::to_string(p.memory_mib) + " MiB, " + plural(p.passes, "pass", "passes") + ", " +
           plural(p.lanes, "lane", "lanes") + ": " + fmt(p.median_ms) + " ms";
}

}  // namespace

std::string kdf_plot_svg(const KdfPlot& plot) {
    const Axes a = axes_for(plot);
    std::ostringstream s;
    s << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << kHeight
      << "\" viewBox=\"0 0 " << kWidth << " " << kHeight
      << "\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
      << "<text x=\"" << kLeft << "\" y=\"28\" font-size=\"16\" font-weight=\"bold\">"
      << "Argon2id unlock time on this machine</text>\n"
      << "<text x=\"" << kLeft << "\" y=\"46\" fill=\"#555555\">"
      << "tresor kdf bench: an attacker pays memory × passes per guess, whatever the "
         "lanes</text>\n";

    // Grid and ticks: x at each power of two, y at a 1-2-5 step.
    s << "<g id=\"x-axis\" stroke=\"#000000\">\n";
    for (double e = a.log2_min; e <= a.log2_max + 1e-9; e += 1) {
        const double mib = std::exp2(e), x = a.x(mib);
        s << "<line x1=\"" << fmt(x) << "\" y1=\"" << kTop << "\" x2=\"" << fmt(x) << "\" y2=\""
          << kBottom << "\" stroke=\"#e5e5e5\"/>\n"
          << "<line class=\"x-tick\" data-value=\"" << mib << "\" x1=\"" << fmt(x) << "\" y1=\""
          << kBottom << "\" x2=\"" << fmt(x) << "\" y2=\"" << kBottom + 6 << "\"/>\n"
          << "<text class=\"x-tick-label\" x=\"" << fmt(x) << "\" y=\"" << kBottom + 20
          << "\" text-anchor=\"middle\" stroke=\"none\">" << mib << "</text>\n";
    }
    s << "</g>\n<g id=\"y-axis\" stroke=\"#000000\">\n";
    const double step = nice_step(a.ms_max);
    for (double ms = 0; ms <= a.ms_max + 1e-9; ms += step) {
        const double y = a.y(ms);
        s << "<line x1=\"" << kLeft << "\" y1=\"" << fmt(y) << "\" x2=\"" << kRight << "\" y2=\""
          << fmt(y) << "\" stroke=\"#e5e5e5\"/>\n"
          << "<line class=\"y-tick\" data-value=\"" << ms << "\" x1=\"" << kLeft - 6 << "\" y1=\""
          << fmt(y) << "\" x2=\"" << kLeft << "\" y2=\"" << fmt(y) << "\"/>\n"
          << "<text class=\"y-tick-label\" x=\"" << kLeft - 10 << "\" y=\"" << fmt(y + 4)
          << "\" text-anchor=\"end\" stroke=\"none\">" << ms << "</text>\n";
    }
    s << "</g>\n"
      << "<line id=\"x-axis-line\" x1=\"" << kLeft << "\" y1=\"" << kBottom << "\" x2=\"" << kRight
      << "\" y2=\"" << kBottom << "\" stroke=\"#000000\" stroke-width=\"1.5\"/>\n"
      << "<line id=\"y-axis-line\" x1=\"" << kLeft << "\" y1=\"" << kTop << "\" x2=\"" << kLeft
      << "\" y2=\"" << kBottom << "\" stroke=\"#000000\" stroke-width=\"1.5\"/>\n"
      << "<text x=\"" << (kLeft + kRight) / 2 << "\" y=\"" << kBottom + 42
      << "\" text-anchor=\"middle\">memory (MiB, log scale)</text>\n"
      << "<text transform=\"translate(24 " << (kTop + kBottom) / 2
      << ") rotate(-90)\" text-anchor=\"middle\">unlock time (ms)</text>\n";

    if (plot.target_ms > 0) {
        const double y = a.y(plot.target_ms);
        s << "<line id=\"target\" x1=\"" << kLeft << "\" y1=\"" << fmt(y) << "\" x2=\"" << kRight
          << "\" y2=\"" << fmt(y) << "\" stroke=\"#888888\" stroke-dasharray=\"4 4\"/>\n"
          << "<text x=\"" << kRight - 4 << "\" y=\"" << fmt(y - 5)
          << "\" text-anchor=\"end\" fill=\"#555555\">target "
          << fmt(plot.target_ms, plot.target_ms == std::floor(plot.target_ms) ? 0 : 1)
          << " ms</text>\n";
    }

    // One series per (lanes, passes), in that order, each sorted by memory.
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<KdfPoint>> series;
    std::map<std::uint32_t, std::size_t> lane_rank;
    for (const KdfPoint& p : plot.grid) {
        series[{p.lanes, p.passes}].push_back(p);
        lane_rank.emplace(p.lanes, 0);
    }
    std::size_t rank = 0;
    for (auto& [lanes, r] : lane_rank) {
        r = rank++;
    }
    // Lines first, then every point over them, the calibrated mark last.
    std::ostringstream lines, points, legend;
    std::size_t index = 0;
    double legend_y = kTop + 6;
    for (auto& [key, members] : series) {
        std::sort(members.begin(), members.end(),
                  [](const KdfPoint& l, const KdfPoint& r) { return l.memory_mib < r.memory_mib; });
        const char* colour = kColours[index % std::size(kColours)];
        const char* dash = kDashes[lane_rank[key.first] % std::size(kDashes)];
        const std::string dashes =
            *dash != '\0' ? std::string(" stroke-dasharray=\"") + dash + "\"" : "";
        const std::string name =
            plural(key.first, "lane", "lanes") + ", " + plural(key.second, "pass", "passes");
        lines << "<polyline class=\"series-line\" data-series=\"" << name
              << "\" fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"2\"" << dashes
              << " points=\"";
        for (const KdfPoint& p : members) {
            lines << fmt(a.x(p.memory_mib)) << "," << fmt(a.y(p.median_ms)) << " ";
        }
        lines << "\"/>\n";
        for (const KdfPoint& p : members) {
            points << "<circle class=\"point\" data-series=\"" << name << "\" cx=\""
                   << fmt(a.x(p.memory_mib)) << "\" cy=\"" << fmt(a.y(p.median_ms))
                   << "\" r=\"4.5\" fill=\"" << colour << "\"><title>" << point_label(p)
                   << "</title></circle>\n";
        }
        legend << "<g class=\"legend\" data-series=\"" << name << "\" data-colour=\"" << colour
               << "\"><line x1=\"" << kRight + 20 << "\" y1=\"" << legend_y << "\" x2=\""
               << kRight + 50 << "\" y2=\"" << legend_y << "\" stroke=\"" << colour
               << "\" stroke-width=\"2\"" << dashes << "/><circle cx=\"" << kRight + 35
               << "\" cy=\"" << legend_y << "\" r=\"4.5\" fill=\"" << colour << "\"/><text x=\""
               << kRight + 58 << "\" y=\"" << legend_y + 4 << "\">" << name << "</text></g>\n";
        legend_y += 20;
        ++index;
    }
    s << lines.str() << points.str() << legend.str();

    if (plot.calibrated) {
        const KdfPoint& c = *plot.calibrated;
        const double x = a.x(c.memory_mib), y = a.y(c.median_ms);
        s << "<g id=\"calibrated\" data-memory-mib=\"" << c.memory_mib << "\" data-passes=\""
          << c.passes << "\" data-lanes=\"" << c.lanes << "\" data-ms=\"" << fmt(c.median_ms)
          << "\">\n<circle cx=\"" << fmt(x) << "\" cy=\"" << fmt(y)
          << "\" r=\"9\" fill=\"none\" stroke=\"#000000\" stroke-width=\"2.5\"/>\n"
          << "<circle class=\"calibrated-point\" cx=\"" << fmt(x) << "\" cy=\"" << fmt(y)
          << "\" r=\"3.5\" fill=\"#000000\"/>\n"
          << "<text x=\"" << fmt(std::min(x, kRight - 150.0)) << "\" y=\""
          << fmt(std::max(y - 14, kTop + 12.0))
          << "\" font-weight=\"bold\">calibrated</text>\n</g>\n"
          << "<g class=\"legend\"><circle cx=\"" << kRight + 35 << "\" cy=\"" << legend_y + 10
          << "\" r=\"7\" fill=\"none\" stroke=\"#000000\" stroke-width=\"2.5\"/>";
        const std::string text[] = {
            "calibrated:",
            std::to_string(c.memory_mib) + " MiB, " + plural(c.passes, "pass", "passes"),
            plural(c.lanes, "lane", "lanes") + ", " + fmt(c.median_ms) + " ms",
            "attacker: " + fmt(c.memory_mib / 1024.0 * c.passes, 2) + " GiB·pass"};
        for (const std::string& line : text) {
            s << "<text x=\"" << kRight + 58 << "\" y=\"" << legend_y + 14 << "\">" << line
              << "</text>";
            legend_y += 16;
        }
        s << "</g>\n";
    }
    s << "</svg>\n";
    return s.str();
}

}  // namespace tresor::cli
