"""Targets and the Markdown report: pure functions of the results dict (bench.json)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Target:
    """`metric` must be <= `limit` (or >= when `at_least`); units are the metric's."""

    name: str
    metric: str
    limit: float
    unit: str
    at_least: bool = False


# The speed issue's targets (issue 19: the ONNX encoder and lazy imports), with the earlier
# ones that still apply (re-ingest, scale).
TARGETS = (
    Target("/api/ask p50, sequential, new questions", "api_p50_ms", 15, "ms"),
    Target("/api/ask p95, sequential, new questions", "api_p95_ms", 30, "ms"),
    Target("throughput at 16 concurrent clients", "rps_16", 200, "req/s", at_least=True),
    Target("throughput at 32 concurrent clients", "rps_32", 60, "req/s", at_least=True),
    Target("errors at 16 concurrent clients", "errors_16", 0, "errors"),
    Target("errors at 32 concurrent clients", "errors_32", 0, "errors"),
    Target("no-op re-ingest (`advisor ingest` wall time)", "noop_reingest_cli_s", 2, "s"),
    Target("`advisor serve` start to /api/health ready", "server_ready_s", 3, "s"),
    Target("cold `advisor ask` (start to printed answer)", "cold_start_ask_s", 2.5, "s"),
    Target("`advisor ask` peak RSS", "ask_peak_rss_mb", 300, "MB"),
    Target("100k chunks: query p50 (hybrid retrieval)", "scale_100k_hybrid_p50_ms", 60, "ms"),
    Target("server peak RSS", "server_peak_rss_mb", 350, "MB"),
)


def judge(target: Target, value: float | None) -> dict[str, Any]:
    """met / missed / not measured, and by how much (positive margin = room to spare)."""
    if value is None:
        return {"status": "not measured", "margin": None}
    margin = value - target.limit if target.at_least else target.limit - value
    met = margin >= 0
    pct = None if target.limit == 0 else round(100 * margin / target.limit, 1)
    return {"status": "met" if met else "missed", "margin": round(margin, 2), "margin_pct": pct}


def evaluate(
    metrics: Mapping[str, Any], targets: Iterable[Target] = TARGETS
) -> list[dict[str, Any]]:
    out = []
    for t in targets:
        value = metrics.get(t.metric)
        out.append(
            {
                "target": t.name,
                "metric": t.metric,
                "limit": f"{'>=' if t.at_least else '<='} {t.limit:g} {t.unit}",
                "value": value,
                "unit": t.unit,
                **judge(t, value),
            }
        )
    return out


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def table(header: list[str], rows: Iterable[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        lines.append("| " + " | ".join(_cell(v).replace("|", "\\|") for v in row) + " |")
    return "\n".join(lines)


def _measured(t: Mapping[str, Any]) -> str:
    return "" if t["value"] is None else f"{_cell(t['value'])} {t['unit']}"


def _margin(t: Mapping[str, Any]) -> str:
    if t["margin"] is None:
        return ""
    pct = t.get("margin_pct")
    return f"{t['margin']:+g} {t['unit']}" + ("" if pct is None else f" ({pct:+g}%)")


def render(results: Mapping[str, Any]) -> str:
    """The whole report: machine, one table per section, then the targets."""
    parts = ["# Benchmark results", ""]
    machine = results.get("machine", {})
    parts.append("Machine: " + ", ".join(f"{k} {v}" for k, v in machine.items()) + ".")
    parts.append(f"Command: `{results.get('command', '')}`; {results.get('seconds', 0):.0f} s.")
    for name, section in results.get("sections", {}).items():
        parts += ["", f"## {name}", ""]
        if "error" in section:
            parts.append(f"Failed: {section['error']}")
            continue
        parts.append(
            table(
                ["measure", "value", "unit", "baseline", "baseline value", "ratio"],
                [
                    [
                        r["measure"],
                        r["value"],
                        r["unit"],
                        r["baseline"] if r["baseline_value"] is not None else "",
                        r["baseline_value"],
                        r["ratio"],
                    ]
                    for r in section["rows"]
                ],
            )
        )
    parts += ["", "## Targets", ""]
    parts.append(
        table(
            ["target", "limit", "measured", "status", "margin"],
            [
                [t["target"], t["limit"], _measured(t), t["status"], _margin(t)]
                for t in results.get("targets", [])
            ],
        )
    )
    return "\n".join(parts) + "\n"
