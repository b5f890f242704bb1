"""report.html: one self-contained page, rendered from the report.json data.

Charts are inline SVG and the styling is one inline <style>. The page has no script, no CDN and
no external file, so it opens offline and is safe to attach to a CI run. Every piece of text that
comes from data (questions, answers, quotes, reasons, backend names) goes through `esc`. The
dataset holds `<script>` and `<img onerror>` payloads on purpose.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from evals.plain_text import plain_text
from evals.report import format_value, judge_note
from evals.report_sections import DEFINITIONS, sections

COLOURS = ("#2563eb", "#16a34a", "#d97706", "#7c3aed", "#db2777", "#0891b2")
BASELINE_COLOUR = "#9ca3af"

CSS = """
:root { --ok: #15803d; --bad: #b91c1c; --muted: #6b7280; --line: #e5e7eb; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px;
       padding: 0 1rem; color: #111827; }
h1 { font-size: 1.5rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid var(--line); }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid var(--line); padding: .25rem .5rem; text-align: left;
         vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.pass { background: #dcfce7; } td.fail { background: #fee2e2; font-weight: 600; }
td.known { background: #fef9c3; }
.muted { color: var(--muted); } .small { font-size: 12px; }
.badge { display: inline-block; padding: .1rem .5rem; border-radius: 1rem; color: white; }
.badge.pass { background: var(--ok); } .badge.fail { background: var(--bad); }
.legend span { display: inline-block; margin-right: 1rem; }
.swatch { display: inline-block; width: .8rem; height: .8rem; margin-right: .3rem;
          vertical-align: middle; }
details { border: 1px solid var(--line); border-radius: .4rem; margin: .6rem 0;
          padding: .4rem .8rem; }
summary { cursor: pointer; font-weight: 600; }
ol.sentences { padding-left: 1.2rem; } ol.sentences li { margin: .2rem 0; }
li.structural { color: var(--muted); }
mark.bad { background: #fecaca; padding: 0 .15rem; }
.why { color: var(--bad); font-size: 12px; display: block; }
ol.citations li { margin: .3rem 0; }
.valid { color: var(--ok); } .invalid { color: var(--bad); font-weight: 600; }
svg text { font: 12px system-ui, sans-serif; fill: #111827; }
svg text.na { fill: var(--muted); }
"""


def esc(value: Any) -> str:
    """HTML-escape anything that came from data, quotes included."""
    return html.escape(str(value), quote=True)


def _colours(names: Sequence[str]) -> dict[str, str]:
    out, i = {}, 0
    for name in names:
        if name == "naive-langchain":
            out[name] = BASELINE_COLOUR
        else:
            out[name] = COLOURS[i % len(COLOURS)]
            i += 1
    return out


def _thresholds(data: Mapping[str, Any]) -> dict[tuple[str, str], Mapping[str, Any]]:
    gate = data.get("gate") or {}
    return {(c["backend"], c["metric"]): c for c in gate.get("checks", [])}


def _unscored(data: Mapping[str, Any], name: str, key: str) -> str | None:
    """Why `name` cannot be scored on `key` (the baseline gives no verdict), else None."""
    return (data["backends"][name].get("unscored") or {}).get(key)


def _legend(colours: Mapping[str, str], gate_ran: bool) -> str:
    items = "".join(
        f'<span><i class="swatch" style="background:{c}"></i>{esc(n)}</span>'
        for n, c in colours.items()
    )
    # The dashed lines exist only when the gate ran (--check); never promise what is not drawn.
    gate = '<span class="muted">dashed line: gate threshold</span>' if gate_ran else ""
    return f'<p class="legend">{items}{gate}</p>'


def share_chart(data: Mapping[str, Any], colours: Mapping[str, str], keys: Sequence[str]) -> str:
    """Grouped horizontal bars (0..1) for the share metrics among `keys`, one bar per backend."""
    names = list(colours)
    metrics = [m for m in data["metrics"] if m["key"] in keys and m["kind"] in ("share", "mean")]
    if not metrics:
        return ""
    label_w, bar_w, bar_h, gap = 340, 480, 13, 12  # labels up to ~50 characters
    group_h = len(names) * bar_h + gap
    height = len(metrics) * group_h + 24
    thresholds = _thresholds(data)
    parts = [
        f'<svg role="img" aria-label="share metrics per backend" width="{label_w + bar_w + 70}" '
        f'height="{height}" viewBox="0 0 {label_w + bar_w + 70} {height}">'
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        x = label_w + tick * bar_w
        parts.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 18}" stroke="#e5e7eb"/>'
            f'<text x="{x:.1f}" y="{height - 4}" text-anchor="middle">{tick:g}</text>'
        )
    for i, metric in enumerate(metrics):
        top = i * group_h
        parts.append(
            f'<text x="{label_w - 8}" y="{top + group_h / 2}" text-anchor="end" '
            f'dominant-baseline="middle">{esc(metric["label"])}</text>'
        )
        for j, name in enumerate(names):
            figure = data["backends"][name]["summary"].get(metric["key"], {})
            value = figure.get("value")
            why = _unscored(data, name, metric["key"])
            y = top + j * bar_h
            if value is None or why:
                title = f"<title>{esc(name)}: {esc(why)}</title>" if why else ""
                parts.append(
                    f'<text x="{label_w + 8}" y="{y + bar_h - 3}" class="na">{title}n/a'
                    f"{' — ' + esc(why) if why else ''}</text>"
                )
                continue
            width = max(0.0, min(1.0, value)) * bar_w
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{width:.1f}" height="{bar_h - 2}" '
                f'fill="{colours[name]}"><title>{esc(name)}: {value:.3f}</title></rect>'
                f'<text x="{label_w + bar_w + 8}" y="{y + bar_h - 3}">{value:.3f}</text>'
            )
            check = thresholds.get((name, metric["key"]))
            if check is not None:
                x = label_w + min(1.0, check["threshold"]) * bar_w
                parts.append(
                    f'<line x1="{x:.1f}" y1="{y - 1}" x2="{x:.1f}" y2="{y + bar_h}" '
                    'stroke="#111827" stroke-width="2" stroke-dasharray="3,2"/>'
                )
    parts.append("</svg>")
    return "".join(parts)


def latency_chart(data: Mapping[str, Any], colours: Mapping[str, str]) -> str:
    """p50 and p95 latency per backend, bars scaled to the slowest."""
    rows = []
    for name in colours:
        summary = data["backends"][name]["summary"]
        for key, label in (("latency_p50_ms", "p50"), ("latency_p95_ms", "p95")):
            value = summary.get(key, {}).get("value")
            if value is not None:
                rows.append((name, label, float(value)))
    if not rows:
        return '<p class="muted">No latency measured.</p>'
    peak = max(v for _, _, v in rows) or 1.0
    label_w, bar_w, bar_h = 220, 480, 16
    height = len(rows) * bar_h + 8
    parts = [
        f'<svg role="img" aria-label="latency per backend" width="{label_w + bar_w + 90}" '
        f'height="{height}" viewBox="0 0 {label_w + bar_w + 90} {height}">'
    ]
    for i, (name, label, value) in enumerate(rows):
        y = i * bar_h
        width = value / peak * bar_w
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_h - 4}" text-anchor="end">'
            f"{esc(name)} {label}</text>"
            f'<rect x="{label_w}" y="{y + 1}" width="{width:.1f}" height="{bar_h - 3}" '
            f'fill="{colours[name]}"/>'
            f'<text x="{label_w + width + 4:.1f}" y="{y + bar_h - 4}">{value:.1f} ms</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def section_table(data: Mapping[str, Any], names: Sequence[str], keys: Sequence[str]) -> str:
    """The figures of one section, each with its one-line definition; gated cells coloured."""
    thresholds = _thresholds(data)
    head = "".join(f"<th>{esc(n)}</th>" for n in names)
    rows = []
    for metric in (m for m in data["metrics"] if m["key"] in keys):
        cells = []
        for name in names:
            why = _unscored(data, name, metric["key"])
            if why:
                cells.append(
                    f'<td class="num">n/a <span class="muted small">— {esc(why)}</span></td>'
                )
                continue
            figure = data["backends"][name]["summary"].get(metric["key"], {})
            text = format_value(figure.get("value"), metric["kind"])
            if figure.get("hits") is not None and figure.get("total") is not None:
                text += f' <span class="muted small">({figure["hits"]}/{figure["total"]})</span>'
            check = thresholds.get((name, metric["key"]))
            status = "" if check is None else " " + _STATUS_CSS.get(check["status"], "fail")
            cells.append(f'<td class="num{status}">{text}</td>')
        rows.append(
            f'<tr><td>{esc(metric["label"])} <code class="small">{esc(metric["key"])}</code></td>'
            + "".join(cells)
            + f'<td class="small">{esc(DEFINITIONS.get(metric["key"], ""))}</td></tr>'
        )
    return f"<table><tr><th>metric</th>{head}<th>definition</th></tr>{''.join(rows)}</table>"


# A gate check's status as a cell colour; a known shortfall is yellow, never a pass.
_STATUS_CSS = {"pass": "pass", "known": "known"}


def gate_section(data: Mapping[str, Any]) -> str:
    gate = data.get("gate")
    if gate is None:
        return '<p class="muted">Gate not checked (run with <code>--check</code>).</p>'
    badge = (
        '<span class="badge pass">PASS</span>'
        if gate["passed"]
        else ('<span class="badge fail">FAIL</span>')
    )
    rows = []
    for c in gate["checks"]:
        value = "n/a" if c["value"] is None else f"{c['value']:.4g}"
        if c.get("total") is not None:
            value += f" ({c['hits']}/{c['total']})"
        miss = "" if c["met"] or c["shortfall"] is None else f"{c['shortfall']:.4g}"
        status = c["status"]
        label = {"pass": "pass", "known": "below target (known)"}.get(status, "FAIL")
        css = _STATUS_CSS.get(status, "fail")
        why = ""
        if status == "known" and c.get("known"):
            why = f"recorded at {c['known']['floor']:.4g}: {c['known']['why']}"
        rows.append(
            f"<tr><td>{esc(c['backend'])}</td><td><code>{esc(c['metric'])}</code></td>"
            f'<td class="num">{esc(value)} {esc(c.get("note") or "")}</td>'
            f"<td>{esc(c['op'])} {c['threshold']:g}</td>"
            f'<td class="{css}">{esc(label)}</td><td class="num">{esc(miss)}</td>'
            f"<td>{esc(why)}</td></tr>"
        )
    return (
        f"<p>{badge}</p><table><tr><th>backend</th><th>metric</th><th>value</th><th>needs</th>"
        f"<th></th><th>misses by</th><th>known shortfall</th></tr>{''.join(rows)}</table>"
    )


def agreement_table(data: Mapping[str, Any]) -> str:
    rows = []
    for mode, splits in data["agreement"].items():
        for split, a in splits.items():
            rows.append(
                f"<tr><td>{esc(mode)}</td><td>{esc(split)}</td><td class='num'>{a['pairs']}</td>"
                f"<td class='num'>{format_value(a['accuracy'], 'share')}</td>"
                f"<td class='num'>{format_value(a['precision'], 'share')}</td>"
                f"<td class='num'>{format_value(a['recall'], 'share')}</td>"
                f"<td class='num'>{format_value(a['kappa'], 'share')}</td>"
                f"<td>{esc(', '.join(a['disagreements']) or '-')}</td></tr>"
            )
    return (
        "<table><tr><th>scorer</th><th>pair split</th><th>pairs</th><th>accuracy</th>"
        f"<th>precision</th><th>recall</th><th>kappa</th><th>disagreements</th></tr>{''.join(rows)}</table>"
    )


def category_table(data: Mapping[str, Any], names: Sequence[str]) -> str:
    categories = sorted({c for n in names for c in data["backends"][n]["by_category"]})
    head = "".join(f"<th>{esc(n)}</th>" for n in names)
    rows = []
    for category in categories:
        cells = []
        for name in names:
            row = data["backends"][name]["by_category"].get(category)
            text = "-" if row is None else f"{row['with_problems']} / {row['cases']}"
            cells.append(f'<td class="num">{text}</td>')
        rows.append(f"<tr><td>{esc(category)}</td>{''.join(cells)}</tr>")
    return (
        "<p class='muted'>Cases with at least one problem / cases.</p>"
        f"<table><tr><th>category</th>{head}</tr>{''.join(rows)}</table>"
    )


def _sentence(sentence: Mapping[str, Any]) -> str:
    # plain text, then escaped: never raw table pipes or ** from the answer's Markdown
    text = esc(plain_text(sentence["text"]))
    if sentence["structural"] is not None:
        return f'<li class="structural" title="{esc(sentence["structural"])}">{text}</li>'
    if sentence["cited_support"]:
        return f"<li>{text}</li>"
    reasons = "; ".join(sentence["reasons"])
    numbers = sentence.get("unsupported_numbers") or []
    if numbers and "numbers not in" not in reasons:
        reasons += f" (numbers not in the cited text: {', '.join(numbers)})"
    return f'<li><mark class="bad">{text}</mark><span class="why">{esc(reasons)}</span></li>'


def failure_card(case: Mapping[str, Any]) -> str:
    """One worst failure, closed: its summary line names the problems (the page stays short)."""
    citations = []
    for c in case.get("citations") or []:
        ok = case["citations_valid"].get(str(c["n"]), False)
        mark = '<span class="valid">valid</span>' if ok else '<span class="invalid">INVALID</span>'
        citations.append(
            f'<li value="{int(c["n"])}">{mark} <b>{esc(c["title"])}</b> '
            f"<span class='muted small'>{esc(c['doc_id'])} {int(c['start'])}–{int(c['end'])}"
            f"</span><br>“{esc(plain_text(c['quote']))}”</li>"
        )
    expected = case["expected_verdict"] or ("missing facts" if case["expected_missing"] else "-")
    sentences = "".join(_sentence(s) for s in case["sentences"])
    return (
        f"<details><summary>{esc(case['case_id'])} · {esc(case['category'])} · "
        f"severity {int(case['severity'])}: "
        f"<span class='problems'>{esc('; '.join(case['problems']))}</span></summary>"
        f"<p><b>Question:</b> {esc(case['question'])}</p>"
        f"<p class='small'>verdict expected {esc(expected)}, got {esc(case['verdict'] or '-')}; "
        f"abstain expected {esc(case['expect_abstain'])}, got {esc(case['abstained'])}</p>"
        f"<p class='small muted'>Sentences: grey = structural (not a claim), "
        f"highlighted = not supported by its own citations.</p>"
        f"<ol class='sentences'>{sentences}</ol>"
        + (f"<ol class='citations'>{''.join(citations)}</ol>" if citations else "")
        + "</details>"
    )


def _judge_paragraph(meta: Mapping[str, Any]) -> str:
    """The optional RAGAS judge's note under the table; empty when no judge ran."""
    if not meta.get("judge"):
        return ""
    return f'<p class="muted">{esc(judge_note(meta["judge"]).replace("`", ""))}</p>'


def metric_sections(data: Mapping[str, Any], names: Sequence[str]) -> str:
    """Every section of figures, relevance first: heading, why it matters, chart, table."""
    colours = _colours(names)
    parts = [_legend(colours, data.get("gate") is not None)]
    for section, keys in sections([m["key"] for m in data["metrics"]]):
        parts.append(f"<h2>{esc(section.title)}</h2>")
        if section.intro:
            parts.append(f'<p class="muted">{esc(section.intro)}</p>')
        parts.append(share_chart(data, colours, keys))
        if "latency_p50_ms" in keys:
            parts.append(latency_chart(data, colours))
        parts.append(section_table(data, names, keys))
    parts.append(_judge_paragraph(data["meta"]))
    return "\n".join(p for p in parts if p)


def to_html(data: Mapping[str, Any]) -> str:
    """The whole report page."""
    meta = data["meta"]
    names = list(data["backends"])
    unavailable = "".join(
        f"<p><b>{esc(n)}: unavailable.</b> {esc(why)}</p>" for n, why in data["unavailable"].items()
    )
    failures = []
    for name in names:
        cards = "".join(failure_card(case) for case in data["backends"][name]["failures"])
        failures.append(f"<h3>{esc(name)}</h3>" + (cards or "<p class='muted'>No failures.</p>"))
    settings = meta.get("settings") or {}
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>IMG Advisor eval: {esc(meta["split"])}</title>
<style>{CSS}</style></head><body>
<h1>IMG Advisor eval: {esc(meta["split"])} split, {int(meta["cases"])} cases</h1>
<p class="muted">{esc(meta.get("command") or "")}<br>started {esc(meta["started_at"])},
{esc(meta["seconds"])} s · embedder {esc(settings.get("embedder"))} ·
index {esc(settings.get("generation"))} · dataset {esc(meta["dataset"])}</p>
{unavailable}
{metric_sections(data, names)}
<h2>Gate</h2>
{gate_section(data)}
<h2>By category</h2>
{category_table(data, names)}
<h2>Support scorer vs the hand-labelled pairs</h2>
{agreement_table(data)}
<h2>Worst failures</h2>
<p class="muted small">Click a case to see its sentences and citations.</p>
{"".join(failures)}
<p class="muted small">Definitions in full: docs/evals.md. Rendered from report.json.</p>
</body></html>
"""
