#!/usr/bin/env python3
"""Where the server's CPU goes, from `perf script -F comm,tid,ip,sym` of a .NET process run with DOTNET_PerfMapEnabled=1.

usage: perf-breakdown.py <perf.script>

Prints, as % of all samples of the server process: inclusive shares of a few areas (EF Core, SQLite, System.Text.Json, OpenTelemetry, ...)
and the callees of the GET-by-id handler. Approximate: a sample counts for an area when any frame of its stack matches.
"""
import collections
import re
import sys

AREAS = [
    ("Kestrel request loop (everything per request)", "HttpProtocol+<ProcessRequests>"),
    ("TmfResourceEndpoints.GetAsync (the handler)", "GetAsync>d__"),
    ("EF Core (any frame)", "[Microsoft.EntityFrameworkCore"),
    ("  DbContext first use: options, internal services", "DbContext::get_ContextServices"),
    ("  DbContext constructor", "DbContext::.ctor"),
    ("  EF query execution (QueryCompiler.ExecuteAsync)", "QueryCompiler::ExecuteAsync"),
    ("  connection open", "SqliteConnection::Open"),
    ("  connection close", "RelationalConnection+<CloseAsync>"),
    ("Microsoft.Data.Sqlite, SQLitePCL, EF Sqlite provider (managed frames; native SQLite is the libe_sqlite3 DSO)", "Sqlite"),
    ("DI ResolveService (any)", "ResolveService"),
    ("System.Text.Json (any)", "[System.Text.Json]"),
    ("  FromStored: typed deserialize for IsVisibleTo", "TmfRepresentation::FromStored"),
    ("  ForCaller: JsonNode parse + DeepClone + href", "TmfRepresentation::ForCaller"),
    ("  writing the JSON result", "JsonHttpResult"),
    # Not "[OpenTelemetry" alone: its HttpServerErrorTypeStartupFilter wraps the whole pipeline and would count everything.
    ("OpenTelemetry listeners and metric aggregation", ("DiagnosticSourceListener::OnNext", "AggregatorStore::Update", "HttpInListener::")),
    ("System.Diagnostics.Activity", "System.Diagnostics.Activity"),
    ("Authentication + authorization evaluation", "AuthenticationServiceImpl::AuthenticateAsync"),
]


def read_samples(path):
    samples, current = [], []
    with open(path, errors="replace") as f:
        for line in f:
            if not line.strip():
                if current:
                    samples.append(current)
                current = []
            elif line[0] not in " \t":
                current = []
            else:
                parts = line.strip().split(" ", 1)
                current.append(parts[1] if len(parts) > 1 else parts[0])
    if current:
        samples.append(current)
    return samples


def short(frame):
    frame = re.sub(r"\[(OptimizedTier1|Optimized|Tier0|QuickJitted|Tier1|PreJIT)\]", "", frame)
    match = re.search(r"\] ([^\[\]]*?)::([^\(]*)\(", frame)
    return (match.group(1).split(".")[-1] + "::" + match.group(2))[:100] if match else frame[:100]


def main():
    samples = read_samples(sys.argv[1])
    total = len(samples)
    print(f"{total} samples")
    for name, needle in AREAS:
        needles = needle if isinstance(needle, tuple) else (needle,)
        hits = sum(1 for stack in samples if any(n in frame for frame in stack for n in needles))
        print(f"{100 * hits / total:6.1f}%  {name}")

    callees = collections.Counter()
    for stack in samples:
        positions = [i for i, frame in enumerate(stack) if "GetAsync>d__" in frame]
        if positions:
            i = max(positions)
            callees[short(stack[i - 1]) if i > 0 else "<self>"] += 1
    print("\ncallees of GetAsync (inclusive, % of all samples):")
    for name, hits in callees.most_common(10):
        print(f"{100 * hits / total:6.1f}%  {name}")


if __name__ == "__main__":
    main()
