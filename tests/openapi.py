"""Checking an API answer against the OpenAPI schema drf-spectacular serves at /api/schema/ (INTERFACES.md)."""

from __future__ import annotations

from typing import Any

# A node of the schema document: parsed JSON, so its values are whatever JSON holds.
Node = dict[str, Any]


def resolve(schema: Node, node: Node) -> Node:
    """The node itself, or the component its `$ref` points at (followed until there is no `$ref`)."""
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def response_schema(schema: Node, path: str, method: str = "get", status: int = 200) -> Node:
    """The schema of the JSON answer to `method` on `path` with `status`."""
    node: Node = schema["paths"][path][method]["responses"][str(status)]["content"]["application/json"][
        "schema"
    ]
    return node


def assert_matches(schema: Node, node: Node, value: object, where: str = "body") -> None:
    """A small validator for the shapes our schemas use: objects (fixed fields or a map), arrays, strings, numbers,
    booleans, enums, nulls, `allOf` and `oneOf`. `where` names the place in the answer a failure is about."""
    node = resolve(schema, node)
    if value is None and (node.get("nullable") or "null" in str(node.get("type"))):
        return
    if "oneOf" in node:
        assert any(_matches(schema, choice, value, where) for choice in node["oneOf"]), (where, value)
        return
    if "allOf" in node:
        for part in node["allOf"]:
            assert_matches(schema, part, value, where)
        return
    if "enum" in node:
        assert value in node["enum"], (where, value)
        if value is None:  # drf-spectacular's NullEnum, the null choice of a nullable enum's oneOf
            return
    assert value is not None, (where, "null where the schema allows none")
    kind = node.get("type")
    if "properties" in node:
        assert isinstance(value, dict), where
        assert set(value) == set(node["properties"]), (where, set(value) ^ set(node["properties"]))
        for name in node.get("required", []):
            assert name in value, (where, name)
        for name, item in value.items():
            assert_matches(schema, node["properties"][name], item, f"{where}.{name}")
    elif kind == "object":
        assert isinstance(value, dict), where
        for name, item in value.items():
            assert_matches(schema, node["additionalProperties"], item, f"{where}.{name}")
    elif kind == "array":
        assert isinstance(value, list), where
        for i, item in enumerate(value):
            assert_matches(schema, node["items"], item, f"{where}[{i}]")
    elif kind == "string":
        assert isinstance(value, str), where
    elif kind == "integer":
        assert isinstance(value, int), where
    elif kind == "boolean":
        assert isinstance(value, bool), where
    elif kind == "number":
        assert isinstance(value, int | float), where
    elif "enum" not in node:  # an enum without a type was checked above
        raise AssertionError((where, node))


def _matches(schema: Node, node: Node, value: object, where: str) -> bool:
    try:
        assert_matches(schema, node, value, where)
    except AssertionError:
        return False
    return True
