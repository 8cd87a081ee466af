"""The library's proxy: which resources go through it and how their URL is put in it.

The rules:
- a proxy is configured as a template holding exactly one placeholder: `{url}` (the resource
  URL as it is, for EZproxy's `login?url=`, which reads the rest of the line as the URL) or
  `{qurl}` (the URL percent-encoded, for EZproxy's `login?qurl=` and the OpenAthens
  redirector, which decode one query parameter); the older setting, a bare prefix, is the
  template `{prefix}{url}`; setting both is an error;
- the template must fix the scheme and host before its placeholder, so the link always leads
  to the proxy, and the filled template must be an absolute http(s) URL;
- a resource goes through the proxy when its `proxy` field says so, else when it is `paid`.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from catalog.models import Access, Resource, check_web_url

URL = "{url}"
PLACEHOLDER = re.compile(r"\{(url|qurl)\}")
SAMPLE_URL = "https://example.org/path?a=1&b=2#part"


class ProxyTemplateError(ValueError):
    """A proxy template or prefix that cannot produce a proxied link."""


def proxy_template(template: str = "", prefix: str = "") -> str:
    """The checked template from the two settings ("" when no proxy is configured)."""
    template, prefix = template.strip(), prefix.strip()
    if template and prefix:
        raise ProxyTemplateError("set either proxy_template or proxy_prefix, not both")
    if prefix:
        if PLACEHOLDER.search(prefix):
            raise ProxyTemplateError("proxy_prefix must not hold {url} or {qurl}")
        template = prefix + URL
    if not template:
        return ""
    found = list(PLACEHOLDER.finditer(template))
    if len(found) != 1:
        raise ProxyTemplateError(
            "proxy_template must hold exactly one {url} or {qurl}, "
            "e.g. https://proxy.example.ac.id/login?url={url}"
        )
    leftover = PLACEHOLDER.sub("", template)
    if "{" in leftover or "}" in leftover:
        raise ProxyTemplateError("proxy_template knows only the placeholders {url} and {qurl}")
    head = template[: found[0].start()]
    try:
        check_web_url(proxied(SAMPLE_URL, template))
        check_web_url(head)
    except ValueError as error:
        raise ProxyTemplateError(f"proxy_template: {error}") from None
    parts = urlsplit(head)
    if not (parts.path or parts.query):
        raise ProxyTemplateError("proxy_template: the placeholder must come after the host's '/'")
    return template


def proxied(url: str, template: str) -> str:
    """`url` put into `template`: as it is for `{url}`, percent-encoded for `{qurl}`."""
    if not template:
        return url

    def fill(match: re.Match[str]) -> str:
        return url if match.group(1) == "url" else quote(url, safe="")

    return PLACEHOLDER.sub(fill, template)


def uses_proxy(resource: Resource) -> bool:
    """The resource's own `proxy` choice, else the default of its access level."""
    if resource.proxy is not None:
        return resource.proxy
    return resource.access is Access.PAID


def target_url(resource: Resource, template: str) -> str:
    """Where the resource is finally opened: its URL, through the proxy when it uses one."""
    return proxied(resource.url, template) if uses_proxy(resource) else resource.url
