#!/usr/bin/env python3
"""Checks rules/<lib>.toml and expected.toml against what Chromium really
showed: the AX dumps tools/probe.mjs wrote to tools/out/<lib>.json.

For every [[setting]] it finds the control the way privaudit does (non-ignored
AX nodes, role compared case-insensitively, exact name after collapsing
whitespace, or name_regex), requires exactly one match, reads its value
(checked true/false/mixed -> on/off/mixed) and compares with expected.toml;
a "disabled" refusal must be a disabled node, a "mixed" one a mixed node.
It also checks that ids match the page's state keys and the file names.

    python3 tools/check_rules.py         # after node tools/probe.mjs
"""

import json
import re
import sys
import tomllib
from pathlib import Path

ZOO = Path(__file__).resolve().parent.parent


def collapse(s):
    return " ".join((s or "").split())


def main():
    expected = tomllib.loads((ZOO / "expected.toml").read_text())
    failures, checked = [], 0
    for rule_file in sorted((ZOO / "rules").glob("*.toml")):
        lib = rule_file.stem
        rule = tomllib.loads(rule_file.read_text())
        dump_file = ZOO / "tools" / "out" / f"{lib}.json"
        if rule["platform"]["id"] != lib:
            failures.append(f"{lib}: platform id {rule['platform']['id']!r} is not the file stem")
        if not (ZOO / "site" / lib / "settings.html").is_file():
            failures.append(f"{lib}: no site/{lib}/settings.html")
        if not dump_file.is_file():
            failures.append(f"{lib}: no {dump_file.relative_to(ZOO)} (run tools/probe.mjs)")
            continue
        state = tomllib.loads((ZOO / "site" / lib / "replica.toml").read_text())["state"]
        nodes = [n for n in json.loads(dump_file.read_text())["ax"] if not n["ignored"]]
        ids = [s["id"] for s in rule["setting"]]
        if sorted(ids) != sorted(expected.get(lib, {})):
            failures.append(f"{lib}: rule ids {ids} differ from expected.toml's {sorted(expected.get(lib, {}))}")
        for s in rule["setting"]:
            checked += 1
            where = f"{lib}.{s['id']}"
            if s["id"] not in state:
                failures.append(f"{where}: not a state key of site/{lib}/replica.toml")
            c = s["control"]
            role = c.get("role", "").lower()
            if "name" in c:
                match = lambda n: collapse(n.get("name")) == collapse(c["name"])
            else:
                match = lambda n: re.search(c["name_regex"], n.get("name") or "") is not None
            found = [n for n in nodes if (n.get("role") or "").lower() == role and match(n)]
            if len(found) != 1:
                failures.append(f"{where}: {len(found)} AX nodes match {c}, expected one")
                continue
            n = found[0]
            value = {"true": "on", "false": "off", "mixed": "mixed"}.get(str(n.get("checked")).lower())
            want = expected[lib][s["id"]]
            if value != want["read"]:
                failures.append(f"{where}: reads {value!r}, expected.toml says {want['read']!r}")
            if want["apply"] == "refuse":
                reason = want.get("reason")
                if reason == "disabled" and not n.get("disabled"):
                    failures.append(f"{where}: expected disabled, the AX node is not")
                if reason == "mixed" and value != "mixed":
                    failures.append(f"{where}: expected mixed, reads {value!r}")
            else:
                if n.get("disabled"):
                    failures.append(f"{where}: disabled, but expected.toml wants {want['apply']!r}")
                wanted = "ok" if value == s["private_value"] else "fixed"
                if want["apply"] != wanted:
                    failures.append(f"{where}: reads {value!r} vs private {s['private_value']!r}: apply should be {wanted!r}")
    for f in failures:
        print(f"FAIL {f}")
    print(f"{checked - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
