"""Benchmark the photo pipeline: cold build (every photo encoded), warm rebuild, and `ssg check`.

    python bench/images.py [--articles 60] [--width 2400]

Generates a throwaway site with one hero photo and one in-body photo per article
(with GPS EXIF, like a phone photo), then prints wall-clock figures for each phase.
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import tempfile
import time
from pathlib import Path

from PIL import ExifTags, ImageDraw
from PIL import Image as PILImage

from ssg import images
from ssg.build import build
from ssg.check import run_check


def photo(width: int, height: int, seed: int) -> bytes:
    """A photo-like JPEG: gradients and shapes, plus GPS EXIF."""
    rng = random.Random(seed)
    image = PILImage.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(width), rng.randrange(height)
        r = rng.randrange(20, width // 6)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    exif = PILImage.Exif()
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (10.0, 2.0, 3.0),
    }
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88, exif=exif)
    return out.getvalue()


def make_site(root: Path, articles: int, width: int) -> None:
    (root / "content/articles").mkdir(parents=True)
    (root / "content/authors").mkdir(parents=True)
    (root / "assets/images").mkdir(parents=True)
    (root / "site.yml").write_text("title: Bench\nbase_url: https://bench.example/\n")
    (root / "content/authors/ana.md").write_text("---\nname: Ana\n---\nBio.\n")
    height = width * 2 // 3
    for i in range(articles):
        (root / f"assets/images/hero-{i}.jpg").write_bytes(photo(width, height, i))
        (root / f"assets/images/body-{i}.jpg").write_bytes(photo(width // 2, height // 2, -i - 1))
        (root / f"content/articles/story-{i}.md").write_text(
            f"---\ntitle: Story {i}\ndek: Dek {i}.\nauthors: ana\ndate: 2024-01-01T{i % 24:02d}:00:00Z\n"
            f"slug: story-{i}\nimage:\n  src: /images/hero-{i}.jpg\n  alt: Photo {i}\n  credit: Bench\n"
            f"---\nText.\n\n![Body photo {i}](/images/body-{i}.jpg){{credit=Bench}}\n"
        )


def timed(label: str, action) -> float:
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    print(f"{label:<34} {seconds:7.2f} s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--width", type=int, default=2400)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="ssg-bench-images-"))
    try:
        make_site(root, args.articles, args.width)
        count = 2 * args.articles
        print(
            f"{args.articles} articles, {count} photos of {args.width} px and {args.width // 2} px"
        )
        encodes = 0
        real = images.encode

        def counting(*a, **k):
            nonlocal encodes
            encodes += 1
            return real(*a, **k)

        images.encode = counting
        cold = timed("cold build (encode everything)", lambda: build(root))
        cold_encodes = encodes
        warm = timed("warm rebuild (cache hits)", lambda: build(root))
        timed("ssg check (warm cache)", lambda: run_check(root))
        files = sum(1 for p in (root / "public").rglob("*") if p.suffix in (".jpg", ".webp"))
        size = sum(
            p.stat().st_size for p in (root / "public").rglob("*") if p.suffix in (".jpg", ".webp")
        )
        print(f"{'files encoded (cold / warm)':<34} {cold_encodes:7d} / {encodes - cold_encodes}")
        print(f"{'photo files published':<34} {files:7d} ({size / 1e6:.1f} MB)")
        print(f"{'cold ms per source photo':<34} {cold / count * 1000:7.0f}")
        print(f"{'warm speed-up':<34} {cold / warm:7.1f}x")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
