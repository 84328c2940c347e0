"""The "try it" baseline: what a user does without a linter. Parse the file with tomli and build
``lightning.Trainer(**cfg["trainer"])`` (callbacks and loggers built from ``class_path`` the way
LightningCLI would). Exit 0 when the Trainer builds, 1 when anything raises.

Usage: ``python benchmarks/tryit.py FILE`` (one file per process, as a user would run it).
"""

import importlib
import sys


def build(spec):
    if isinstance(spec, list):
        return [build(item) for item in spec]
    if isinstance(spec, dict) and "class_path" in spec:
        module, _, name = spec["class_path"].rpartition(".")
        return getattr(importlib.import_module(module), name)(**spec.get("init_args", {}))
    if isinstance(spec, dict):
        raise TypeError(f"a table without class_path: {spec!r}")
    return spec


def main(path):
    import tomli

    with open(path, "rb") as handle:
        cfg = tomli.load(handle)
    import lightning

    kwargs = dict(cfg["trainer"])
    for name in ("callbacks", "logger", "plugins", "profiler", "strategy", "accelerator"):
        if isinstance(kwargs.get(name), (dict, list)):
            kwargs[name] = build(kwargs[name])
    lightning.Trainer(**kwargs)


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except Exception as error:  # the verdict a user would read off the traceback
        print(f"{sys.argv[1]}: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)
