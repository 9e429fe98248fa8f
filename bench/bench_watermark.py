"""Benchmark: how much does stamping a download cost compared with a plain copy?

Run from the project root::

    .venv/bin/python -m bench.bench_watermark            # 200 pages, 9 rounds
    .venv/bin/python -m bench.bench_watermark --pages 50 --rounds 15 --strict

It renders a realistic many-page publication with the demo engine
(``app.demo.render_pdf``: prose and a bordered table on every page),
then times, on the same input bytes,

(a) a plain pypdf copy: ``PdfReader`` + ``PdfWriter(clone_from=reader)``
    written to a ``BytesIO`` -- the least work any download path can do with
    pypdf, and
(b) ``app.pdf.watermark(src, BytesIO(), lines=[...])`` with a realistic
    "who / when / where / which download" stamp: two footer lines on a white
    box plus the identity drawn diagonally across the page (two shared Form
    XObjects, as served to readers).

Both start from the raw bytes (so both include parsing).  After one warm-up
call each, the two are run alternately (a, b, then b, a, ...) so drifts in
machine load hit both equally; medians are reported.  Targets: time ratio
watermark/plain <= 1.3 and output size ratio <= 1.1.  ``--strict`` makes the
exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import gc
import io
import platform
import statistics
import sys
import time
from typing import Callable

import pypdf
import reportlab
from pypdf import PdfReader, PdfWriter

from app.demo import demo_records, render_pdf
from app.pdf import watermark

TIME_TARGET = 1.3
SIZE_TARGET = 1.1

#: What a real download stamp looks like (invented person, fixed time for reproducibility).
STAMP_LINES = [
    "Diunduh oleh Siti Nurhaliza Pratiwi <siti.pratiwi@example.co.id> · 23-11-2026 14:05 WITA",
    "PST Perpustakaan BPS Kabupaten Majene · Kabupaten Majene Dalam Angka 2024 · ID unduhan 7F3K9QX2",
]


def build_source(pages: int) -> bytes:
    """A *pages*-page publication: cover, foreword/contents, then text + table on every page."""
    record = dict(demo_records(1)[0], pages=pages)
    return render_pdf(record)


def plain_copy(data: bytes) -> bytes:
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter(clone_from=reader)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def stamped_copy(data: bytes) -> bytes:
    out = io.BytesIO()
    watermark(data, out, lines=STAMP_LINES)
    return out.getvalue()


def _timed(func: Callable[[bytes], bytes], data: bytes) -> tuple[float, bytes]:
    gc.collect()
    started = time.perf_counter()
    result = func(data)
    return time.perf_counter() - started, result


def run(pages: int, rounds: int) -> dict:
    started = time.perf_counter()
    source = build_source(pages)
    build_s = time.perf_counter() - started

    # warm-up (imports, caches) and sanity checks on the outputs
    plain_out = plain_copy(source)
    stamped_out = stamped_copy(source)
    stamped_reader = PdfReader(io.BytesIO(stamped_out))
    if len(stamped_reader.pages) != pages or len(PdfReader(io.BytesIO(plain_out)).pages) != pages:
        raise SystemExit("page count changed: the benchmark inputs are wrong")
    last = stamped_reader.pages[-1]
    if "7F3K9QX2" not in last.extract_text() or "/PSTWmD" not in last["/Resources"]["/XObject"]:
        raise SystemExit("the stamp (footer and diagonal) is not on the last page")

    plain_times: list[float] = []
    stamped_times: list[float] = []
    for index in range(rounds):
        order = [(plain_copy, plain_times), (stamped_copy, stamped_times)]
        if index % 2:
            order.reverse()
        for func, bucket in order:
            seconds, output = _timed(func, source)
            bucket.append(seconds)
            if func is plain_copy:
                plain_out = output
            else:
                stamped_out = output

    plain_ms = statistics.median(plain_times) * 1000
    stamped_ms = statistics.median(stamped_times) * 1000
    return {
        "pages": pages,
        "rounds": rounds,
        "build_s": build_s,
        "source_size": len(source),
        "plain_ms": plain_ms,
        "stamped_ms": stamped_ms,
        "plain_min_ms": min(plain_times) * 1000,
        "stamped_min_ms": min(stamped_times) * 1000,
        "plain_size": len(plain_out),
        "stamped_size": len(stamped_out),
        "time_ratio": stamped_ms / plain_ms,
        "size_ratio": len(stamped_out) / len(plain_out),
    }


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report(result: dict) -> tuple[str, bool]:
    time_ok = result["time_ratio"] <= TIME_TARGET
    size_ok = result["size_ratio"] <= SIZE_TARGET
    kib = 1024
    lines = [
        f"Source: {result['pages']} pages, {result['source_size'] / kib:,.0f} KiB "
        f"(rendered in {result['build_s']:.2f} s); {result['rounds']} interleaved rounds after a warm-up",
        f"Python {platform.python_version()}, pypdf {pypdf.__version__}, reportlab {reportlab.Version}, "
        f"{platform.machine()}",
        "",
        f"(a) plain copy   median {result['plain_ms']:8.1f} ms  (min {result['plain_min_ms']:.1f} ms)  "
        f"output {result['plain_size'] / kib:,.1f} KiB",
        f"(b) watermark    median {result['stamped_ms']:8.1f} ms  (min {result['stamped_min_ms']:.1f} ms)  "
        f"output {result['stamped_size'] / kib:,.1f} KiB",
        "",
        f"time ratio (b)/(a): {result['time_ratio']:.3f}x  target <= {TIME_TARGET}x  {_verdict(time_ok)}",
        f"size ratio (b)/(a): {result['size_ratio']:.4f}x  target <= {SIZE_TARGET}x  {_verdict(size_ok)}",
        "",
        "Markdown for the README:",
        "",
        f"| {result['pages']}-page PDF ({result['source_size'] / kib:,.0f} KiB) | median time | output size |",
        "|---|---:|---:|",
        f"| plain pypdf copy (`PdfWriter(clone_from=reader)`) | {result['plain_ms']:.1f} ms | "
        f"{result['plain_size'] / kib:,.1f} KiB |",
        f"| `app.pdf.watermark` (2-line footer + diagonal) | {result['stamped_ms']:.1f} ms | "
        f"{result['stamped_size'] / kib:,.1f} KiB |",
        f"| ratio (target) | {result['time_ratio']:.2f}× (≤ {TIME_TARGET}×) {_verdict(time_ok)} | "
        f"{result['size_ratio']:.3f}× (≤ {SIZE_TARGET}×) {_verdict(size_ok)} |",
    ]
    return "\n".join(lines), time_ok and size_ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200, help="pages in the test document (>= 3)")
    parser.add_argument("--rounds", type=int, default=9, help="timed runs of each variant")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.pages < 3 or args.rounds < 1:
        parser.error("--pages must be >= 3 and --rounds >= 1")
    text, ok = report(run(args.pages, args.rounds))
    print(text)
    return 1 if (args.strict and not ok) else 0


if __name__ == "__main__":
    sys.exit(main())
