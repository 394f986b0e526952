"""The OpenAPI schema names every model once: two apps' classes with one name would overwrite
each other in ``components/schemas`` (ninja keys them by class name), and the API would then
describe one app's answers with the other's fields."""

from collections import defaultdict

from ninja import Schema

import danchu.api.main  # noqa: F401 — imports every app's API and its schemas


def _all_subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_all_subclasses(sub))
    return found


def test_every_api_schema_class_name_is_unique():
    by_name = defaultdict(set)
    for cls in _all_subclasses(Schema):
        if cls.__module__.startswith("danchu."):
            by_name[cls.__name__].add(cls.__module__)
    clashes = {name: modules for name, modules in by_name.items() if len(modules) > 1}
    assert clashes == {}
