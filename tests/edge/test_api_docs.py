"""The edge serves the API's OpenAPI document and an interactive reference page, all from itself."""

import json
import pathlib
import re

import requests

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_the_openapi_document_is_served_as_generated(platform):
    answer = requests.get(f"{platform.url}/api/openapi.json", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == json.loads((ROOT / "gen" / "openapi.json").read_text())


def test_the_reference_page_loads_its_files_from_the_edge(platform):
    page = requests.get(f"{platform.url}/api/docs", timeout=10)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    linked = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert linked and all(link.startswith("docs/") for link in linked), linked  # no CDN
    kinds = {}
    for link in linked:
        asset = requests.get(f"{platform.url}/api/{link}", timeout=30)
        assert asset.status_code == 200, (link, asset.text[:200])
        kinds[link] = asset.headers["content-type"]
    assert kinds["docs/swagger-ui-bundle.js"].startswith("text/javascript")
    assert kinds["docs/swagger-ui.css"].startswith("text/css")
    initializer = requests.get(f"{platform.url}/api/docs/padel-docs.js", timeout=10).text
    assert 'url: "openapi.json"' in initializer  # resolves to /api/openapi.json beside the page


def test_only_the_page_files_are_served(platform):
    missing = requests.get(f"{platform.url}/api/docs/no-such-file.js", timeout=10)
    assert missing.status_code == 404 and missing.json()["code"] == 5
    for name in ("..%2F..%2Fgen%2Fopenapi.json", ".env", "index.html"):
        answer = requests.get(f"{platform.url}/api/docs/{name}", timeout=10)
        assert answer.status_code in (400, 404), (name, answer.status_code)
        assert answer.headers["content-type"].startswith("application/json"), name


def test_public_routes_of_the_edge_itself_accept_a_signed_in_caller(platform):
    # A browser signed in to the reference page sends its token to every route, public ones too.
    for path in ("/api/docs", "/api/openapi.json", "/api/status", "/health"):
        answer = requests.get(f"{platform.url}{path}", headers=platform.headers(), timeout=10)
        assert answer.status_code == 200, (path, answer.text[:200])
