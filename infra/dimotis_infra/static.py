"""The static sites as the bucket holds them, and the CloudFront Function that maps URLs to keys
exactly as the local gateway does (``devstack/gateway.py``: ``PAGE_ROUTES``, ``VENDOR_ALLOWED``).

Bucket layout: ``site/`` (citizens), ``admin/`` (staff), ``shared/``, and ``vendor/<package path>``
for the allowed parts of the npm packages (runtime ``dependencies`` only: a test tool such as
axe-core is not published).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from dimotis_infra.code import ROOT, _import_root

STATIC = ROOT / "static_site"
SITE_DIRS = ("site", "admin", "shared")


def gateway_routes() -> tuple[dict[str, str], tuple[str, ...]]:
    """``PAGE_ROUTES`` and ``VENDOR_ALLOWED`` of the local gateway."""
    _import_root()
    from devstack.gateway import PAGE_ROUTES, VENDOR_ALLOWED

    return dict(PAGE_ROUTES), tuple(VENDOR_ALLOWED)


def runtime_packages() -> set[str]:
    data = json.loads((STATIC / "package.json").read_text())
    return set(data.get("dependencies", {}))


def _package_of(vendor_path: str) -> str:
    parts = vendor_path.split("/")
    return "/".join(parts[:2]) if parts[0].startswith("@") else parts[0]


def vendor_paths() -> list[str]:
    """The allowed vendor paths of runtime packages, e.g. ``leaflet/dist/``."""
    _, allowed = gateway_routes()
    runtime = runtime_packages()
    return [p for p in allowed if _package_of(p) in runtime]


def build_bundle(dest: Path) -> Path:
    """Lay the bucket's content out in ``dest`` (replaced). Needs ``npm ci`` in static_site/."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    ignore = shutil.ignore_patterns("node_modules", "*.map.tmp", ".DS_Store")
    for name in SITE_DIRS:
        source = STATIC / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=ignore)
    modules = STATIC / "node_modules"
    missing = []
    for path in vendor_paths():
        source = modules / path
        target = dest / "vendor" / path
        if source.is_dir():
            shutil.copytree(source, target)
        elif source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        else:
            missing.append(path)
    if missing:
        raise FileNotFoundError(
            f"static_site/node_modules lacks {missing}: run `npm ci` in static_site/ first"
        )
    return dest


def viewer_request_function() -> str:
    """CloudFront Function (cloudfront-js-2.0) source: URL -> bucket key, as the local gateway."""
    routes, _ = gateway_routes()
    vendor = vendor_paths()
    return (
        "var PAGE_ROUTES = " + json.dumps(routes, sort_keys=True) + ";\n"
        "var VENDOR_ALLOWED = " + json.dumps(vendor) + ";\n" + _FUNCTION_BODY
    )


_FUNCTION_BODY = r"""
function handler(event) {
  var request = event.request;
  var uri = request.uri || "/";
  if (uri === "/admin") {
    return {statusCode: 301, statusDescription: "Moved Permanently",
            headers: {location: {value: "/admin/"}}};
  }
  if (uri.indexOf("/vendor/") === 0) {
    var inner = uri.substring(8);
    var ok = false;
    for (var i = 0; i < VENDOR_ALLOWED.length; i++) {
      if (inner.indexOf(VENDOR_ALLOWED[i]) === 0) { ok = true; }
    }
    if (!ok || inner.indexOf("..") !== -1) {
      return {statusCode: 404, statusDescription: "Not Found"};
    }
    return request;
  }
  if (uri.indexOf("/admin/") === 0 || uri.indexOf("/shared/") === 0) {
    request.uri = withIndex(uri);
    return request;
  }
  var first = uri.substring(1).split("/")[0];
  if (Object.prototype.hasOwnProperty.call(PAGE_ROUTES, first)) {
    request.uri = "/" + PAGE_ROUTES[first];
    return request;
  }
  request.uri = withIndex("/site" + uri);
  return request;
}

function withIndex(uri) {
  if (uri.charAt(uri.length - 1) === "/") { return uri + "index.html"; }
  var last = uri.substring(uri.lastIndexOf("/") + 1);
  if (last.indexOf(".") === -1) { return uri + "/index.html"; }
  return uri;
}
"""
