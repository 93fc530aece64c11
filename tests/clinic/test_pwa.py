"""The installable app's files: the manifest, the icons, /favicon.ico and the service worker,
served with the types and headers browsers require, to everyone (browsers fetch some of
them without cookies), and linked from every page."""

import io
import json

import pytest
from django.urls import reverse
from PIL import Image

from clinic import pwa

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _image(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response, Image.open(io.BytesIO(_body(response)))


@pytest.fixture(params=["anonymous", "patient", "therapist"])
def visitor(request, client):
    """The app's files answer the same to anyone: signed out, a patient, staff."""
    if request.param != "anonymous":
        client.force_login(request.getfixturevalue(request.param).user)
    return client


def test_manifest_is_served_as_a_web_app_manifest(visitor):
    response = visitor.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    assert "no-cache" in response["Cache-Control"]
    manifest = json.loads(response.content)
    assert manifest["name"] == "Limber"
    assert manifest["short_name"] == "Limber"
    assert manifest["start_url"] == "/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0b5cad"
    assert manifest["background_color"] == "#ffffff"
    assert manifest["description"]


def test_manifest_icons_exist_at_their_declared_sizes(client):
    manifest = json.loads(client.get("/manifest.webmanifest").content)
    purposes = set()
    for icon in manifest["icons"]:
        response, image = _image(client, icon["src"])
        assert response["Content-Type"] == "image/png"
        assert image.format == "PNG"
        assert "x".join(str(n) for n in image.size) == icon["sizes"]
        purposes.add((icon["sizes"], icon["purpose"]))
    assert purposes == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    }


def test_maskable_icon_fills_the_square_and_keeps_the_mark_in_the_safe_zone(client):
    _response, image = _image(client, "/static/limber/icons/maskable-512.png")
    image = image.convert("RGBA")
    # Full bleed: the corners are the product blue, opaque (the platform cuts the shape).
    assert image.getpixel((0, 0)) == (11, 92, 173, 255)
    assert image.getpixel((511, 511)) == (11, 92, 173, 255)
    # The white mark lies within the central circle of radius 40 % that every mask keeps.
    white = [
        (x, y)
        for x in range(0, 512, 4)
        for y in range(0, 512, 4)
        if min(image.getpixel((x, y))[:3]) > 200
    ]
    assert white
    assert all((x - 256) ** 2 + (y - 256) ** 2 <= (0.4 * 512) ** 2 for x, y in white)


def test_favicon_ico_answers_at_the_root_with_the_small_sizes(visitor):
    response = visitor.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    image = Image.open(io.BytesIO(_body(response)))
    assert image.format == "ICO"
    assert {(16, 16), (32, 32), (48, 48)} <= image.ico.sizes()


def test_svg_favicon_and_apple_touch_icon_are_served(client):
    response = client.get("/static/limber/icons/favicon.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in _body(response)
    response, image = _image(client, "/static/limber/icons/apple-touch-icon.png")
    assert image.size == (180, 180)
    assert image.mode == "RGB"  # iOS shows transparency as black


def test_service_worker_is_served_for_the_whole_site(visitor):
    response = visitor.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    # The worker runs under the page's strict policy: only scripts from this site.
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "connect-src 'self'" in policy


def test_service_worker_names_the_app_shell_and_every_file_in_it_exists(client):
    script = client.get("/sw.js").content.decode()
    first_line, rest = script.split("\n", 1)
    assert first_line.startswith("self.LIMBER = ")
    assert first_line.endswith(";")
    config = json.loads(first_line.removeprefix("self.LIMBER = ").removesuffix(";"))
    assert len(config["version"]) == 16
    shell = config["shell"]
    for path in ("limber/limber.css", "limber/session.js", "limber/pwa.js"):
        assert f"/static/{path}" in shell
    drawings = [url for url in shell if url.startswith("/static/limber/exercises/")]
    assert len(drawings) >= 4
    for url in shell:
        assert client.get(url).status_code == 200, url
    assert 'addEventListener("fetch"' in rest


def test_service_worker_imports_the_push_handler_only_when_there_is_one(client, monkeypatch):
    config = json.loads(pwa._worker_script().split(b"\n", 1)[0][len("self.LIMBER = ") : -1])
    assert config["push"] is None or config["push"].endswith("push-sw.js")
    # Any existing file stands in for the reminders' push-sw.js here.
    monkeypatch.setattr(pwa, "PUSH_HANDLER", "limber/session.js")
    with_push = pwa._worker_script()
    config = json.loads(with_push.split(b"\n", 1)[0][len("self.LIMBER = ") : -1])
    assert config["push"] == "/static/limber/session.js"
    assert b"importScripts(CONFIG.push)" in with_push


def test_service_worker_refuses_writes(client):
    assert client.post("/sw.js").status_code == 405
    assert client.post("/manifest.webmanifest").status_code == 405


def test_every_page_links_the_icons_the_manifest_and_the_worker(client, patient):
    pages = [reverse("login"), "/api/docs/"]
    for url in pages:
        html = client.get(url).content.decode()
        assert 'rel="manifest" href="/manifest.webmanifest"' in html, url
        assert 'href="/static/limber/icons/favicon.svg" type="image/svg+xml"' in html, url
        assert 'href="/static/limber/icons/favicon.ico"' in html, url
    assert "limber/pwa.js" in client.get(reverse("login")).content.decode()
    client.force_login(patient.user)
    html = client.get(reverse("patients:today")).content.decode()
    assert 'rel="apple-touch-icon" href="/static/limber/icons/apple-touch-icon.png"' in html
    assert '<script src="/static/limber/pwa.js" defer></script>' in html


def test_today_carries_the_install_notice_hidden_until_the_script_shows_it(client, patient):
    client.force_login(patient.user)
    html = client.get(reverse("patients:today")).content.decode()
    assert 'id="install-notice" class="install-notice"' in html
    assert "Tap Share, then Add to Home Screen." in html
    notice = html.split('id="install-notice"', 1)[1].split(">", 1)[0]
    assert "hidden" in notice


def test_sign_out_clears_the_browsers_cache_for_the_site(client, patient):
    client.force_login(patient.user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache"'
