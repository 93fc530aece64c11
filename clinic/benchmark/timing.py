"""Server time of a computation: the median of several runs, and how many queries it made."""

import statistics
import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.benchmark.report import ComparisonResult
from clinic.benchmark.targets import Comparison
from clinic.models import Clinic


def time_median(function: Callable[[], Any], runs: int) -> float:
    """Seconds: the median of `runs` calls, so one slow call on a busy machine does not count."""
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def count_queries(function: Callable[[], Any]) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as queries:
        answer = function()
    return answer, len(queries)


def compare(comparison: Comparison, clinic: Clinic, *, runs: int) -> ComparisonResult:
    """Both computations once for their answers and query counts, then timed."""
    fast_answer, fast_queries = count_queries(lambda: comparison.fast(clinic))
    naive_answer, naive_queries = count_queries(lambda: comparison.naive(clinic))
    return ComparisonResult(
        name=comparison.name,
        fast_ms=time_median(lambda: comparison.fast(clinic), runs) * 1000,
        naive_ms=time_median(lambda: comparison.naive(clinic), runs) * 1000,
        fast_queries=fast_queries,
        naive_queries=naive_queries,
        runs=runs,
        same_answer=fast_answer == naive_answer,
    )
