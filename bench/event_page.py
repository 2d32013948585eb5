"""The public event page under a WhatsApp blast, against a bare Flask hello.

    .venv/bin/python bench/event_page.py [--seconds 10] [--workers 4] [--rounds 3]

Serves hello (`bench/hello_app.py`) and eventapp (PostgreSQL, one published event with 2,000
registrations) with the same gunicorn settings and loads each with `wrk -t2 -c32` in
interleaved rounds: hello, the event page as a new visitor gets it (page cache on), the same
page with the cache off, and the page answered 304 to a phone that has it. Prints requests
per second (median of the rounds, with their range) and each as a share of hello.
Needs `wrk` (`make bench`).
"""

import argparse
import os
import statistics
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from journey import SETUP_EVENTS, python
from registration_throughput import gunicorn, wait_for, wrk
from throwaway import migrated_env

ETAG_SCRIPT = Path(__file__).resolve().parent / "if_none_match.lua"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = migrated_env("postgresql", Path(folder))
        slug = python(SETUP_EVENTS, env, "2000").split()[-1]
        servers = {
            "bare Flask hello": (gunicorn("bench.hello_app:app", dict(os.environ), args.workers), "/"),
            "event page, cached": (gunicorn("wsgi:app", env, args.workers), f"/acara/{slug}"),
            "event page, cache off": (
                gunicorn("wsgi:app", env | {"PAGE_CACHE_SECONDS": "0"}, args.workers),
                f"/acara/{slug}",
            ),
        }
        try:
            for (_process, port), path in servers.values():
                wait_for(f"http://127.0.0.1:{port}{path}")
            (_process, cached_port), path = servers["event page, cached"]
            etag = urllib.request.urlopen(f"http://127.0.0.1:{cached_port}{path}").headers["ETag"]
            runs = {
                label: (f"http://127.0.0.1:{port}{path}", None, {})
                for label, ((_p, port), path) in servers.items()
            }
            runs["event page, 304 to a returning phone"] = (
                f"http://127.0.0.1:{cached_port}{path}",
                ETAG_SCRIPT,
                dict(os.environ, BENCH_ETAG=etag),
            )
            rates: dict[str, list[float]] = {label: [] for label in runs}
            for _round in range(args.rounds):
                for label, (url, script, script_env) in runs.items():
                    result = wrk(url, args.seconds, 32, script, script_env or None)
                    rates[label].append(result["rps"])
        finally:
            for (process, _port), _path in servers.values():
                process.terminate()
                process.wait()
    hello = statistics.median(rates["bare Flask hello"])
    rounds = f"{args.rounds} interleaved rounds of {args.seconds} s"
    print(f"gunicorn {args.workers} sync workers, wrk -t2 -c32, {rounds}")
    for label, values in rates.items():
        median = statistics.median(values)
        spread = f"({min(values):.0f}–{max(values):.0f})"
        print(f"{label:<38} {median:>9.1f} req/s  {spread:>13}  {median / hello:6.1%} of hello")
    print("target: the event page ≥ 25 % of hello")


if __name__ == "__main__":
    main()
