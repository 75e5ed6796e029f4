"""Avatars served back through the real Envoy edge: the `avatar_url` of a profile is fetched as a
browser would (no token), and names that are not avatars never reach a file."""

import base64
import io
import uuid

import pytest
import requests
from PIL import Image


def upload(platform, user_id: str, size=(300, 200)) -> str:
    """Upload a PNG for the player through the edge; the avatar_url their profile shows."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 90)).save(out, "PNG")
    headers = platform.headers(user_id)
    response = requests.post(platform.url + "/api/users/upload-avatar", headers=headers, timeout=15,
                             json={"image": base64.b64encode(out.getvalue()).decode()})
    assert response.status_code == 200, response.text
    profile = requests.get(platform.url + "/api/users/profile", headers=headers, timeout=15).json()["profile"]
    assert profile["avatar_url"] == response.json()["avatar_url"]
    return profile["avatar_url"]


def fetch(platform, path: str) -> requests.Response:
    """A GET without any token, the way an <img> tag loads a picture."""
    return requests.get(platform.url + path, timeout=15)


def test_avatar_url_from_the_profile_serves_the_webp_without_a_token(platform):
    user_id = str(uuid.uuid4())
    url = upload(platform, user_id)
    assert url.startswith("/api/users/avatars/")
    response = fetch(platform, url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/webp"
    # Names are never reused for other bytes, so browsers and CDNs may keep the file.
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["x-content-type-options"] == "nosniff"
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.format == "WEBP" and image.size == (256, 256)
        assert image.convert("RGB").getpixel((128, 128)) == pytest.approx((200, 30, 90), abs=8)
    # Others see the same URL in the public profile, and it works for them too.
    public = requests.get(f"{platform.url}/api/users/{user_id}", headers=platform.headers(), timeout=15)
    assert public.json()["profile"]["avatar_url"] == url


def test_unknown_avatar_is_404_json(platform):
    response = fetch(platform, f"/api/users/avatars/{uuid.uuid4()}-0123456789ab.webp")
    assert response.status_code == 404, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "no such avatar" in response.text
    assert "cache-control" not in response.headers


def test_replaced_avatar_is_gone(platform):
    user_id = str(uuid.uuid4())
    first = upload(platform, user_id)
    second = upload(platform, user_id, size=(64, 64))
    assert fetch(platform, first).status_code == 404
    assert fetch(platform, second).status_code == 200


@pytest.mark.parametrize("name", [
    "..%2F..%2Fauth%2Fsigning-key.pem",
    "..%2F..%2Fuser%2Fuser.sqlite3",
    "../x",
    "..%2Fx",
    "%2E%2E%2F%2E%2E%2Fauth",
    "x.webp",
    "..",
    ".incoming-abc",
])
def test_names_that_are_not_avatars_never_reach_a_file(platform, name):
    path = "/api/users/avatars/" + name
    # A literal "/" leaves the public avatar route, so without a token the edge asks for one (401).
    for headers, expected in (({}, (400, 401, 404)), (platform.headers(), (400, 404))):
        response = requests.get(platform.url + path, headers=headers, timeout=15)
        assert response.status_code in expected, (headers, response.status_code, response.text)
        assert "image/webp" not in response.headers.get("content-type", "")
        assert "PRIVATE KEY" not in response.text and "SQLite" not in response.text


def test_a_traversal_from_a_real_avatar_name_is_refused(platform):
    url = upload(platform, str(uuid.uuid4()))
    for path in (url + "%2F..%2F..%2Fauth", url.replace(".webp", "%2F..%2F.webp"), url + "/.."):
        response = requests.get(platform.url + path, headers=platform.headers(), timeout=15)
        assert response.status_code in (400, 404), (path, response.status_code)
        assert "image/webp" not in response.headers.get("content-type", "")


def test_after_delete_profile_the_avatar_url_is_404(platform):
    user_id = str(uuid.uuid4())
    url = upload(platform, user_id)
    assert fetch(platform, url).status_code == 200
    response = requests.delete(platform.url + "/api/users/profile", headers=platform.headers(user_id), timeout=15)
    assert response.status_code == 200, response.text
    assert fetch(platform, url).status_code == 404
