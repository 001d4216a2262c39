#!/usr/bin/env python3
"""The monitoring files of docs/ against the real server (ctest: monitoring_files_match_metrics).

Usage: check_monitoring.py SERVER_BINARY SOURCE_DIR

1. docs/monitoring/mediation-alerts.yml parses as YAML and is a Prometheus rule file: every rule has an
   alert name (unique), an expression, a severity and a summary, a description and a runbook_url whose
   anchor is a heading of docs/operations.md.
2. docs/monitoring/grafana-dashboard.json parses as JSON and is a dashboard whose queries all go to the
   Prometheus data source chosen by its datasource variable; panel ids are unique.
3. The server binary is started on 127.0.0.1 port 0 with its own --data-dir and a scheduler that scans
   every 100 ms, and /metrics is scraped once the scheduler's gauges are there (they are absent before
   its first scan; every other metric, histogram buckets included, is written from the start).
4. Every metric named in the rules, the dashboard and the guide's metrics table ("Health and metrics")
   is in that scrape, so a renamed or removed metric fails here; names of other exporters must be in
   EXTERNAL below. Every metric of the guide's table is shown on the dashboard.
5. If promtool is on the PATH (Debian's prometheus package; not required), `promtool check rules`.
Exit status 0 when all hold, 1 otherwise with every failure listed.
"""

import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

try:
    import yaml
except ImportError:
    print("check_monitoring: needs PyYAML (Debian: apt-get install python3-yaml)", file=sys.stderr)
    sys.exit(1)

# Metrics of other exporters the rules and the dashboard may use (documented in the rules file).
EXTERNAL = {"up", "probe_success", "probe_ssl_earliest_cert_expiry", "node_filesystem_avail_bytes",
            "node_filesystem_size_bytes", "node_timex_sync_status", "node_timex_offset_seconds"}
PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "offset",
                "bool", "inf", "nan", "atan2"}

failures = []


def fail(message):
    failures.append(message)


def metric_names(expr):
    """The metric names of a PromQL expression (not functions, keywords, labels, strings or numbers)."""
    e = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    e = re.sub(r"\{[^}]*\}", "", e)            # label matchers
    e = re.sub(r"\[[^\]]*\]", "", e)           # ranges and subqueries
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", e)
    e = re.sub(r"(?<![A-Za-z0-9_:])\d[0-9A-Za-z_.]*", "0", e)  # numbers and durations
    names = set()
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", e):
        word = m.group(0)
        if e[m.end():].lstrip().startswith("("):
            continue  # a function
        if word.lower() in PROMQL_WORDS:
            continue
        names.add(word)
    return names


def slug(heading):
    """GitHub's anchor of a Markdown heading."""
    s = heading.strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


def check_rules(path, anchors):
    used = set()
    try:
        doc = yaml.safe_load(open(path, encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        fail(f"{path}: {e}")
        return used
    names = set()
    groups = doc.get("groups") if isinstance(doc, dict) else None
    if not isinstance(groups, list) or not groups:
        fail(f"{path}: no groups")
        return used
    for group in groups:
        for rule in group.get("rules") or []:
            alert = rule.get("alert")
            where = f"{path}: rule {alert or rule.get('expr')!r}"
            if not alert or not re.fullmatch(r"[A-Z][A-Za-z0-9]+", alert):
                fail(f"{where}: alert name missing or not CamelCase")
            if alert in names:
                fail(f"{where}: alert name used twice")
            names.add(alert)
            expr = rule.get("expr")
            if not isinstance(expr, str) or not expr.strip():
                fail(f"{where}: no expr")
                continue
            if expr.count("(") != expr.count(")") or expr.count("{") != expr.count("}"):
                fail(f"{where}: unbalanced brackets in expr")
            if "for" in rule and not re.fullmatch(r"\d+[smhd]", str(rule["for"])):
                fail(f"{where}: 'for' is not a duration")
            if (rule.get("labels") or {}).get("severity") not in ("critical", "warning", "info"):
                fail(f"{where}: severity must be critical, warning or info")
            annotations = rule.get("annotations") or {}
            for key in ("summary", "description", "runbook_url"):
                if not str(annotations.get(key, "")).strip():
                    fail(f"{where}: no {key}")
            runbook = str(annotations.get("runbook_url", ""))
            m = re.fullmatch(r"docs/operations\.md#([a-z0-9-]+)", runbook)
            if not m or m.group(1) not in anchors:
                fail(f"{where}: runbook_url {runbook!r} is not a heading of docs/operations.md")
            used |= {(n, where) for n in metric_names(expr)}
    print(f"rules: {len(names)} alerts in {len(groups)} groups")
    return used


def check_dashboard(path):
    used = set()
    try:
        dash = json.load(open(path, encoding="utf-8"))
    except (OSError, ValueError) as e:
        fail(f"{path}: {e}")
        return used
    variables = (dash.get("templating") or {}).get("list") or []
    ds_vars = [v["name"] for v in variables if v.get("type") == "datasource" and v.get("query") == "prometheus"]
    if not ds_vars:
        fail(f"{path}: no datasource variable of type prometheus")
        return used
    ds_ref = "${" + ds_vars[0] + "}"
    for v in variables:
        if v.get("type") != "query":
            continue
        if (v.get("datasource") or {}).get("uid") != ds_ref:
            fail(f"{path}: variable {v.get('name')} does not query {ds_ref}")
        q = v.get("query")
        q = q.get("query", "") if isinstance(q, dict) else str(q)
        m = re.fullmatch(r"label_values\(\s*([A-Za-z_:][A-Za-z0-9_:]*)\s*,\s*\w+\s*\)", q)
        if not m:
            fail(f"{path}: variable {v.get('name')}: query {q!r} is not label_values(metric, label)")
        else:
            used.add((m.group(1), f"{path}: variable {v.get('name')}"))
    ids, queries = set(), 0
    for panel in dash.get("panels") or []:
        title = panel.get("title")
        if panel.get("id") in ids:
            fail(f"{path}: panel id {panel.get('id')} used twice")
        ids.add(panel.get("id"))
        if "gridPos" not in panel:
            fail(f"{path}: panel {title!r} has no gridPos")
        if panel.get("type") == "row":
            continue
        if (panel.get("datasource") or {}).get("uid") != ds_ref:
            fail(f"{path}: panel {title!r} does not use the data source {ds_ref}")
        targets = panel.get("targets") or []
        if not targets:
            fail(f"{path}: panel {title!r} has no query")
        for t in targets:
            expr = t.get("expr", "")
            if not expr.strip() or not t.get("refId"):
                fail(f"{path}: panel {title!r}: a target without expr or refId")
                continue
            if (t.get("datasource") or {}).get("uid") != ds_ref:
                fail(f"{path}: panel {title!r}: a target not on {ds_ref}")
            queries += 1
            used |= {(n, f"{path}: panel {title!r}") for n in metric_names(expr)}
    print(f"dashboard: {len(ids)} panels, {queries} queries, data source variable ${ds_vars[0]}")
    return used


def guide_metrics(text):
    """Metric names in the first column of the table under "## Health and metrics"."""
    section = text.split("\n## Health and metrics", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `mediation_"):
            names |= set(re.findall(r"`(mediation_[a-z0-9_]+)`", line.split("|")[1]))
    return names


def scrape(server):
    """Starts the server, waits for the scheduler's first scan, returns the names /metrics shows."""
    tmp = tempfile.mkdtemp(prefix="mediation-monitoring.")
    with open(os.path.join(tmp, "workflow.json"), "w") as f:
        json.dump({"scan_interval_ms": 100}, f)
    proc = subprocess.Popen([server, "--listen", "127.0.0.1:0", "--data-dir", os.path.join(tmp, "data"),
                             "--seed-demo-accounts", "--workflow", os.path.join(tmp, "workflow.json"),
                             "--log-level", "warn", "--drain-seconds", "0"],
                            stdout=subprocess.PIPE, stderr=open(os.path.join(tmp, "server.err"), "w"), text=True)
    try:
        port = None
        deadline = time.time() + 30
        while port is None and time.time() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 0.5)
            if ready:
                line = proc.stdout.readline()
                if not line:
                    break
                m = re.fullmatch(r"listening on 127\.0\.0\.1:(\d+)\n?", line)
                port = m and int(m.group(1))
        if port is None:
            raise RuntimeError("the server did not print 'listening on': " + open(os.path.join(tmp, "server.err")).read())
        text = ""
        while time.time() < deadline:
            text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
            if "mediation_scheduler_last_scan_timestamp_seconds" in text:
                break
            time.sleep(0.2)
        else:
            fail("the scheduler's gauges did not appear in /metrics within 30 s")
        names = set()
        for line in text.splitlines():
            if line.startswith("# TYPE "):
                names.add(line.split()[2])
            elif line and not line.startswith("#"):
                names.add(re.split(r"[{ ]", line, 1)[0])
        print(f"/metrics of {server}: {len(names)} names")
        return names
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    if len(sys.argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    server, source = sys.argv[1], sys.argv[2]
    rules_path = os.path.join(source, "docs/monitoring/mediation-alerts.yml")
    dashboard_path = os.path.join(source, "docs/monitoring/grafana-dashboard.json")
    guide = open(os.path.join(source, "docs/operations.md"), encoding="utf-8").read()
    anchors = {slug(h) for h in re.findall(r"^#+ (.+)$", guide, re.M)}

    rule_uses = check_rules(rules_path, anchors)
    dash_uses = check_dashboard(dashboard_path)
    documented = guide_metrics(guide)
    if not documented:
        fail("docs/operations.md: no metrics table under 'Health and metrics'")
    served = scrape(server)

    for name, where in sorted(rule_uses | dash_uses):
        if name.startswith("mediation_"):
            if name not in served:
                fail(f"{where}: {name} is not in the server's /metrics")
        elif name not in EXTERNAL:
            fail(f"{where}: {name} is neither the server's nor a known exporter's metric")
    for name in sorted(documented - served):
        fail(f"docs/operations.md (Health and metrics): {name} is not in the server's /metrics")
    on_dashboard = {n for n, _ in dash_uses}
    for name in sorted(documented):
        # A histogram is on the dashboard through its _bucket, _sum or _count series.
        if not any(n == name or n.startswith(name + "_") and n[len(name):] in ("_bucket", "_sum", "_count") for n in on_dashboard):
            fail(f"{dashboard_path}: {name} (in the guide's metrics table) has no panel")
    print(f"checked {len({n for n, _ in rule_uses})} metric names in the rules, {len(on_dashboard)} on the dashboard, "
          f"{len(documented)} in the guide's table")

    promtool = shutil.which("promtool")
    if promtool:
        r = subprocess.run([promtool, "check", "rules", rules_path], capture_output=True, text=True)
        print(r.stdout.strip())
        if r.returncode != 0:
            fail(f"promtool check rules: {r.stdout}{r.stderr}")
    else:
        print("promtool not found: rule expressions checked for names and brackets only")

    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
