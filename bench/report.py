"""Turns bench/run's hyperfine JSON files into the Markdown report (bench/RESULTS.md).

Called by bench/run only; everything comes in through BENCH_* environment variables.
Statistics are taken over the runs that exited 0; failed runs (a hang cut off by the
timeout is exit 124) are counted and reported, never averaged in.
"""

import json
import os
import statistics
import sys
from collections import namedtuple

env = os.environ
W = env["BENCH_DIR"]
QUICK = env["BENCH_QUICK"] == "1"
BUILD_NOTE = (
    "static-pie release build of `scripts/build-static`"
    if env.get("BENCH_BUILD", "static") == "static"
    else "dynamically linked `cargo build --release` build"
)
RSS_TARGET_KIB = 5 * 1024  # "≤ 5 MB", read as MiB like the cfssl figures
ECDSA_TARGET = 1 / 3  # ours/cfssl at the median
RSA_TARGET = 0.5  # ours/cfssl and ours/openssl at the median
BATCH_TARGET = 5000  # certificates/s of `sign -batch`
TOOLS = ("ours", "cfssl", "openssl")
TOOL_NAMES = {"ours": "cfssl-rs", "cfssl": "cfssl 1.2", "openssl": "openssl"}
NPROC = env.get("BENCH_NPROC", "?")


def read_lines(name, fields):
    path = os.path.join(W, name)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [
            (line.rstrip("\n").split("|", fields - 1) + [""] * fields)[:fields]
            for line in f
            if line.strip()
        ]


# One line of bench/run's cases file; see the comment above its `add` function.
Case = namedtuple("Case", "ident label target runs prepare limit ours cfssl openssl certs")
cases = [Case(*fields) for fields in read_lines("cases", len(Case._fields))]
batch_cases = [c for c in cases if c.target == "batch"]
failures = {}  # (id, tool) -> [messages]
for ident, tool, why in read_lines("failures", 3):
    failures.setdefault((ident, tool), []).append(why)
rss = {ident: (ours, theirs) for ident, ours, theirs in read_lines("rss", 3)}


class Timing:
    """Median, min and max over the successful runs of one command."""

    def __init__(self, result):
        codes = result.get("exit_codes") or [0] * len(result["times"])
        ok = [t for t, c in zip(result["times"], codes) if c == 0]
        self.runs = len(result["times"])
        self.failed = [c for c in codes if c != 0]
        self.median = statistics.median(ok) if ok else None
        self.min = min(ok) if ok else None
        self.max = max(ok) if ok else None


def load(ident, tool):
    path = os.path.join(W, f"{ident}.{tool}.json")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        results = json.load(f)["results"]
    return Timing(results[0]) if results else None


def fmt_time(seconds, unit):
    return f"{seconds:.2f}" if unit == "s" else f"{seconds * 1000:.1f}"


def cell(ident, tool, timing):
    """'12.3 ms (10.1–15.0)': median, then min–max in the median's unit."""
    if timing is None:
        return "**failed** (see Failures)" if (ident, tool) in failures else "n/a"
    if timing.median is None:
        return f"**all {timing.runs} runs failed** (see Failures)"
    unit = "s" if timing.median >= 1 else "ms"
    text = (
        f"{fmt_time(timing.median, unit)} {unit} "
        f"({fmt_time(timing.min, unit)}–{fmt_time(timing.max, unit)})"
    )
    if timing.failed:
        text += f" ⚠ {len(timing.failed)}/{timing.runs} runs failed"
    return text


def ratio(ours, theirs):
    if ours is None or theirs is None or ours.median is None or theirs.median is None:
        return None
    return ours.median / theirs.median


def fmt_ratio(r):
    return "–" if r is None else f"{r:.2f}×"


def speed(r):
    return f"{1 / r:.1f}× faster" if r <= 1 else f"{r:.1f}× slower"


def fmt_kib(kib):
    return "n/a" if not kib else f"{int(kib) / 1024:.2f} MiB"


def certs_per_run(case):
    """{tool: certificates one run makes} from the case's OURS/OTHERS count."""
    ours, _, others = case.certs.partition("/")
    return {tool: int(ours if tool == "ours" else others or ours) for tool in TOOLS}


def rate(timing, count):
    """Certificates/s at the median, or None when nothing was measured."""
    if timing is None or timing.median is None:
        return None
    return count / timing.median


def describe_failures(ident, label):
    out = []
    for tool in TOOLS:
        for why in failures.get((ident, tool), []):
            out.append(f"- {label}, {tool}: {why}")
        timing = timings.get((ident, tool))
        if timing and timing.failed:
            codes = sorted(set(timing.failed))
            hang = " (124 = cut off by the timeout: hung or far too slow)" if 124 in codes else ""
            out.append(
                f"- {label}, {tool}: {len(timing.failed)} of {timing.runs} timed runs failed, "
                f"exit code(s) {', '.join(map(str, codes))}{hang}; left out of the statistics"
            )
    return out


timings = {(c.ident, tool): load(c.ident, tool) for c in cases for tool in TOOLS}
rows, targets, failure_lines = [], [], []
for ident, label, target, *_ in cases:
    failure_lines += describe_failures(ident, label)
    if target == "batch":
        continue  # its tools make different numbers of certificates: see batch_report
    ours, cfssl, ossl = (timings[(ident, t)] for t in TOOLS)
    r_cfssl, r_ossl = ratio(ours, cfssl), ratio(ours, ossl)
    rss_ours, rss_cfssl = rss.get(ident, ("", ""))
    rows.append(
        f"| {label} | {cell(ident, 'ours', ours)} | {cell(ident, 'cfssl', cfssl)} "
        f"| {fmt_ratio(r_cfssl)} | {cell(ident, 'openssl', ossl)} | {fmt_ratio(r_ossl)} "
        f"| {fmt_kib(rss_ours)} | {fmt_kib(rss_cfssl)} |"
    )
    if target == "ecdsa":
        basis, r = "cfssl 1.2", r_cfssl
        if r is None and ident == "initca-ed25519":
            # cfssl 1.2 cannot make Ed25519 keys: its ECDSA root is the nearest command.
            basis = "cfssl 1.2's ECDSA `gencert -initca` (it has no Ed25519)"
            r = ratio(ours, timings.get(("initca-ecdsa", "cfssl")))
        if r is None:
            targets.append(f"- {label}: ≥ 3× faster than {basis} — not measurable")
        else:
            verdict = "met" if r <= ECDSA_TARGET else "missed"
            targets.append(
                f"- {label}: ≥ 3× faster than {basis} — **{verdict}** ({speed(r)})"
            )
    elif target == "rsa":
        parts = []
        for name, r in (("cfssl 1.2", r_cfssl), ("openssl", r_ossl)):
            if r is None:
                parts.append(f"vs {name}: not measurable")
            else:
                parts.append(f"vs {name} {r:.2f}× — **{'met' if r <= RSA_TARGET else 'missed'}**")
        targets.append(f"- {label}: median ≤ 0.5× — " + "; ".join(parts))
    # Reported, not judged: a script of many processes (kthw), and the token row, whose
    # memory is mostly the PKCS#11 module's (SoftHSM2 with its libcrypto and libstdc++).
    if rss_ours and ident not in ("kthw", "sign-token"):
        verdict = "met" if int(rss_ours) <= RSS_TARGET_KIB else "missed"
        targets.append(f"- {label}: peak RSS ≤ 5 MiB — **{verdict}** ({fmt_kib(rss_ours)})")
    if ours is not None and ours.failed:
        targets.append(f"- {label}: **{len(ours.failed)} of {ours.runs} runs of cfssl-rs failed**")

table = "\n".join(
    [
        "| command | cfssl-rs median (min–max) | cfssl 1.2 | ratio | openssl | ratio "
        "| peak RSS ours | peak RSS cfssl 1.2 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        *rows,
    ]
)
failure_text = (
    "\n### Failures\n\n"
    + "\n".join(failure_lines)
    + "\n\nA failed run is left out of its row's statistics. When the failures are hangs of"
    " slow runs (a long RSA prime search), the remaining runs are the fast ones and the"
    " median is biased low.\n"
    if failure_lines
    else ""
)



def batch_report(case):
    """The throughput table of a batch row, and its target lines.

    Its peak RSS is reported, not judged: a batch holds every certificate it makes.
    """
    counts = certs_per_run(case)
    rates = {t: rate(timings[(case.ident, t)], counts[t]) for t in TOOLS}
    lines = [
        f"**{case.label}**",
        "",
        "| tool | certificates | median time (min–max) | certificates/s | cfssl-rs speed-up |",
        "| --- | --- | --- | --- | --- |",
    ]
    for tool in TOOLS:
        timing = timings[(case.ident, tool)]
        if timing is None and (case.ident, tool) not in failures:
            continue  # not installed, or not compared
        r = rates[tool]
        up = "–"
        if tool != "ours" and r and rates["ours"]:
            up = f"{rates['ours'] / r:.1f}×"
        lines.append(
            f"| {TOOL_NAMES[tool]} | {counts[tool]:,} | {cell(case.ident, tool, timing)} "
            f"| {'–' if r is None else f'{r:,.0f}'} | {up} |"
        )
    rss_ours, rss_cfssl = rss.get(case.ident, ("", ""))
    theirs = f" cfssl 1.2's largest single process: {fmt_kib(rss_cfssl)}." if rss_cfssl else ""
    lines.append(
        f"\nPeak RSS of the cfssl-rs batch run: {fmt_kib(rss_ours)} (not judged against the"
        f" 5 MiB per-command\ntarget: it holds all {counts['ours']:,} certificates).{theirs}"
    )

    goal = f"- {case.label}: ≥ {BATCH_TARGET:,} ECDSA certificates/s on {NPROC} cores"
    if rates["ours"] is None:
        verdicts = [f"{goal} — not measurable"]
    else:
        verdict = "met" if rates["ours"] >= BATCH_TARGET else "missed"
        verdicts = [f"{goal} — **{verdict}** ({rates['ours']:,.0f}/s)"]
    ours = timings[(case.ident, "ours")]
    if ours is not None and ours.failed:
        verdicts.append(
            f"- {case.label}: **{len(ours.failed)} of {ours.runs} runs of cfssl-rs failed**"
        )
    return "\n".join(lines), verdicts


batch_tables = []
for case in batch_cases:
    batch_table, batch_targets = batch_report(case)
    batch_tables.append(batch_table)
    targets += batch_targets

batch_section = ""
if batch_tables:
    batch_runs = "; ".join(
        dict.fromkeys(
            f"cfssl-rs {c.runs.partition('/')[0]}, each loop {c.runs.rpartition('/')[2]}"
            for c in batch_cases
        )
    )
    batch_section = f"""
## Batch signing

`cfssl-rs sign -ca … -ca-key … -batch DIR` (a cfssl-rs extension) signs every `DIR/*.csr`
in one process on every core and writes `DIR/NAME.pem` for each, all or none; the files
are made durable with one `syncfs` rather than an `fsync` per file. As in every `sign`,
each CSR's signature is verified before it is signed, and each certificate's signature is
verified after signing. cfssl 1.2 and openssl have no batch mode: each is timed as a `bash`
loop that starts one process per certificate, as a script would, over the first few of the
same CSRs. **certificates/s** is the certificates one run makes divided by its median
time; **cfssl-rs speed-up** is cfssl-rs's certificates/s divided by the other tool's.

Runs — {batch_runs}.

{(chr(10) * 2).join(batch_tables)}
"""

runs_note = "; ".join(f"{c.label}: {c.runs}" for c in cases if c.target != "batch")
mem_gib = int(env.get("BENCH_MEM_KIB") or 0) / 1024 / 1024


def strip_paths(cmd):
    for prefix, name in (
        (env.get("BENCH_OURS", ""), "cfssl-rs"),
        (env.get("BENCH_OURSJSON", ""), "cfssljson-rs"),
        (W + "/", ""),
        (env.get("BENCH_ROOT", "") + "/", ""),
    ):
        if prefix and prefix != "/":
            cmd = cmd.replace(prefix, name)
    return cmd.replace("\\", "").strip()


commands = []
for _ident, label, _target, _runs, prepare, limit, ours_cmd, cfssl_cmd, ossl_cmd, *_ in cases:
    cut = f" — each run cut off after {limit} s (`timeout`)" if limit not in ("", "0") else ""
    commands.append(f"- {label}{cut}")
    if prepare:
        commands.append(f"  - before each run: `{strip_paths(prepare)}`")
    for who, cmd in (("ours", ours_cmd), ("cfssl", cfssl_cmd), ("openssl", ossl_cmd)):
        if cmd:
            commands.append(f"  - {who}: `{strip_paths(cmd)}`")

quick = (
    "\n**Quick run (`bench/run --quick`)**: a handful of runs per command, for smoke "
    "testing; the numbers are only indicative.\n"
    if QUICK
    else ""
)
# The benchmark itself keeps about one process running, which the load average counts: the
# other work is the load before the script started, or what is above 1 while it runs.
try:
    own = {"BENCH_LOAD_BEFORE": 0.0, "BENCH_LOAD": 1.0, "BENCH_LOAD_END": 1.0}
    other = max(float(env[k].split()[0]) - d for k, d in own.items() if k in env)
    busy = other >= 0.5 * int(env["BENCH_NPROC"])
except (KeyError, ValueError, IndexError):
    busy = False
if busy:
    quick += (
        f"\n**The machine was busy with other work during this run** (a 1-minute load average "
        f"of about {other:.2f} besides the benchmark's own, on {env['BENCH_NPROC']} cores): "
        "absolute times are inflated "
        "and noisy, and the ratios only indicative.\n"
    )
report = f"""# cfssl-rs benchmark results

Made by `bench/run` on {env["BENCH_DATE"]}.
{quick}
## Machine

- CPU: {env["BENCH_CPU"]}, {env["BENCH_NPROC"]} logical cores (`nproc`)
- RAM: {mem_gib:.1f} GiB
- kernel: {env["BENCH_KERNEL"]}
- load average (1, 5, 15 min) before the build: {env.get("BENCH_LOAD_BEFORE", "?")}; when
  the timings started: {env["BENCH_LOAD"]}; when they ended: {env.get("BENCH_LOAD_END", "?")}
  (while it runs, the benchmark itself counts for about 1)

Other load on the machine (builds, tests, other users) skews these numbers, mostly upwards
and mostly in the max column; compare ratios taken in the same run, not absolute times
across runs or machines.

## Versions

- cfssl-rs {env["BENCH_V_OURS"]} ({BUILD_NOTE}, {env["BENCH_V_RUSTC"]})
- cfssl {env["BENCH_V_CFSSL"]} (Debian `golang-cfssl`)
- {env["BENCH_V_OPENSSL"]}
- {env["BENCH_V_HYPERFINE"]}

## Timings

Wall-clock time per process run, measured by hyperfine (`-N`: no shell in between), over
the runs that exited 0: the median, then the fastest and slowest run. **ratio** is
cfssl-rs's median divided by the other tool's: below 1 means cfssl-rs is faster. Peak RSS
is the largest maximum resident set size (`/usr/bin/time -f %M`) over a few runs; for the
KTHW row it is that of the largest single process the script started.

Runs per command — {runs_note}.

{table}
{failure_text}{batch_section}
## Issue 6 targets

{chr(10).join(targets) if targets else "- nothing measured"}

## What each row runs

The CAs (ECDSA P-256 and RSA-2048, made by cfssl-rs), `server.csr` (ECDSA P-256) and
`leaf.json` (a `gencert` result) are made once, and every tool is handed the same files. The
openssl commands do the same cryptographic work (key generation, a self-signed or CA-signed
certificate) without cfssl's JSON handling; they are a reference for what the work costs.
For batch signing, every CSR in `batch/` has its own ECDSA P-256 key (made by cfssl-rs
`genkey`), and `batch-one/` holds copies of the first few for the per-certificate loops.
For the token row, the ECDSA CA key is imported into a SoftHSM2 token (`softhsm2-util
--import`, after `openssl pkcs8 -topk8`) and named by its `pkcs11:` URI: every run loads
the PKCS#11 module, logs in and signs in the token; cfssl 1.2 and openssl are not compared.

{chr(10).join(commands)}
"""

with open(env["BENCH_RESULTS"], "w", encoding="utf-8") as f:
    f.write(report)

print(table)
print(failure_text)
print(batch_section)
print("\n".join(targets))
print(f"\nwritten to {env['BENCH_RESULTS']}", file=sys.stderr)
