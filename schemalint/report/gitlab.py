"""`--format gitlab`: a GitLab Code Quality report (`artifacts: reports: codequality`).

The fingerprint identifies a finding across commits: it hashes what the finding is about
(code, file, table, column, message), not its line, so moving code around does not make
GitLab report it as fixed and new again."""

from __future__ import annotations

import hashlib
import json

from schemalint.findings import Finding
from schemalint.report import ReportContext

_SEVERITY = {"error": "major", "warning": "minor"}


def _fingerprint(finding: Finding, seen: dict[str, int]) -> str:
    identity = "\0".join([finding.code, finding.path, finding.table or "", finding.column or "", finding.message])
    digest = hashlib.sha256(identity.encode()).hexdigest()
    # Two identical findings in one file still need distinct fingerprints.
    seen[digest] = seen.get(digest, 0) + 1
    if seen[digest] > 1:
        digest = hashlib.sha256(f"{digest}\0{seen[digest]}".encode()).hexdigest()
    return digest[:32]


def format_gitlab(findings: list[Finding], context: ReportContext) -> str:
    seen: dict[str, int] = {}
    report = [
        {
            "description": f"{f.code} {'[*] ' if context.applicable(f) else ''}{f.message}",
            "check_name": f.code,
            "fingerprint": _fingerprint(f, seen),
            "severity": _SEVERITY.get(f.severity, "minor"),
            "location": {"path": f.path, "lines": {"begin": f.line}},
        }
        for f in findings
    ]
    return json.dumps(report, indent=2) + "\n"
