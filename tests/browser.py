"""Helpers for the tests that drive Chromium."""

from playwright.sync_api import Error


def wait_until(page, expression: str, *, seconds: float = 10) -> None:
    """Until `expression` (JavaScript) is true in `page`. A loop of evaluate rather than
    Playwright's wait_for_function: its polling evaluates the string with eval, which the
    pages' Content-Security-Policy refuses whenever the first check is false. A page that
    is navigating meanwhile is asked again once the next one has loaded."""
    for _ in range(int(seconds * 10)):
        try:
            if page.evaluate(expression):
                return
        except Error as error:
            if "context was destroyed" not in str(error) and "navigat" not in str(error):
                raise
        page.wait_for_timeout(100)
    raise AssertionError(f"still false after {seconds} s: {expression}")
