"""Driving a server with wrk, and the Lua scripts that shape its requests."""

import json
import re
from dataclasses import dataclass
from pathlib import Path

from bench.stack import run


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    requests: int
    errors: int
    # What the errors were: wrk's line on socket errors, or "" when there was none.
    socket_errors: str = ""


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)$", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse(output: str) -> WrkResult:
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = int(non2xx.group(1)) if non2xx else 0
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())

    def percentile(label: str) -> float:
        return _ms(re.search(rf"^\s+{label}%\s+(\S+)", output, re.M).group(1))

    return WrkResult(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=percentile("50"),
        p90_ms=percentile("90"),
        p99_ms=percentile("99"),
        requests=int(re.search(r"(\d+) requests in", output).group(1)),
        errors=errors,
        socket_errors=socket_errors.group(0) if socket_errors else "",
    )


def wrk(url: str, seconds: float, connections: int, script: Path | None = None, timeout: str = "10s") -> WrkResult:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", f"--timeout={timeout}"]
    if script:
        command += ["-s", str(script)]
    return parse(run([*command, url], capture_output=True).stdout)


def median(results: list[WrkResult]) -> WrkResult:
    ordered = sorted(results, key=lambda result: result.rps)
    return ordered[len(ordered) // 2]


def lua_list(values) -> str:
    return "{" + ", ".join(json.dumps(value) for value in values) + "}"


def request_script(
    workdir: Path, name: str, method: str = "GET", token: str | None = None, body: dict | None = None
) -> Path:
    """A script sending the same request every time."""
    lines = [f'wrk.method = "{method}"', 'wrk.headers["Content-Type"] = "application/json"']
    if token:
        lines.append(f'wrk.headers["Authorization"] = "Bearer {token}"')
    if body is not None:
        lines.append(f"wrk.body = '{json.dumps(body)}'")
    path = workdir / f"{name}.lua"
    path.write_text("\n".join(lines) + "\n")
    return path


FRESH_COMPLETIONS = """
-- Every request completes a step that user has never completed: request n (over both
-- threads, from OFFSET on) is the pair (user n mod #tokens, step n div #tokens).
local tokens = {TOKENS}
local paths = {PATHS}
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
local counter = 0
request = function()
  local n = {OFFSET} + id + 2 * counter
  counter = counter + 1
  local token = tokens[(n % #tokens) + 1]
  local path = paths[(math.floor(n / #tokens) % #paths) + 1]
  return wrk.format("POST", path, {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"})
end
"""


class FreshCompletions:
    """Scripts for runs of completions where no (user, step) pair repeats, across all runs."""

    def __init__(self, workdir: Path, name: str, tokens: list[str], paths: list[str]):
        self.workdir, self.name, self.tokens, self.paths = workdir, name, tokens, paths
        self.offset = 0
        self.runs = 0

    @property
    def capacity(self) -> int:
        return len(self.tokens) * len(self.paths)

    def script(self) -> Path:
        """A script starting where the previous run stopped."""
        if self.offset >= self.capacity:
            raise RuntimeError(f"{self.name}: every (user, step) pair is used; give the run more users")
        text = (
            FRESH_COMPLETIONS.replace("{TOKENS}", lua_list(self.tokens))
            .replace("{PATHS}", lua_list(self.paths))
            .replace("{OFFSET}", str(self.offset))
        )
        self.runs += 1
        path = self.workdir / f"{self.name}_fresh_{self.runs}.lua"
        path.write_text(text)
        return path

    def done(self, result: WrkResult) -> None:
        # Each thread advances by about half the requests; leave a margin for the faster one.
        self.offset += result.requests + result.requests // 4 + 1000
