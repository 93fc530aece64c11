"""Which proxies are trusted: one setting, TRUSTED_PROXY_IPS, read by gunicorn and Django.

gunicorn (clinic/gunicorn.conf.py) takes X-Forwarded-Proto and friends only from these
addresses (`forwarded_allow_ips`); Django trusts X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER)
and X-Forwarded-For (clinic.middleware.client_ip) only from them too, and ignores both from
anyone else (TrustedProxyMiddleware). So the two can never disagree about who is a proxy.
This module imports nothing of Django: gunicorn's master reads it before Django starts.
"""

import functools
import ipaddress
import os
from collections.abc import Mapping

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_proxy_ips(environ: Mapping[str, str] = os.environ) -> list[str]:
    """TRUSTED_PROXY_IPS: comma-separated addresses or networks (CIDR) of the proxies in
    front of the app servers; empty (the default) means there are none. A typo fails at
    start-up, not at the first request."""
    items = [item.strip() for item in environ.get("TRUSTED_PROXY_IPS", "").split(",")]
    items = [item for item in items if item]
    for item in items:
        ipaddress.ip_network(item)  # ValueError names the bad entry
    return items


@functools.cache
def _networks(items: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item) for item in items)


def is_trusted_proxy(address: str | None, items: list[str] | tuple[str, ...]) -> bool:
    """Whether `address` (a REMOTE_ADDR or an X-Forwarded-For entry) is one of the proxies."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(items)))
