"""Links from a person to their records in other council services.

Built from a configuration file of link targets. A target with a `healthUrl` is checked by a
background thread every few seconds; while it is known to be down its links are left out.
Requests never call another service: they only read the cached health.
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from service.auth import Caller

log = logging.getLogger(__name__)


class LinksConfigError(ValueError):
    """The links configuration file cannot be used; the message names the problem."""


@dataclass(frozen=True)
class LinkTarget:
    """One service a person's cross references can link to."""

    service: str
    system: str
    url_template: str
    role: str | None = None
    # When set, only callers in this service area's group see the link.
    service_area: str | None = None
    health_url: str | None = None
    # The link's relation in the original contract's {rel, href, type}; default: the system.
    rel: str | None = None

    def href(self, reference: str) -> str:
        return self.url_template.replace("{reference}", quote(reference, safe=""))


def load_targets(path: Path) -> list[LinkTarget]:
    """Read and check the links configuration file."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["links"]
        targets = [
            LinkTarget(
                service=entry["service"],
                system=entry["system"],
                url_template=entry["urlTemplate"],
                role=entry.get("role"),
                service_area=entry.get("serviceArea"),
                health_url=entry.get("healthUrl"),
                rel=entry.get("rel"),
            )
            for entry in entries
        ]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise LinksConfigError(f"links configuration {path} is not usable: {exc!r}") from exc
    for target in targets:
        if "{reference}" not in target.url_template:
            raise LinksConfigError(f"urlTemplate of {target.service!r} lacks {{reference}}")
    return targets


def http_is_up(url: str, timeout: float) -> bool:
    """True when the URL answers with a status below 500."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status < 500
    except urllib.error.HTTPError as exc:
        return exc.code < 500
    except (OSError, ValueError):
        return False


class HealthCache:
    """Up or down per health URL, refreshed by one daemon thread; unknown counts as up."""

    def __init__(
        self,
        urls: list[str],
        interval_seconds: float,
        probe: Callable[[str], bool] | None = None,
    ) -> None:
        self._urls = sorted(set(urls))
        self._interval = interval_seconds
        self._probe = probe or (lambda url: http_is_up(url, timeout=min(2.0, interval_seconds)))
        self._down: frozenset[str] = frozenset()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def is_down(self, url: str) -> bool:
        return url in self._down

    def refresh(self) -> None:
        """Probe every URL once and replace the cached state."""
        down = frozenset(url for url in self._urls if not self._probe(url))
        if down != self._down:
            log.info("link health changed", extra={"down": sorted(down)})
        self._down = down

    def ensure_running(self) -> None:
        """Start the thread unless it runs (also after a fork, where threads do not survive)."""
        if not self._urls or (self._thread is not None and self._thread.is_alive()):
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(target=self._run, name="link-health", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.refresh()
            self._stop.wait(self._interval)


def may_follow(caller: Caller, target: LinkTarget) -> bool:
    """Whether the caller holds the target's role and, for a service area's link, its group."""
    if target.role and not caller.has_role(target.role):
        return False
    return target.service_area is None or caller.may_see_service_area(target.service_area)


class Links:
    """Computes the `links` of a person for a caller."""

    def __init__(self, targets: list[LinkTarget], health: HealthCache) -> None:
        self._by_system: dict[str, list[LinkTarget]] = {}
        for target in targets:
            self._by_system.setdefault(target.system, []).append(target)
        self.health = health

    @classmethod
    def from_file(cls, path: Path, interval_seconds: float) -> Links:
        targets = load_targets(path)
        urls = [target.health_url for target in targets if target.health_url]
        return cls(targets, HealthCache(urls, interval_seconds))

    def for_person(self, person: dict[str, Any], caller: Caller) -> list[dict[str, str]]:
        """One link per cross reference with a target the caller may follow and that is up."""
        self.health.ensure_running()
        links = []
        for ref in person.get("crossReferences") or []:
            for target in self._by_system.get(ref["system"], []):
                if target.health_url and self.health.is_down(target.health_url):
                    continue
                if may_follow(caller, target):
                    links.append(
                        {
                            "service": target.service,
                            "system": ref["system"],
                            "reference": ref["reference"],
                            "href": target.href(ref["reference"]),
                            # The original contract's shape, beside ours: {rel, href, type}.
                            "rel": target.rel or target.system,
                            "type": "GET",
                        }
                    )
        return links
