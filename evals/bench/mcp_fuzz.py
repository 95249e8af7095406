"""Hostile MCP messages, made from the tools' own schemas, and how to judge each answer.

Every case is one line of bytes a client could send and the answer it deserves: an error, and for a
misspelt key (top level or nested: `audience.regoin`, `filters.max_prise`, `scenarios[0].prise`)
a tool error naming that key. An answer is an *internal error* when the server says something broke
on its side (JSON-RPC -32603, a tool error of code `internal`, a trace) and a *transport failure*
when no usable answer came (no reply, a 5xx, a dropped connection, a reply that is not JSON).
"""
from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tools.registry import load_tools

JUNK: list[Any] = [None, True, False, 7, -1, 1.5, 1e308, "x" * 300, [1, {"a": None}], {"$ref": "#"}, "\ud800"]
HUGE = "y" * 1_000_000
JSON_TYPES = {type(None): "null", bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}


@dataclass(frozen=True)
class Case:
    kind: str
    line: bytes
    id: int | None  # the id a reply must carry (None: any, malformed lines are answered with null)
    misspelt: str | None = None  # the dotted key the error must name


def encode(message: Any) -> bytes:
    """JSON as a client would send it; lone surrogates stay escaped (`\\ud800`) as JSON allows."""
    return json.dumps(message, ensure_ascii=True).encode()


def rpc(method: str, params: Any = None, id: int | None = 1) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": id, "method": method, **({"params": params} if params is not None else {})}


def schema_objects(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(dotted path, object schema) for the tool's arguments and each nested argument object;
    array items are addressed as element 0, which the error names `scenarios.0.prise`."""
    defs = schema.get("$defs", {})
    found = [("", schema)]
    for name, prop in schema.get("properties", {}).items():
        for option in [prop, *prop.get("anyOf", [])]:
            ref, prefix = option.get("$ref"), f"{name}."
            if option.get("type") == "array" and "$ref" in (option.get("items") or {}):
                ref, prefix = option["items"]["$ref"], f"{name}.0."
            if ref:
                found += [(prefix + path if path else prefix.rstrip("."), sub) for path, sub in schema_objects(defs[ref.split("/")[-1]] | {"$defs": defs})]
    return found


def misspell(rng: random.Random, key: str) -> str:
    """A typo of `key`: two letters swapped, one doubled or one dropped (never the key itself)."""
    for _ in range(10):
        i = rng.randrange(len(key))
        typo = rng.choice([key[:i] + key[i + 1:i + 2] + key[i:i + 1] + key[i + 2:], key[:i] + key[i] + key[i:], key[:i] + key[i + 1:] + "e"])
        if typo != key and typo:
            return typo
    return key + "x"


def place(path: str, key: str, value: Any) -> dict[str, Any]:
    """Arguments holding `{key: value}` at the dotted object path ("" = top level, "scenarios.0")."""
    node: Any = {key: value}
    for part in reversed([p for p in path.split(".") if p]):
        node = [node] if part == "0" else {part: node}
    if isinstance(node, list):  # cannot happen: an array always sits under a named property
        raise ValueError(path)
    return node


def generate(rng: random.Random, n: int) -> list[Case]:
    """`n` cases, a third of them misspelt keys, the rest malformed messages and bad values."""
    specs = list(load_tools().values())
    schemas = {s.name: s.input_model.model_json_schema() for s in specs}

    def misspelt(i: int) -> Case:
        name = rng.choice(list(schemas))
        path, obj = rng.choice([o for o in schema_objects(schemas[name]) if o[1].get("properties")])
        key = misspell(rng, rng.choice(list(obj["properties"])))
        while key in obj["properties"]:
            key += "z"
        dotted = f"{path}.{key}" if path else key
        return Case("misspelt key", encode(rpc("tools/call", {"name": name, "arguments": place(path, key, 1)}, i)), i, dotted)

    def wrong_value(i: int) -> Case:
        name = rng.choice(list(schemas))
        prop_name, prop = rng.choice(list(schemas[name]["properties"].items()))
        types = {o.get("type") for o in [prop, *prop.get("anyOf", [])]}
        value = rng.choice([v for v in JUNK + [HUGE] if JSON_TYPES[type(v)] not in types or isinstance(v, bool) or v in (-1, 1e308) or v is HUGE])
        return Case("bad value", encode(rpc("tools/call", {"name": name, "arguments": {prop_name: value}}, i)), i)

    shapes: list[tuple[str, Callable[[int], Case]]] = [
        ("random bytes", lambda i: Case("random bytes", bytes(rng.choice(b"{}[]\":,abc\\\xff\xfe\x00 ") for _ in range(rng.randint(1, 64))).replace(b"\n", b" "), None)),
        ("truncated json", lambda i: Case("truncated json", encode(rpc("tools/call", {"name": "hype_score"}, i))[: rng.randint(1, 40)], None)),
        ("not an object", lambda i: Case("not an object", encode(rng.choice(JUNK[:8])), None)),
        ("bad jsonrpc", lambda i: Case("bad jsonrpc", encode({"jsonrpc": rng.choice(["1.0", 2, None]), "id": i, "method": "tools/list"}), None)),
        ("bad id", lambda i: Case("bad id", encode({"jsonrpc": "2.0", "id": rng.choice([True, 1.5, [], {"a": 1}]), "method": "tools/list"}), None)),
        ("unknown method", lambda i: Case("unknown method", encode(rpc(rng.choice(["nope", "", "tools/nope", "tools/list/x"]), None, i)), i)),
        ("bad params", lambda i: Case("bad params", encode(rpc("tools/call", rng.choice([7, "x", [1], {"arguments": {}}]), i)), i)),
        ("unknown tool", lambda i: Case("unknown tool", encode(rpc("tools/call", {"name": rng.choice(["missing", "", "x" * 300, "\ud800"]), "arguments": {}}, i)), i)),
        ("arguments not an object", lambda i: Case("arguments not an object", encode(rpc("tools/call", {"name": rng.choice(specs).name, "arguments": rng.choice([[], "x", 7])}, i)), i)),
        ("bad value", wrong_value),
        ("lone surrogate", lambda i: Case("lone surrogate", encode(rpc("tools/call", {"name": "hype_score", "arguments": {"subject": "a\udc00b"}}, i)), i)),
        ("bad resource", lambda i: Case("bad resource", encode(rpc("resources/read", {"uri": rng.choice(["caeser://results/" + "x" * 500, "file:///etc/passwd", "caeser://exports/../../x", 5])}, i)), i)),
        ("bad prompt", lambda i: Case("bad prompt", encode(rpc("prompts/get", {"name": rng.choice(["launch_analysis", "nope"]), "arguments": {"product": rng.choice([None, 7, [1], {}])}}, i)), i)),
    ]
    cases = []
    for i in range(n):
        ident = 1000 + i
        cases.append(misspelt(ident) if i % 3 == 0 else rng.choice(shapes)[1](ident))
    return cases


@dataclass
class Verdict:
    internal: bool = False
    transport: bool = False
    named: bool | None = None  # for misspelt-key cases: whether the error named the key


def judge(case: Case, reply: Any) -> Verdict:
    """`reply`: the decoded JSON-RPC answer, None for no answer, or an exception/HTTP status (int)."""
    if reply is None or isinstance(reply, BaseException) or (isinstance(reply, int) and reply >= 500):
        return Verdict(transport=True)
    if isinstance(reply, int):  # a refusal at the HTTP layer (400, 404, 406, 413, 421…): answered
        return Verdict(named=False if case.misspelt else None)
    text = json.dumps(reply)
    error = reply.get("error") if isinstance(reply, dict) else None
    result = reply.get("result") if isinstance(reply, dict) else None
    internal = (error is not None and error.get("code") == -32603) or "Traceback" in text or "failed unexpectedly" in text \
        or (isinstance(result, dict) and (result.get("_meta") or {}).get("caeser/error", {}).get("code") == "internal")
    named = None
    if case.misspelt:
        named = isinstance(result, dict) and bool(result.get("isError")) and f"`{case.misspelt}`" in text
    return Verdict(internal=internal, named=named)
