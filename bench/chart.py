"""Draws bench/results.png from bench/results.json (run in bench/.env/tools).

    python bench/chart.py bench/results.json bench/results.png

Top: speed-up (upstream time / ours) per operation, one bar per algorithm,
log scale, with the 1x line. Bottom: end-to-end requests/s per endpoint.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FixedLocator, NullLocator  # noqa: E402
from report import ALGORITHMS  # noqa: E402

COLORS = {
    "HS256": "#d95f02",
    "RS256": "#1b9e77",
    "ES256": "#7570b3",
    "EdDSA": "#e7298a",
}
# The operations of report.OPERATIONS, with labels that fit under a bar.
OPERATIONS = (
    ("access_token", "AccessToken(raw)"),
    ("untyped_token", "UntypedToken(raw)"),
    ("stateless_auth", "stateless\nauthenticate"),
    ("db_auth", "DB-backed\nauthenticate"),
    ("login", "login's worth\n(refresh+access)"),
    ("access_from_refresh", "str(refresh.\naccess_token)"),
    ("refresh", "refresh\nserializer"),
    ("refresh_rotate", "refresh serializer\n(rotation on)"),
    ("sliding_refresh", "sliding\nrefresh"),
)


def label_bars(ax, bars, texts: list[str], fontsize: int) -> None:
    """Writes each text just above its bar."""
    for bar, text in zip(bars, texts, strict=True):
        ax.annotate(
            text,
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=fontsize,
        )


def speedup_panel(ax, results: dict) -> None:
    micro = results["micro"]
    width = 0.2
    for i, algorithm in enumerate(ALGORITHMS):
        values = [micro[algorithm][op]["ratio"] for op, _ in OPERATIONS]
        xs = [x + (i - 1.5) * width for x in range(len(OPERATIONS))]
        bars = ax.bar(xs, values, width, label=algorithm, color=COLORS[algorithm])
        texts = [f"{value:.1f}" if value < 10 else f"{value:.0f}" for value in values]
        label_bars(ax, bars, texts, fontsize=7)
    ax.axhline(
        1.0, color="black", linewidth=1.2, linestyle="--", label="1x = upstream's speed"
    )
    ax.set_yscale("log")
    top = max(
        micro[a][op]["upstream"] / micro[a][op]["ours"]
        for a in ALGORITHMS
        for op, _ in OPERATIONS
    )
    bottom = min(
        micro[a][op]["upstream"] / micro[a][op]["ours"]
        for a in ALGORITHMS
        for op, _ in OPERATIONS
    )
    ax.set_ylim(min(0.5, bottom * 0.8), top * 1.8)
    ticks = [
        t
        for t in (0.5, 1, 2, 5, 10, 20, 50, 100)
        if min(0.5, bottom * 0.8) <= t <= top * 1.8
    ]
    ax.yaxis.set_major_locator(FixedLocator(ticks))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_yticklabels([f"{t:g}x" for t in ticks])
    ax.set_xticks(range(len(OPERATIONS)))
    ax.set_xticklabels([label for _, label in OPERATIONS], fontsize=8)
    ax.set_ylabel("speed-up: upstream time / ours\n(median of per-round ratios)")
    ax.set_title(
        "Micro-benchmarks through the public API: how many times faster than "
        "djangorestframework-simplejwt 5.5.1",
        fontsize=11,
    )
    ax.legend(ncol=5, loc="upper right", fontsize=9)
    ax.grid(axis="y", alpha=0.3)


def e2e_panel(ax, results: dict) -> None:
    e2e = results.get("e2e") or {}
    if "endpoints" not in e2e:
        ax.text(0.5, 0.5, "end-to-end benchmark not run", ha="center", va="center")
        ax.set_axis_off()
        return
    rows = list(e2e["endpoints"].values())
    width = 0.38
    for i, (side, color) in enumerate((("upstream", "#999999"), ("ours", "#1f78b4"))):
        values = [row[side]["rps"] for row in rows]
        xs = [x + (i - 0.5) * width for x in range(len(rows))]
        label = "upstream 5.5.1" if side == "upstream" else "ours"
        bars = ax.bar(xs, values, width, label=label, color=color)
        texts = [f"{value:,.0f}" for value in values]
        if side == "ours":
            texts = [
                f"{text}\n({row['ratio']:.2f}x)"
                for text, row in zip(texts, rows, strict=True)
            ]
        label_bars(ax, bars, texts, fontsize=8)
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels([row["label"] for row in rows], fontsize=8)
    ax.set_ylabel("requests/s")
    ax.set_ylim(
        0, max(row[s]["rps"] for row in rows for s in ("upstream", "ours")) * 1.3
    )
    ax.set_title(
        f"End to end: example project, gunicorn 2 sync workers, {e2e['command']}",
        fontsize=10,
    )
    ax.legend(loc="upper right", fontsize=9)
    ax.grid(axis="y", alpha=0.3)


def main() -> None:
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    results = json.loads(source.read_text())
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(13, 9.5), gridspec_kw={"height_ratios": [3, 2]}
    )
    speedup_panel(top, results)
    e2e_panel(bottom, results)
    machine = results["machine"]
    fig.text(
        0.01,
        0.005,
        f"{results['date']} · {machine['cpu']}, {machine['cores']} cores · "
        f"commit {machine['commit']} · medians of interleaved rounds · make bench",
        fontsize=7,
        color="#555555",
    )
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    fig.savefig(target, dpi=110)


if __name__ == "__main__":
    main()
