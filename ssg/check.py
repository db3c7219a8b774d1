"""`ssg check`: build the site in memory and report what would embarrass the paper.

Runs the same stages as `ssg build` (nothing is written to the output folder), keeps
every problem the build reports, and adds editorial rules (see `ssg.rules`): broken
links and anchors in the rendered pages, missing alt text, long headlines, missing
deks, oversized photos, orphan authors, unknown topics, duplicate slugs. Future-dated
articles are listed as scheduled, and the report says when the site must next be rebuilt:
the earliest of a scheduled story going live, a story expiring and the breaking banner
expiring.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from ssg.assetrefs import asset_calls, missing_assets
from ssg.assets import publish, split_asset_path
from ssg.build import (
    asset_roots,
    one_per_template_line,
    parse_content,
    plan_all,
    render_outputs,
    walk_assets,
)
from ssg.config import SiteConfig, load_config
from ssg.drafts import excuse_drafts
from ssg.errors import Problem, Severity, did_you_mean, error, unique
from ssg.fingerprint import TemplateDigests
from ssg.folders import cache_folder_problem, output_folder_problem, unusable_cache_folder
from ssg.frontmatter import field_line, locator
from ssg.imagepaths import asset_of
from ssg.linkcheck import Page, check_links
from ssg.logo import logo_problem
from ssg.model import Article
from ssg.photos import process_photos
from ssg.plan import misplaced_outputs
from ssg.rules import classify
from ssg.search import BUNDLE as SEARCH_BUNDLE
from ssg.site import BuildOptions, Parsed, build_site
from ssg.slugs import slugify
from ssg.sourcelinks import with_link_lines
from ssg.templates import make_environment, template_file
from ssg.urls import article_url

_EMPTY_ALT = re.compile(r'<img\b(?![^>]*\balt="[^"]+")[^>]*>')
_IMG_SRC = re.compile(r'<img\b[^>]*\bsrc="([^"]*)"')


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem and the rule that found it."""

    problem: Problem
    rule: str

    def as_dict(self) -> dict[str, object]:
        return {"rule": self.rule, **self.problem.as_dict()}


@dataclass(frozen=True, slots=True)
class Scheduled:
    """A future-dated article: it goes live on the first build after `date`."""

    path: str
    title: str
    url: str
    date: dt.datetime


@dataclass(frozen=True, slots=True)
class Rebuild:
    """A moment the published site changes by itself, so it must be rebuilt then.

    `reason` is `live` (a scheduled story goes live), `expires` (a story expires) or
    `breaking-expires` (the home page's breaking banner expires); `path` is the source."""

    at: dt.datetime
    reason: str
    path: str
    title: str = ""

    def describe(self) -> str:
        """What happens then, for the text report."""
        if self.reason == "breaking-expires":
            return f"the breaking banner in {self.path} expires"
        verb = "goes live" if self.reason == "live" else "expires"
        return f"{self.path} ({self.title}) {verb}"

    def as_dict(self) -> dict[str, str]:
        return {"at": self.at.isoformat(), "reason": self.reason, "path": self.path}


@dataclass(frozen=True, slots=True)
class Report:
    """Everything `ssg check` found, grouped by severity."""

    findings: tuple[Finding, ...] = ()
    scheduled: tuple[Scheduled, ...] = ()
    pages: int = 0
    strict: bool = False
    next_rebuild: Rebuild | None = None

    def _severity(self, finding: Finding) -> Severity:
        if self.strict:
            return Severity.ERROR
        return finding.problem.severity

    def _as_counted(self, finding: Finding) -> Finding:
        """The finding as the report counts it: a warning is an error under --strict."""
        severity = self._severity(finding)
        if finding.problem.severity is severity:
            return finding
        return replace(finding, problem=replace(finding.problem, severity=severity))

    @property
    def errors(self) -> list[Finding]:
        return [self._as_counted(f) for f in self.findings if self._severity(f) is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if self._severity(f) is Severity.WARNING]

    @property
    def next_live(self) -> Scheduled | None:
        return self.scheduled[0] if self.scheduled else None

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0

    def as_dict(self) -> dict[str, object]:
        """The JSON report for CI bots."""
        nxt = self.next_live
        return {
            "ok": not self.errors,
            "strict": self.strict,
            "pages": self.pages,
            "errors": [f.as_dict() for f in self.errors],
            "warnings": [f.as_dict() for f in self.warnings],
            "scheduled": [
                {"path": s.path, "title": s.title, "url": s.url, "date": s.date.isoformat()}
                for s in self.scheduled
            ],
            "next_live": nxt.date.isoformat() if nxt else None,
            "next_rebuild": self.next_rebuild.as_dict() if self.next_rebuild else None,
        }

    def lines(self) -> list[str]:
        """The text report, errors first, then warnings, then scheduled articles and the
        next rebuild."""
        out: list[str] = []
        for title, group in (("Errors", self.errors), ("Warnings", self.warnings)):
            if group:
                out.append(f"{title} ({len(group)}):")
                out += [f"  {f.problem.format()} [{f.rule}]" for f in _ordered(group)]
        if self.scheduled:
            nxt = self.scheduled[0]
            out.append(
                f"Scheduled ({len(self.scheduled)}): the next one goes live at "
                f"{nxt.date.isoformat()}"
            )
            out += [f"  {s.date.isoformat()}  {s.path}  {s.title}" for s in self.scheduled]
        if self.next_rebuild:
            at = self.next_rebuild.at.isoformat()
            out.append(
                f"Next rebuild: {at}, when {self.next_rebuild.describe()}; rebuild the site then"
            )
        verdict = "failed" if self.errors else "passed"
        out.append(
            f"Check {verdict}: {len(self.errors)} error(s), {len(self.warnings)} warning(s), "
            f"{self.pages} pages checked."
        )
        return out


def _ordered(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.problem.path or "~", f.problem.line or 0, f.rule))


def run_check(
    root: Path,
    config_path: Path | None = None,
    strict: bool = False,
    now: dt.datetime | None = None,
) -> Report:
    """Build the site at `root` in memory and check it; never writes the output folder.

    Photos are encoded through the build's cache (`cache_dir`), or a temporary folder
    when that cannot be used."""
    config, problems = load_config(config_path or root / "site.yml")
    if config is None:
        return Report(tuple(Finding(p, "config") for p in problems), strict=strict)
    cache_dir = root / config.cache_dir
    out_dir = (root / config.output).resolve()
    # the build refuses an output folder it must not write into (`output: content`, the
    # site's own folder): so does the check, or it would pass a site that cannot be built
    if unsafe := output_folder_problem(out_dir, root, config.output, from_flag=False):
        problems = [*problems, unsafe]
    wrong = cache_folder_problem(cache_dir.resolve(), root, config.cache_dir)
    unusable = wrong or unusable_cache_folder(cache_dir, config.cache_dir)
    if unusable is None:
        return _check(root, config, problems, cache_dir / "images", config_path, strict, now)
    with tempfile.TemporaryDirectory(prefix="ssg-photos-") as scratch:
        problems = [*problems, unusable]
        return _check(root, config, problems, Path(scratch), config_path, strict, now)


def _check(
    root: Path,
    config: SiteConfig,
    problems: list[Problem],
    image_cache: Path,
    config_path: Path | None,
    strict: bool,
    now: dt.datetime | None,
) -> Report:
    options = BuildOptions(now=now) if now else BuildOptions()
    raw, parse_problems = parse_content(root, config)
    found = walk_assets(asset_roots(root))
    assets = found.files
    photos = process_photos(
        root, config, raw, assets, image_cache, config_path=config_path or root / "site.yml"
    )
    parsed = photos.parsed
    site, site_problems = build_site(config, parsed, options, assets)
    site_problems = with_link_lines(site_problems, root)
    logo = logo_problem(config, assets, config_path or root / "site.yml")
    build_problems = unique(
        problems
        + found.problems
        + parse_problems
        + photos.problems
        + site_problems
        + ([logo] if logo else [])
    )
    build_problems = excuse_drafts(build_problems, parsed.articles, options.drafts)
    config_name = str(config_path or root / "site.yml")
    findings = [
        Finding(p, "config" if p.path == config_name else classify(p)) for p in build_problems
    ]

    published = publish(assets, config.assets)
    files = set(published.files) | {k for k, v in photos.files.items() if v is not None}
    pages: list[Page] = []
    texts = _source_texts(root, raw)
    try:
        env = make_environment(config, root / "layouts", published.manifest)
    except FileNotFoundError as exc:
        findings.append(Finding(error(str(exc)), "template"))
    else:
        outputs = plan_all(site, options)
        bundle = SEARCH_BUNDLE if config.search else None
        wrong = misplaced_outputs(outputs, files, locator(parsed.fronts), bundle)
        findings += [Finding(p, "duplicate-url") for p in wrong]
        failed: list[Problem] = []
        for output, rendered in render_outputs(env, outputs):
            if isinstance(rendered, Problem):
                failed.append(rendered)
                # the page exists in the plan: links to it are not broken, only its template
                pages.append(Page(output.url, "", None, ""))
                continue
            item = output.context.get("article") or output.context.get("page")
            path = getattr(item, "path", None)
            pages.append(
                Page(output.url, rendered.decode("utf-8"), path, texts.get(path or "", ""))
            )
        findings += [Finding(p, "template") for p in one_per_template_line(failed)]
        templates, used = TemplateDigests(env), {o.template for o in outputs}
        shown = partial(template_file, env)
        findings += [
            Finding(p, "template")
            for p in missing_assets(templates, used, files, shown, found.refused)
        ]
        # a missing asset() file is reported at its template, not once more as a link
        files |= {split_asset_path(path)[0] for _, _, path in asset_calls(templates, used)}
        links = check_links(pages, files, config.origin, config.base_path)
        # a missing photo is already reported (as bad-image) at the same place
        reported = {(f.problem.path, f.problem.line) for f in findings if f.rule == "bad-image"}
        findings += [Finding(p, "broken-link") for p in links if (p.path, p.line) not in reported]

    candidates = [a for a in raw.articles if not a.draft]
    findings += _content_rules(texts, config, raw, candidates, site.by_author, assets)
    findings = _apply_levels(config, findings)
    scheduled = sorted(
        (
            Scheduled(a.path, a.title, article_url(config, a), a.date)
            for a in candidates
            if a.date > options.now
        ),
        key=lambda s: (s.date, s.path),
    )
    rebuild = _next_rebuild(scheduled, candidates, parsed, options.now)
    return Report(tuple(findings), tuple(scheduled), len(pages), strict, rebuild)


def _next_rebuild(
    scheduled: list[Scheduled], articles: list[Article], parsed: Parsed, now: dt.datetime
) -> Rebuild | None:
    """The first moment after `now` at which a story goes live, a story expires or the
    breaking banner expires: the site must be rebuilt then."""
    moments = [Rebuild(s.date, "live", s.path, s.title) for s in scheduled[:1]]
    moments += [
        Rebuild(a.expires, "expires", a.path, a.title)
        for a in articles
        if a.expires is not None and a.expires > now and a.expires > a.date
    ]
    breaking = parsed.home.breaking if parsed.home else None
    if breaking is not None and breaking.expires is not None and breaking.expires > now:
        moments.append(Rebuild(breaking.expires, "breaking-expires", parsed.home.path))
    return min(moments, key=lambda r: (r.at, r.path), default=None)


def _apply_levels(config: SiteConfig, findings: list[Finding]) -> list[Finding]:
    """Set each finding's severity from `check.rules`; errors that stop a build stay errors."""
    out = []
    for finding in findings:
        level = config.check.rules.get(finding.rule)
        if level is None:
            out.append(finding)
        elif level == "off":
            if finding.problem.is_error and finding.rule in _BUILD_RULES:
                out.append(finding)
        elif finding.problem.is_error and finding.rule in _BUILD_RULES:
            out.append(finding)
        else:
            out.append(replace(finding, problem=replace(finding.problem, severity=Severity(level))))
    return out


# rules whose errors come from the build itself: the site cannot be built with them
_BUILD_RULES = {
    "unknown-author",
    "link-to-draft",
    "updated-before-date",
    "duplicate-url",
    "bad-image",
    "template",
    "content",
    "config",
    "missing-credit",
}


def _source_texts(root: Path, parsed: Parsed) -> dict[str, str]:
    texts = {}
    for item in (*parsed.articles, *parsed.pages):
        try:
            texts[item.path] = (root / item.path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            texts[item.path] = ""
    return texts


def _content_rules(
    texts: dict[str, str],
    config: SiteConfig,
    parsed: Parsed,
    articles: list[Article],
    by_author: dict[str, tuple[Article, ...]],
    assets: dict[str, Path],
) -> list[Finding]:
    """The editorial rules that look at content rather than at rendered pages."""
    settings = config.check
    out: list[Finding] = []

    def locate(path: str, *keys: str) -> int | None:
        front = parsed.fronts.get(path, "")
        for key in keys:
            line = field_line(front, key)
            if line:
                return line
        return None

    def add(rule: str, message: str, path: str | None, line: int | None, **kw) -> None:
        level = settings.level(rule)
        if level != "off":
            problem = Problem(message, path, line, severity=Severity(level), **kw)
            out.append(Finding(problem, rule))

    topic_files = {t.slug for t in parsed.topics}
    by_slug: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        by_slug[article.slug].append(article)
        if len(article.title) > settings.headline_max:
            add(
                "headline-length",
                f"headline is {len(article.title)} characters (limit {settings.headline_max})",
                article.path,
                locate(article.path, "title"),
                field="title",
                hint="long headlines are cut off in search results and social cards",
            )
        front = parsed.fronts.get(article.path, "")
        if not article.dek and field_line(front, "summary") is None:
            add(
                "missing-summary",
                "no dek or summary: social cards and search results will use the first paragraph",
                article.path,
                locate(article.path, "title"),
                field="dek",
                hint="add a one-sentence 'dek:' under the title",
            )
        for name in dict.fromkeys(article.topic_names):
            slug = slugify(name)
            if slug in topic_files:
                continue
            near = did_you_mean(slug, topic_files)
            if near or settings.require_topic_files:
                add(
                    "unknown-topic",
                    f"topic '{name}' has no content/topics/{slug}.md",
                    article.path,
                    locate(article.path, "topics"),
                    field="topics",
                    hint=near or f"create content/topics/{slug}.md, or fix the spelling",
                )
        _photo_rules(article, config, assets, locate, add, texts.get(article.path, ""))
    for slug, group in by_slug.items():
        urls = {article_url(config, a) for a in group}
        if len(group) > 1 and len(urls) > 1:
            names = ", ".join(a.path for a in group)
            for article in group:
                add(
                    "duplicate-slug",
                    f"slug '{slug}' is used by {len(group)} articles: {names}",
                    article.path,
                    locate(article.path, "slug", "title"),
                    field="slug",
                    hint="give each story its own slug so readers and editors can tell them apart",
                )
    for author in parsed.authors:
        if not by_author.get(author.slug):
            add(
                "orphan-author",
                f"author '{author.slug}' has no published articles",
                author.path,
                1,
                hint="remove the file if they have left, or check the slug in their articles",
            )
    return out


def _photo_rules(article: Article, config: SiteConfig, assets, locate, add, text: str) -> None:
    """Alt text on every photo, and photo files within the byte budget."""
    budget = config.check.image_max_bytes
    image = article.image
    if image and not image.alt.strip():
        add(
            "missing-alt",
            "hero photo has no alt text",
            article.path,
            locate(article.path, "image.alt", "image"),
            field="image.alt",
            hint="describe what the photo shows for readers who cannot see it",
        )
    photos = []
    if image and not image.is_remote:
        photos.append(
            (asset_of(image.src), "image.src", locate(article.path, "image.src", "image"))
        )
    for match in _IMG_SRC.finditer(article.body_html):
        photos.append((asset_of(match.group(1), config.base_path), "body", None))
    empty_alt_lines = [n for n, t in enumerate(text.splitlines(), start=1) if "![](" in t]
    for index, _ in enumerate(_EMPTY_ALT.finditer(article.body_html)):
        add(
            "missing-alt",
            "photo in the text has no alt text",
            article.path,
            empty_alt_lines[index] if index < len(empty_alt_lines) else None,
            field="body",
            hint="write the description between the brackets: ![what it shows](/images/x.jpg)",
        )
    for asset, key, line in dict.fromkeys(photos):
        path = assets.get(asset or "")
        size = path.stat().st_size if path else 0
        if size > budget:
            add(
                "image-too-large",
                f"photo assets/{asset} is {size:,} bytes (budget {budget:,})",
                article.path,
                line,
                field=key,
                hint="export it smaller (2000 px wide at quality 80 is plenty), "
                "or raise check.image_max_bytes",
            )
