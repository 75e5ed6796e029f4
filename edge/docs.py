"""`padel.status.v1.DocsService`: the REST API's reference, served by the edge directory.

`GET /api/openapi.json` is gen/openapi.json (made by `make gen` from the contracts);
`GET /api/docs` is Swagger UI reading it, with its scripts and styles at `/api/docs/{file}` from
the `swagger-ui-bundle-v2` package: nothing is fetched from a CDN, so the page works offline.
"""

import mimetypes
import pathlib

from google.api import httpbody_pb2
from padel.status.v1 import docs_service_pb2 as pb
from padel.status.v1 import docs_service_pb2_grpc
from swagger_ui_bundle import swagger_ui_path

from mesh import errors

ROOT = pathlib.Path(__file__).resolve().parent.parent
OPENAPI = ROOT / "gen" / "openapi.json"
# Relative links: the page is /api/docs, so `docs/x` is /api/docs/x and `openapi.json` is
# /api/openapi.json, under whatever prefix a proxy puts in front of the edge.
PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <title>Padel Platform API</title>
  <link rel="stylesheet" type="text/css" href="docs/swagger-ui.css">
  <link rel="stylesheet" type="text/css" href="docs/index.css">
  <link rel="icon" type="image/png" href="docs/favicon-32x32.png" sizes="32x32">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="docs/swagger-ui-bundle.js" charset="UTF-8"></script>
  <script src="docs/swagger-ui-standalone-preset.js" charset="UTF-8"></script>
  <script src="docs/padel-docs.js" charset="UTF-8"></script>
</body>
</html>
"""
INITIALIZER = """window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "StandaloneLayout"
  });
};
"""
# The page's own files; the bundle's index.html and initializer point at the Petstore instead.
OWN = {"padel-docs.js": INITIALIZER.encode()}
SKIPPED = {"index.html", "index.j2", "swagger-initializer.js"}
CACHE = (("cache-control", "public, max-age=3600"),)


def _body(data: bytes, content_type: str) -> httpbody_pb2.HttpBody:
    return httpbody_pb2.HttpBody(content_type=content_type, data=data)


class DocsServicer(docs_service_pb2_grpc.DocsServiceServicer):
    def __init__(self, openapi: pathlib.Path = OPENAPI, assets: pathlib.Path = pathlib.Path(str(swagger_ui_path))):
        self.document = openapi.read_bytes()
        self.assets = {path.name: path for path in assets.iterdir()
                       if path.is_file() and path.name not in SKIPPED and not path.name.endswith(".map")}

    def GetOpenApiDocument(self, request, context):
        return pb.GetOpenApiDocumentResponse(body=_body(self.document, "application/json"))

    def GetDocsPage(self, request, context):
        return pb.GetDocsPageResponse(body=_body(PAGE.encode(), "text/html; charset=utf-8"))

    def GetDocsAsset(self, request, context):
        if request.file in OWN:
            data = OWN[request.file]
        elif request.file in self.assets:
            data = self.assets[request.file].read_bytes()
        else:
            raise errors.NotFound(f"file: no such file of the API reference page: {request.file}")
        content_type = mimetypes.guess_type(request.file)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type == "application/javascript":
            content_type += "; charset=utf-8"
        context.send_initial_metadata(CACHE)
        return pb.GetDocsAssetResponse(body=_body(data, content_type))


def servicer() -> tuple:
    """(add function, servicer) as mesh.server.build takes them."""
    return docs_service_pb2_grpc.add_DocsServiceServicer_to_server, DocsServicer()
