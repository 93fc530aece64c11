"""Draw Limber's icon: the SVG favicon and every raster size, from one set of numbers.

The mark is a white "L" whose corner bends like a spine in a forward stretch, with a dot
for the head, on the product blue (--accent in limber.css). The SVG and the PNGs are drawn
from the same geometry here, so they never drift apart; the files are committed and this
command only needs running again when the mark changes:

    python manage.py draw_icons
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw

ICON_DIR = Path(settings.BASE_DIR) / "clinic" / "static" / "limber" / "icons"
BLUE = "#0b5cad"  # --accent: 6.4:1 against white, so the white mark is legible
WHITE = "#ffffff"

# The mark on a 64-unit grid: the stem from (20, 12) down to where the bend starts, a
# quarter circle of radius R into the foot, the foot out to x=48; round caps; the head.
STEM_X, STEM_TOP, BEND_Y, R, FOOT_END = 20, 12, 34, 14, 48
STROKE = 10
HEAD = (42, 22, 7)  # centre x, centre y, radius
CORNER = 14  # the rounded square's corner radius
SUPERSAMPLE = 8


def svg(*, rounded: bool = True) -> str:
    """The favicon: a rounded square (browsers show it as is) with the mark."""
    foot_y = BEND_Y + R
    hx, hy, hr = HEAD
    rx = CORNER if rounded else 0
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        f'<rect width="64" height="64" rx="{rx}" fill="{BLUE}"/>'
        f'<path d="M{STEM_X} {STEM_TOP}V{BEND_Y}A{R} {R} 0 0 0 {STEM_X + R} {foot_y}'
        f'H{FOOT_END}" fill="none" stroke="{WHITE}" stroke-width="{STROKE}" '
        'stroke-linecap="round"/>'
        f'<circle cx="{hx}" cy="{hy}" r="{hr}" fill="{WHITE}"/>'
        "</svg>\n"
    )


def raster(size: int, *, rounded: bool, mark_scale: float = 1.0) -> Image.Image:
    """The icon at `size` pixels, drawn large and scaled down for smooth edges.

    rounded=False fills the whole square (the platform applies its own mask); mark_scale
    shrinks the mark about the centre, to keep it inside a maskable icon's safe zone.
    """
    big = size * SUPERSAMPLE
    unit = big / 64
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if rounded:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=CORNER * unit, fill=BLUE)
    else:
        draw.rectangle((0, 0, big - 1, big - 1), fill=BLUE)

    def at(value: float) -> float:
        """A grid coordinate, scaled about the centre, in pixels."""
        return (32 + (value - 32) * mark_scale) * unit

    half = STROKE / 2 * mark_scale * unit
    width = round(2 * half)

    def dot(x: float, y: float, radius: float) -> None:
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=WHITE)

    foot_y = BEND_Y + R
    # The stem and the foot as bars, the bend as a thick quarter circle, round caps.
    draw.rectangle((at(STEM_X) - half, at(STEM_TOP), at(STEM_X) + half, at(BEND_Y)), fill=WHITE)
    draw.rectangle((at(STEM_X + R), at(foot_y) - half, at(FOOT_END), at(foot_y) + half), fill=WHITE)
    cx, cy, radius = at(STEM_X + R), at(BEND_Y), R * mark_scale * unit
    draw.arc(
        (cx - radius - half, cy - radius - half, cx + radius + half, cy + radius + half),
        start=90,
        end=180,
        fill=WHITE,
        width=width,
    )
    dot(at(STEM_X), at(STEM_TOP), half)
    dot(at(FOOT_END), at(foot_y), half)
    hx, hy, hr = HEAD
    dot(at(hx), at(hy), hr * mark_scale * unit)
    return image.resize((size, size), Image.Resampling.LANCZOS)


class Command(BaseCommand):
    help = "Draw Limber's icons (favicon.svg, favicon.ico and the PNGs) into clinic/static."

    def handle(self, *args, **options) -> None:
        ICON_DIR.mkdir(parents=True, exist_ok=True)
        (ICON_DIR / "favicon.svg").write_text(svg())
        # Browser tabs: the rounded square, as an .ico holding 16, 32 and 48 px.
        ico = raster(256, rounded=True)
        ico.save(ICON_DIR / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
        # "Any purpose" icons for the manifest: the rounded square as in the tab.
        for size in (192, 512):
            raster(size, rounded=True).save(ICON_DIR / f"icon-{size}.png", optimize=True)
        # Maskable: full bleed, the mark inside the central 80 % circle the mask may keep.
        for size in (192, 512):
            raster(size, rounded=False, mark_scale=0.72).save(
                ICON_DIR / f"maskable-{size}.png", optimize=True
            )
        # iOS rounds the corners itself and wants no transparency.
        touch = raster(180, rounded=False, mark_scale=0.86).convert("RGB")
        touch.save(ICON_DIR / "apple-touch-icon.png", optimize=True)
        self.stdout.write(f"Icons drawn in {ICON_DIR}")
