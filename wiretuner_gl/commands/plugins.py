"""`wiretuner plugins [--json]`: the plugins found, what each contributes, and why any failed."""

from __future__ import annotations

from ._common import emit_json

NAME = "plugins"
HELP = "plugins found (built-in, entry points, plugins/ folders), their tools, and any that failed with the reason"


def add_arguments(p) -> None:
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")


def run(args) -> int:
    from ..plugin_api import API_VERSION
    from ..plugins import PluginHost, app_plugin_dir, user_plugin_dirs

    host = PluginHost.start()
    data = host.to_data()
    data["api_version"] = API_VERSION
    data["folders"] = [str(app_plugin_dir())] + [str(d) for d in user_plugin_dirs()]
    if args.json:
        emit_json(data)
        return 0
    print(f"plugin API {API_VERSION}; folders: {', '.join(data['folders'])}")
    for p in data["plugins"]:
        mark = "ok" if p["state"] == "enabled" else p["state"].upper()
        parts = [f"tools: {', '.join(p['tools'])}" if p["tools"] else "",
                 f"commands: {', '.join(p['commands'])}" if p["commands"] else "",
                 f"panels: {', '.join(p['panels'])}" if p["panels"] else "",
                 f"importers: {', '.join(p['importers'])}" if p["importers"] else "",
                 f"exporters: {', '.join(p['exporters'])}" if p["exporters"] else ""]
        print(f"{p['id']:<16} {mark:<12} {p['name']}  [{p['source']}]")
        detail = "; ".join(x for x in parts if x)
        if detail:
            print(f"{'':<16} {detail}")
        if p["error"]:
            print(f"{'':<16} error: {p['error']}")
    return 0
