"""Turns bench/results.json into bench/results.md (standard library only).

python bench/report.py [bench/results.json]   # rewrite results.md
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from statistics import median

# The algorithms, operations and control rows of every run, in table order;
# run.py, micro.py, _django.py and chart.py take them from here, and
# benches/floor.rs uses the same operation ids.
ALGORITHMS = ("HS256", "RS256", "ES256", "EdDSA")

OPERATIONS = (
    ("access_token", "`AccessToken(raw)`"),
    ("untyped_token", "`UntypedToken(raw)`"),
    ("stateless_auth", "`JWTStatelessUserAuthentication().authenticate(request)`"),
    ("db_auth", "`JWTAuthentication().authenticate(request)` (SQLite user)"),
    ("login", "login's worth: `for_user` + `str(refresh)` + `str(access)`"),
    ("access_from_refresh", "`str(refresh.access_token)`"),
    ("refresh", "`TokenRefreshSerializer.is_valid()`, rotation off"),
    ("refresh_rotate", "`TokenRefreshSerializer.is_valid()`, rotation on"),
    ("sliding_refresh", "`TokenRefreshSlidingSerializer.is_valid()`"),
)
BASELINES = (
    ("orm_user_get", "`User.objects.get(pk=...)`"),
    ("drf_refresh_shape", "DRF serializer shaped like the refresh one, no token work"),
    ("drf_sliding_shape", "DRF serializer shaped like the sliding one, no token work"),
)

# Django work an operation does besides the engine's (measured in ours' venv
# in the same rounds); added to the Rust floor of that row. Ours looks the
# user up on sliding refresh too (to refuse a deleted or inactive user's
# token, and a changed password with CHECK_REVOKE_TOKEN; 5.5.1 does not).
DJANGO_PART = {
    "db_auth": ("orm_user_get",),
    "refresh": ("orm_user_get", "drf_refresh_shape"),
    "refresh_rotate": ("orm_user_get", "drf_refresh_shape"),
    "sliding_refresh": ("orm_user_get", "drf_sliding_shape"),
}

HS256_TARGETS = {
    "access_token": 25,
    "stateless_auth": 20,
    "login": 20,
    "access_from_refresh": 20,
}

FLOOR_FACTOR, FLOOR_SLACK_S = 1.2, 2e-6


def us(seconds: float) -> str:
    value = seconds * 1e6
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def ratio(value: float) -> str:
    return f"{value:.2f}x" if value < 10 else f"{value:.1f}x"


def stats(results: dict, algorithm: str, operation: str) -> dict[str, float]:
    """One row's numbers. Times are medians across rounds; ratios and
    differences are taken within each round (the sides were measured back
    to back) and then the median across rounds, which the drift of a shared
    machine disturbs far less than a ratio of medians."""
    per_op = results["micro_rounds"][algorithm]
    sides = per_op[operation]
    up, ours = sides["upstream"], sides["ours"]
    ratios = [u / o for u, o in zip(up, ours, strict=True)]
    row = {
        "upstream": median(up),
        "ours": median(ours),
        "ratio": median(ratios),
        "low": min(ratios),
        "high": max(ratios),
    }
    if "floor" in sides:
        parts = [per_op[name]["ours"] for name in DJANGO_PART.get(operation, ())]
        django = [sum(values) for values in zip(*parts, strict=True)] or [0.0] * len(
            ours
        )
        floors = [f + d for f, d in zip(sides["floor"], django, strict=True)]
        pairs = list(zip(ours, floors, strict=True))
        row.update(
            engine=median(sides["floor"]),
            django=median(django),
            over_floor=median([o / f for o, f in pairs]),
            minus_floor=median([o - f for o, f in pairs]),
            # <= 0 when ours is within FLOOR_FACTOR x floor + FLOOR_SLACK_S.
            floor_margin=median(
                [o - (FLOOR_FACTOR * f + FLOOR_SLACK_S) for o, f in pairs]
            ),
        )
    return row


def evaluate(results: dict) -> list[tuple[str, str, bool]]:
    """The issue's targets: (target, what was measured, holds)."""
    checks: list[tuple[str, str, bool]] = []
    for operation, minimum in HS256_TARGETS.items():
        speedup = stats(results, "HS256", operation)["ratio"]
        label = dict(OPERATIONS)[operation]
        checks.append(
            (f"HS256 {label} >= {minimum}x", f"{speedup:.1f}x", speedup >= minimum)
        )
    for algorithm in ALGORITHMS[1:]:
        slower = []
        far = []
        for operation, _label in OPERATIONS:
            row = stats(results, algorithm, operation)
            if row["ratio"] < 1:
                slower.append(f"{operation} ({row['ratio']:.2f}x)")
            if row["floor_margin"] > 0:
                far.append(
                    f"{operation} ({row['over_floor']:.2f}x, +{us(row['minus_floor'])} us)"
                )
        checks.append(
            (
                f"{algorithm}: no operation slower than upstream",
                "all faster" if not slower else "slower: " + ", ".join(slower),
                not slower,
            )
        )
        checks.append(
            (
                f"{algorithm}: every operation <= 1.2 x floor + 2 us",
                "all within" if not far else "over: " + ", ".join(far),
                not far,
            )
        )
    probes = results.get("probes")
    if probes:
        gil = probes["gil"]["ours"]
        checks.append(
            (
                "GIL: 2 threads vs 1, RS256 AccessToken(raw) >= 1.7x",
                f"{gil['rs256']['ratio']:.2f}x (control on this machine now: "
                f"{gil['control']['ratio']:.2f}x)",
                gil["rs256"]["ratio"] >= 1.7,
            )
        )
        memory = probes["memory"]["ours"]["HS256"]
        growth_mib = memory["growth_kib"] / 1024
        checks.append(
            (
                f"RSS growth over {memory['iterations']:,} validations < 5 MiB",
                f"{growth_mib:.2f} MiB",
                growth_mib < 5,
            )
        )
        imports = probes["imports"]
        checks.append(
            (
                "import cost of rest_framework_simplejwt.authentication <= upstream",
                f"ours {imports['ours']['median_s'] * 1e3:.1f} ms vs upstream "
                f"{imports['upstream']['median_s'] * 1e3:.1f} ms",
                imports["ours"]["median_s"] <= imports["upstream"]["median_s"],
            )
        )
        keys = probes.get("keys")
        if keys:
            extra = keys["over_single"]["kid_listed"]
            checks.append(
                (
                    "key rotation: a kid lookup costs < 0.3 us over a single key",
                    f"{extra * 1e6:+.3f} us (HS256, a listed key's kid)",
                    extra < 0.3e-6,
                )
            )
    e2e = results.get("e2e")
    if e2e and "endpoints" in e2e:
        losing = [
            endpoint for endpoint, row in e2e["endpoints"].items() if row["ratio"] <= 1
        ]
        speedups = ", ".join(
            f"{endpoint} {row['ratio']:.2f}x"
            for endpoint, row in e2e["endpoints"].items()
        )
        checks.append(
            (
                "e2e: more requests/s than upstream on every endpoint",
                speedups,
                not losing,
            )
        )
        stateless = (e2e.get("revocation") or {}).get("endpoints", {}).get("stateless")
        if stateless and "ours-revocation-redis" in stateless["rows"]:
            rows = stateless["rows"]
            checks.append(
                (
                    "e2e: stateless endpoint with access-token revocation through "
                    "Redis above upstream's stateless endpoint",
                    f"{rows['ours-revocation-redis']['rps']:,.0f} vs "
                    f"{rows['upstream']['rps']:,.0f} req/s",
                    rows["ours-revocation-redis"]["rps"] > rows["upstream"]["rps"],
                )
            )
    return checks


def micro_table(results: dict, algorithm: str) -> list[str]:
    lines = [
        f"### {algorithm}",
        "",
        "| operation | upstream µs | ours µs | floor µs | + Django µs "
        "| upstream/ours | rounds | ours/floor | ours − floor µs |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for operation, label in OPERATIONS:
        row = stats(results, algorithm, operation)
        lines.append(
            f"| {label} | {us(row['upstream'])} | {us(row['ours'])} "
            f"| {us(row['engine'])} | {us(row['django']) if row['django'] else '–'} "
            f"| **{ratio(row['ratio'])}** | {row['low']:.3g}–{row['high']:.3g} "
            f"| {ratio(row['over_floor'])} | {us(row['minus_floor'])} |"
        )
    for operation, label in BASELINES:
        row = stats(results, algorithm, operation)
        lines.append(
            f"| control: {label} | {us(row['upstream'])} | {us(row['ours'])} | – | – "
            f"| {ratio(row['ratio'])} | {row['low']:.3g}–{row['high']:.3g} | – | – |"
        )
    return [*lines, ""]


def spread(results: dict) -> str:
    """How much the round medians of ours moved, as a noise indicator."""
    worst = 0.0
    for per_op in results["micro_rounds"].values():
        for sides in per_op.values():
            values = sides.get("ours", [])
            if len(values) > 1 and min(values) > 0:
                worst = max(worst, max(values) / min(values))
    return f"{worst:.2f}x"


def markdown(results: dict) -> str:
    machine = results["machine"]
    versions = results["versions"]
    info = results["packages"]
    out: list[str] = []
    add = out.append
    add("# Benchmark results: djangorestframework-simplejwt-rs vs upstream 5.5.1")
    add("")
    add(
        f"{results['date']}, `make bench` (`{results['command'].strip()}`, "
        f"{results['mode']} mode), {results.get('elapsed_s', 0) / 60:.1f} min "
        f"("
        + ", ".join(
            f"{name} {seconds / 60:.1f}"
            for name, seconds in results.get("timings", {}).items()
        )
        + ")."
    )
    add("")
    add(
        "![speed-up per operation and algorithm, and end-to-end requests/s](results.png)"
    )
    add("")
    add("## Machine and versions")
    add("")
    add("| | |")
    add("| --- | --- |")
    add(f"| CPU | {machine['cpu']}, {machine['cores']} cores (shared, noisy) |")
    add(f"| kernel | {machine['kernel']} |")
    add(f"| Python | {info['ours']['python']} (both venvs) |")

    def version(venv: str, dist: str) -> str:
        return versions[venv].get(dist.lower(), "?")

    for dist in ("Django", "djangorestframework", "gunicorn"):
        add(
            f"| {dist} | {version('upstream', dist)} (upstream venv), "
            f"{version('ours', dist)} (ours venv) |"
        )
    add(
        f"| upstream | djangorestframework-simplejwt {version('upstream', 'djangorestframework-simplejwt')} |"
    )
    add(
        f"| PyJWT, cryptography | {version('upstream', 'PyJWT')}, {version('upstream', 'cryptography')} (upstream venv only) |"
    )
    dirty = " + uncommitted engine changes" if machine["engine_tree_dirty"] else ""
    add(
        f"| ours | djangorestframework-simplejwt-rs {version('ours', 'djangorestframework-simplejwt-rs')}, "
        f"release wheel of commit `{machine['commit']}`{dirty} |"
    )
    add(f"| Rust | {machine['rustc']} |")
    load = results["load_average"]
    add(
        f"| load average | {load['before']} before, {load['after']} after the micro-benchmarks |"
    )
    if results.get("e2e") and "wrk" in results["e2e"]:
        add(f"| wrk | {results['e2e']['wrk']} |")
    add("")
    if machine["engine_tree_dirty"]:
        add(
            "The wheel was built from a working tree with uncommitted changes to "
            + ", ".join(f"`{line[3:]}`" for line in machine["engine_tree_changes"])
            + "."
        )
        add("")

    add("## Targets")
    add("")
    add("| target | measured | holds |")
    add("| --- | --- | :---: |")
    for target, measured, holds in evaluate(results):
        add(f"| {target} | {measured} | {'yes' if holds else '**no**'} |")
    add("")

    settings = results["settings"]
    add("## Micro-benchmarks")
    add("")
    add(
        f"Each operation through the package's public API, the same script in each "
        f"venv. {settings['rounds']} rounds, upstream and ours alternating (who goes "
        f"first alternates too), then the floor; in a round, timeit-style batches of "
        f"~{settings['batch_s'] * 1e3:.0f} ms ({settings['batches']} batches, median). "
        f"Times: the median across rounds. Ratios and differences: computed "
        f"within each round, where the sides were measured back to back, then "
        f"the median across rounds (a ratio of medians is thrown off by the "
        f"machine's drift; the control rows show how much better this holds); "
        f"*rounds* is the lowest and highest upstream/ours of a single round. "
        f"Largest max/min spread of ours' round medians in this run: "
        f"{spread(results)}."
    )
    add("")
    add(
        "*floor*: benches/floor.rs, the engine alone in Rust (split, base64, "
        "signature, payload JSON, claim checks; minting: jti, payload JSON, "
        "signature), no Python objects. *+ Django*: for rows that also query "
        "the user or run a DRF serializer, the cost of `User.objects.get` and of a "
        "serializer with the same fields and no token work, measured in ours' venv in the same rounds (the "
        "*control* rows), added to the floor for the ours/floor and ours − floor "
        "columns. Ours' sliding refresh also looks the user up (as upstream's main "
        "branch does; 5.5.1 does not), so its row carries that query."
    )
    add("")
    for algorithm in ALGORITHMS:
        out.extend(micro_table(results, algorithm))

    probes = results.get("probes")
    if probes:
        add("## GIL release (two threads vs one)")
        add("")
        add(
            f"`AccessToken(raw)` of an RS256 token in a loop: one thread, then two "
            f"threads, {settings['gil_seconds']:g} s each, {settings['gil_repeats']} "
            f"alternating repeats, median. The control is `hashlib.sha256` over "
            f"256 KiB (CPython releases the GIL for it): its ratio is what two "
            f"threads could get on this machine at that moment."
        )
        add("")
        add("| | one thread /s | two threads /s | ratio | control ratio |")
        add("| --- | ---: | ---: | ---: | ---: |")
        for venv in ("upstream", "ours"):
            gil = probes["gil"][venv]
            add(
                f"| {venv} | {gil['rs256']['one_thread']:,.0f} | "
                f"{gil['rs256']['two_threads']:,.0f} | **{gil['rs256']['ratio']:.2f}x** "
                f"| {gil['control']['ratio']:.2f}x |"
            )
        add("")
        add("## Memory")
        add("")
        add(
            "Resident set size (VmRSS) before and after validating the same token "
            "over and over with `AccessToken(raw)`, after 10,000 warm-up "
            "validations and `gc.collect()`."
        )
        add("")
        add(
            "| package | algorithm | validations | RSS before MiB | RSS after MiB | growth KiB |"
        )
        add("| --- | --- | ---: | ---: | ---: | ---: |")
        for venv in ("upstream", "ours"):
            for algorithm, memory in probes["memory"][venv].items():
                add(
                    f"| {venv} | {algorithm} | {memory['iterations']:,} | "
                    f"{memory['rss_start_kib'] / 1024:.1f} | "
                    f"{memory['rss_end_kib'] / 1024:.1f} | **{memory['growth_kib']:,}** |"
                )
        add("")
        add("## Import cost")
        add("")
        imports = probes["imports"]
        n = len(imports["ours"]["samples"])
        add(
            f"Wall time of `import rest_framework_simplejwt.authentication` in a fresh "
            f"interpreter after `django.setup()` (INSTALLED_APPS: contenttypes, auth, "
            f"rest_framework), {n} interpreters per package, alternating; median. "
            f"Includes what the package imports (for upstream: PyJWT, cryptography; for "
            f"ours: the native module)."
        )
        add("")
        add("| upstream ms | ours ms | upstream/ours |")
        add("| ---: | ---: | ---: |")
        up, ours = imports["upstream"]["median_s"], imports["ours"]["median_s"]
        add(f"| {up * 1e3:.1f} | {ours * 1e3:.1f} | **{up / ours:.2f}x** |")
        add("")
        keys = probes.get("keys")
        if keys:
            from probes import KEY_ROWS

            add("## Key rotation (ours only)")
            add("")
            add(
                "HS256 verification by the engine (`Engine.decode`, signature and "
                "claims) under the key rotation settings, against the same call with "
                "one key; upstream has no such settings. Interleaved batches of "
                f"{keys['calls_per_batch']:,} calls, {len(keys['samples']['single'])} "
                "rounds: the median time, and the median of each round's difference "
                "to the single key measured beside it."
            )
            add("")
            add("| configuration | us per call | over a single key, us |")
            add("| --- | ---: | ---: |")
            for row, label in KEY_ROWS:
                add(
                    f"| {label} | {keys['seconds'][row] * 1e6:.2f} | "
                    f"{keys['over_single'][row] * 1e6:+.3f} |"
                )
            add("")

    e2e = results.get("e2e")
    if e2e:
        add("## End to end (gunicorn + wrk)")
        add("")
        if "skipped" in e2e:
            add(e2e["skipped"])
        else:
            add(
                f"example/ served by gunicorn ({e2e['gunicorn']}), each package in its "
                f"own venv and SQLite file, both servers up, loaded one at a time with "
                f"`{e2e['command']}` over loopback, {e2e['rounds']} rounds alternating "
                f"the servers per endpoint. req/s and p99: medians of the rounds; "
                f"ours/upstream: the median of each round's ratio (*rounds*: lowest "
                f"and highest). HS256 (the example's SECRET_KEY), access tokens from "
                f"each server's own /api/token/."
            )
            add("")
            add(
                "| endpoint | upstream req/s | ours req/s | ours/upstream | rounds "
                "| upstream p99 ms | ours p99 ms |"
            )
            add("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
            for row in e2e["endpoints"].values():
                up, ours = row["upstream"], row["ours"]
                add(
                    f"| {row['label']} | {up['rps']:,.0f} | {ours['rps']:,.0f} | "
                    f"**{row['ratio']:.2f}x** | {row['low']:.2f}–{row['high']:.2f} "
                    f"| {up['p99_s'] * 1e3:.2f} | {ours['p99_s'] * 1e3:.2f} |"
                )
            bad = sum(
                row[side]["non_2xx"]
                for row in e2e["endpoints"].values()
                for side in ("upstream", "ours")
            )
            add("")
            add(f"Non-2xx responses during measured runs: {bad}.")
            _revocation_rows(e2e, add)
        add("")
    out.extend(async_section(results.get("async_auth")))
    add("## Reproduce")
    add("")
    add("```")
    add("make bench            # quick mode, as above")
    add("make bench FULL=1     # more rounds, longer runs")
    add("```")
    add("")
    # results.md sits beside its results.json (bench/ or bench/.out/).
    add("Raw numbers (every round) are in results.json, beside this file.")
    add("")
    return "\n".join(out)


def async_section(async_auth: dict | None) -> list[str]:
    """Issue 14's rows: an async view authenticating with aauthenticate vs
    sync_to_async(authenticate) (bench/async_auth.py)."""
    if not async_auth:
        return []
    first = next(iter(async_auth.values()))
    out = [
        "## Async authentication (aauthenticate vs sync_to_async)",
        "",
        "An `async def` view (bench/async_auth.py) on one event loop, "
        f"{first['concurrency']} requests in flight, HS256 Bearer access tokens, "
        f"SQLite file; {first['rounds']} rounds of {first['seconds']:g} s alternating "
        "the strategies, medians. No HTTP server: the difference is the "
        "authentication's. Upstream has no aauthenticate.",
        "",
        "| venv | strategy | requests/s | vs sync_to_async, same venv and class |",
        "| --- | --- | ---: | ---: |",
    ]
    for venv, result in async_auth.items():
        strategies = result["strategies"]
        for name, row in strategies.items():
            cls, _, how = name.partition(" ")
            base = strategies.get(f"{cls} sync_to_async(authenticate)")
            versus = f"{row['median_rps'] / base['median_rps']:.2f}x" if base else ""
            out.append(
                f"| {venv} | `{cls}` {how} | {row['median_rps']:,.0f} | {versus} |"
            )
    out += [""]
    return out


def snippet(results: dict) -> str:
    """The "Performance" section for the top-level README, from these results."""

    def r(algorithm: str, operation: str) -> str:
        return ratio(stats(results, algorithm, operation)["ratio"])

    machine = results["machine"]
    lines = [
        "## Performance",
        "",
        "![Speed-up over djangorestframework-simplejwt 5.5.1 per operation and "
        "algorithm, and end-to-end requests/s](bench/results.png)",
        "",
        "Measured side by side with upstream djangorestframework-simplejwt 5.5.1 "
        "(PyJWT + cryptography) in one run, same Django and DRF, through the public "
        "API; each figure is upstream's time per call / ours "
        f"({results['date']}, {machine['cpu']}, {machine['cores']} cores, "
        f"Python {results['packages']['ours']['python']}):",
        "",
        "| operation | HS256 | RS256 | ES256 | EdDSA |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for operation, label in OPERATIONS:
        cells = " | ".join(r(algorithm, operation) for algorithm in ALGORITHMS)
        lines.append(f"| {label} | {cells} |")
    lines.append("")
    probes = results.get("probes")
    e2e = results.get("e2e")
    if e2e and "endpoints" in e2e:
        rows = ", ".join(
            f"{row['label']} {row['ratio']:.2f}x" for row in e2e["endpoints"].values()
        )
        lines += [
            f"End to end (the example project under gunicorn, 2 sync workers, "
            f"`{e2e['command']}`), requests/s ours vs upstream: {rows}. A request "
            f"spends most of its time in Django, the ORM and the server, so the "
            f"token engine's speed-up shows less there.",
            "",
        ]
    if probes:
        memory = probes["memory"]["ours"]["HS256"]
        imports = probes["imports"]
        gil = probes["gil"]["ours"]
        lines += [
            f"Memory: resident set size grew {memory['growth_kib']} KiB over "
            f"{memory['iterations']:,} validations. Import of "
            f"`rest_framework_simplejwt.authentication`: "
            f"{imports['ours']['median_s'] * 1e3:.0f} ms vs "
            f"{imports['upstream']['median_s'] * 1e3:.0f} ms for upstream. "
            f"The engine releases the GIL around RSA, ECDSA and Ed25519 work; "
            f"two threads validating RS256 tokens did {gil['rs256']['ratio']:.2f}x "
            f"the work of one (a GIL-free control did "
            f"{gil['control']['ratio']:.2f}x on the same machine at the time).",
            "",
        ]
    lines += [
        "Refreshing a sliding token looks its user up in the database, to refuse "
        "the token of a deleted or inactive user (and, with CHECK_REVOKE_TOKEN, "
        "one issued before a password change); 5.5.1 does not. That query is "
        "why this row is slower than upstream.",
        "",
        "Reproduce (builds a release wheel, creates three virtualenvs under "
        "bench/.env/ from PyPI and installs wrk with apt-get if it is missing; "
        + _duration(results)
        + "):",
        "",
        "```",
        "make bench            # quick; results in bench/.out/, tracked files untouched",
        "make bench FULL=1     # more rounds",
        "make bench UPDATE=1   # also rewrite bench/results.* and this section",
        "```",
        "",
        "Full tables with the Rust floor, per-round ranges and the machine: "
        "[bench/results.md](bench/results.md); method: [bench/README.md]"
        "(bench/README.md). The figures above come from a shared 2-core machine; "
        "absolute times vary between runs, ratios measured within one run are "
        "what to compare.",
        "",
    ]
    return "\n".join(lines)


def _duration(results: dict) -> str:
    """How long the run shown took, with the command it ran and what it
    left out: the estimate a reader gets is a measurement, not a guess."""
    minutes = results.get("elapsed_s", 0) / 60
    command = results.get("command", "python bench/run.py")
    text = f"the run shown, `{command}`, took {minutes:.0f} min"
    setup = results.get("timings", {}).get("setup")
    if setup is not None:
        text += (
            f", {setup / 60:.1f} of them building the release wheel and the virtualenvs"
        )
    skipped = [
        name
        for name, key in (("the probes", "probes"), ("the end-to-end runs", "e2e"))
        if key in results and results[key] is None
    ]
    if skipped:
        text += "; it skipped " + " and ".join(skipped)
    return text


README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"


README = Path(__file__).resolve().parent.parent / "README.md"


def update_readme(section: str, readme: Path = README) -> bool:
    """Puts ``section`` between the README's bench markers; False (and the
    README untouched) when the markers are missing."""
    text = readme.read_text()
    start = text.find(README_START)
    end = text.find(README_END, start)
    if start < 0 or end < 0:
        return False
    readme.write_text(text[: start + len(README_START)] + "\n" + section + text[end:])
    return True


def main() -> None:
    path = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).parent / "results.json"
    )
    results = json.loads(path.read_text())
    (path.parent / "results.md").write_text(markdown(results))
    (path.parent / "README-snippet.md").write_text(snippet(results))
    if path.parent.resolve() == Path(__file__).parent.resolve():
        update_readme(snippet(results))


if __name__ == "__main__":
    main()


def _revocation_rows(e2e: dict, add) -> None:
    """Ours with ACCESS_TOKEN_REVOCATION (database only, and Redis in front)
    next to upstream and ours without it, from the same rounds."""
    revocation = e2e.get("revocation")
    if not revocation:
        return
    labels = {
        "upstream": "upstream 5.5.1",
        "ours": "ours, revocation off",
        **revocation["labels"],
    }
    add("")
    add("### Access-token revocation (ours, opt-in)")
    add("")
    add(
        "The same rounds, two more servers from our venv: ACCESS_TOKEN_REVOCATION "
        "on the database alone, and with Redis in front (BLACKLIST_CACHE). Extra "
        "per request: the difference in median latency (p50) from ours with "
        "revocation off."
    )
    for endpoint in revocation["endpoints"].values():
        rows = endpoint["rows"]
        base = rows.get("ours")
        add("")
        add(f"{endpoint['label']}:")
        add("")
        add("| server | req/s | p50 ms | p99 ms | extra per request | non-2xx |")
        add("| --- | ---: | ---: | ---: | ---: | ---: |")
        for name, row in rows.items():
            extra = (
                f"{(row['p50_s'] - base['p50_s']) * 1e6:+.0f} us"
                if base and name not in ("upstream", "ours")
                else ""
            )
            add(
                f"| {labels.get(name, name)} | {row['rps']:,.0f} | "
                f"{row['p50_s'] * 1e3:.2f} | {row['p99_s'] * 1e3:.2f} | {extra} | "
                f"{row['non_2xx']} |"
            )
