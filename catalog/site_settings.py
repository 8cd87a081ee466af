"""Settings of the generated catalog pages, read from `mkdocs.yml` `extra.catalog`.

The rule: every setting is checked once, when the build starts; an empty `proxy_template`
(or the older `proxy_prefix`, read as `{prefix}{url}`), `edit_url` or `issues_url` means "not
configured". Links end up in the public site, so only absolute
http(s) URLs are accepted. `timezone` (an IANA name, default the library clock's) is the zone
whose date is "today" for the build and every catalog command (`trial`, `new`,
`available_until`, `added`); the scripts read it from the mkdocs.yml beside the catalog.

The library publishing the portal is `extra.library` (name, short name, address, website),
with its e-mail and telephone from `extra.services` and its logo from `theme.logo`: the
generated pages (home text, schema.org data) read them here, the theme's templates from
`config.extra`; no page names a library by itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from catalog.clock import DEFAULT_TIMEZONE, UnknownTimezone, parse_timezone, today_in
from catalog.models import check_web_url
from catalog.proxy import ProxyTemplateError, proxy_template

DEFAULT_CATALOG_FILE = "resources.yml"
MKDOCS_FILE = "mkdocs.yml"
TIMEZONE_SETTING = "mkdocs.yml: extra.catalog.timezone"


class SettingsError(ValueError):
    """`extra.catalog` in mkdocs.yml holds a missing or invalid value."""


@dataclass(frozen=True)
class SiteLibrary:
    """The library publishing the portal, as the generated pages name it."""

    name: str = ""  # extra.library.name, else mkdocs' site_name
    short_name: str = ""  # extra.library.short_name
    address: str = ""  # extra.library.address
    website: str = ""  # extra.library.website, an http(s) URL
    email: str = ""  # extra.services.email
    phone: str = ""  # extra.services.phone
    logo: str = ""  # theme.logo: a path inside docs_dir (Material's header shows it)


@dataclass(frozen=True)
class SiteSettings:
    """What the page generator needs to know besides the catalog itself."""

    function_url: str  # base URL of the account function; members links go to {it}/go/<id>
    proxy_template: str = ""  # catalog.proxy: `{url}`/`{qurl}` in the proxy's login URL
    edit_url: str = ""  # the catalog file on the repository host; pages link to {it}#L<line>
    issues_url: str = ""  # the repository's issues; pages link to its issue forms ({it}/new?...)
    catalog_file: str = DEFAULT_CATALOG_FILE  # relative to the folder of mkdocs.yml
    directory_urls: bool = True  # mkdocs' use_directory_urls: /sumber/<id>/ or sumber/<id>.html
    # Links relative to the Markdown file, as a builder that rewrites them (Zensical) reads
    # them; False: relative to the published page, as the MkDocs hook publishes them as is.
    source_relative_links: bool = False
    site_url: str = ""  # mkdocs' site_url, ending in "/"; "" = page addresses stay relative
    site_description: str = ""  # mkdocs' site_description
    library: SiteLibrary = SiteLibrary()  # extra.library, extra.services' contact, theme.logo
    count_uses: bool = True  # extra.catalog.count_uses: links report each use to the function
    timezone: str = DEFAULT_TIMEZONE  # extra.catalog.timezone: the library's zone for "today"

    def today(self) -> date:
        """The library's date now: what the build counts trials, "new" and expiry against."""
        return today_in(ZoneInfo(self.timezone))

    @classmethod
    def from_extra(
        cls,
        extra: Mapping[str, object],
        *,
        directory_urls: bool = True,
        site: Mapping[str, object] | None = None,
    ) -> SiteSettings:
        """Read `extra.catalog` of mkdocs.yml (the `extra` mapping is passed in), with
        `site_url`, `site_name` and `site_description` of mkdocs.yml from `site`."""
        site = site or {}
        section = extra.get("catalog")
        if not isinstance(section, Mapping):
            raise SettingsError("mkdocs.yml: extra.catalog must be a mapping")
        function_url = _url(section, "function_url", required=True).rstrip("/")
        return cls(
            function_url=function_url,
            proxy_template=_proxy(section),
            edit_url=_url(section, "edit_url", required=False),
            issues_url=_url(section, "issues_url", required=False).rstrip("/"),
            catalog_file=_text(section, "file") or DEFAULT_CATALOG_FILE,
            directory_urls=directory_urls,
            site_url=_site_url(site),
            site_description=_text(site, "site_description", "mkdocs.yml: site_description"),
            library=site_library(extra, site),
            count_uses=_flag(section, "count_uses", default=True),
            timezone=catalog_zone(extra).key,
        )


def site_library(extra: Mapping[str, object], site: Mapping[str, object]) -> SiteLibrary:
    """The library from `extra.library`, `extra.services` and `theme.logo` of mkdocs.yml
    (`extra` and the whole configuration passed in); the name defaults to site_name."""
    library = _section(extra, "library")
    services = _section(extra, "services")
    theme = site.get("theme")
    logo = theme.get("logo") if isinstance(theme, Mapping) else None
    website = _text(library, "website", "mkdocs.yml: extra.library.website")
    if website:
        try:
            website = check_web_url(website)
        except ValueError as error:
            raise SettingsError(f"mkdocs.yml: extra.library.website: {error}") from None
    return SiteLibrary(
        name=_text(library, "name", "mkdocs.yml: extra.library.name")
        or _text(site, "site_name", "mkdocs.yml: site_name"),
        short_name=_text(library, "short_name", "mkdocs.yml: extra.library.short_name"),
        address=_text(library, "address", "mkdocs.yml: extra.library.address"),
        website=website,
        email=_text(services, "email", "mkdocs.yml: extra.services.email"),
        phone=_text(services, "phone", "mkdocs.yml: extra.services.phone"),
        logo=logo if isinstance(logo, str) else "",
    )


def _section(extra: Mapping[str, object], key: str) -> Mapping[str, object]:
    section = extra.get(key) or {}
    if not isinstance(section, Mapping):
        raise SettingsError(f"mkdocs.yml: extra.{key} must be a mapping")
    return section


def catalog_zone(extra: Mapping[str, object]) -> ZoneInfo:
    """The zone of `extra.catalog.timezone` (default the library clock's); SettingsError
    naming the setting when it is no IANA zone."""
    section = extra.get("catalog")
    name = section.get("timezone", DEFAULT_TIMEZONE) if isinstance(section, Mapping) else None
    try:
        return parse_timezone(name or DEFAULT_TIMEZONE, setting=TIMEZONE_SETTING)
    except UnknownTimezone as error:
        raise SettingsError(str(error)) from None


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring MkDocs' own tags (!ENV, !relative, python names)."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_mkdocs(config_path: Path) -> dict[str, object]:
    """mkdocs.yml as plain data (MkDocs' own tags read as null)."""
    with config_path.open(encoding="utf-8") as handle:
        config = yaml.load(handle, Loader=_ConfigLoader) or {}  # noqa: S506 - a SafeLoader
    if not isinstance(config, dict):
        raise SettingsError(f"{config_path}: not a mapping")
    return config


def mkdocs_beside(catalog_path: Path | str) -> dict[str, object]:
    """The mkdocs.yml beside a catalog file as plain data ({} when there is none): what a
    catalog command knows of the library's site."""
    config_path = Path(catalog_path).parent / MKDOCS_FILE
    return read_mkdocs(config_path) if config_path.is_file() else {}


def library_today(catalog_path: Path | str) -> date:
    """The library's date now for a catalog command: in the zone of the mkdocs.yml beside the
    catalog file, or of the library clock's default when there is none."""
    extra = mkdocs_beside(catalog_path).get("extra")
    return today_in(catalog_zone(extra if isinstance(extra, Mapping) else {}))


def repository_url(catalog_path: Path | str) -> str:
    """`repo_url` of the mkdocs.yml beside a catalog file ("" when unknown): the library's
    repository, which the link checker names to the servers it asks."""
    value = mkdocs_beside(catalog_path).get("repo_url")
    return value.strip() if isinstance(value, str) else ""


def _text(section: Mapping[str, object], key: str, name: str = "") -> str:
    value = section.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SettingsError(f"{name or 'mkdocs.yml: extra.catalog.' + key} must be text")
    return value.strip()


def _flag(section: Mapping[str, object], key: str, *, default: bool) -> bool:
    value = section.get(key, default)
    if not isinstance(value, bool):
        raise SettingsError(f"mkdocs.yml: extra.catalog.{key} must be true or false")
    return value


def _site_url(site: Mapping[str, object]) -> str:
    value = _text(site, "site_url", "mkdocs.yml: site_url")
    if not value:
        return ""
    try:
        return check_web_url(value).rstrip("/") + "/"
    except ValueError as error:
        raise SettingsError(f"mkdocs.yml: site_url: {error}") from None


def _proxy(section: Mapping[str, object]) -> str:
    try:
        return proxy_template(_text(section, "proxy_template"), _text(section, "proxy_prefix"))
    except ProxyTemplateError as error:
        raise SettingsError(f"mkdocs.yml: extra.catalog: {error}") from None


def _url(section: Mapping[str, object], key: str, *, required: bool) -> str:
    value = _text(section, key)
    if not value:
        if required:
            raise SettingsError(f"mkdocs.yml: extra.catalog.{key} is required")
        return ""
    try:
        return check_web_url(value)
    except ValueError as error:
        raise SettingsError(f"mkdocs.yml: extra.catalog.{key}: {error}") from None
