"""What a message shows of the business: its copy of the business's profile, as the templates read it."""
from dataclasses import dataclass
from urllib.parse import quote

from shared.config import env
from shared.fields import stored_colour

DEFAULT_BASE_URL = "http://127.0.0.1:8000"  # where make up serves the portal: PORTICO_BASE_URL's default
DEFAULT_ACCENT = "#1d5e3a"


@dataclass(frozen=True)
class Branding:
    """What a message shows of the business: its name, colour, contacts and social pages."""

    display_name: str
    contact_email: str | None = None
    contact_phone: str | None = None
    facebook_page: str | None = None
    twitter_handle: str | None = None
    linkedin_slug: str | None = None
    brand_colour: str | None = None
    slug: str | None = None
    has_logo: bool = False

    @classmethod
    def from_row(cls, row):
        return cls(display_name=row.display_name, contact_email=row.contact_email,
                   contact_phone=row.contact_phone, facebook_page=row.facebook_page,
                   twitter_handle=row.twitter_handle, linkedin_slug=row.linkedin_slug,
                   brand_colour=row.brand_colour, slug=row.slug, has_logo=bool(row.has_logo))

    @property
    def logo_url(self):
        """The logo's public address on the portal, for the message's header; None without a logo, or when the portal
        is not served over HTTPS (a local run): mail apps, and the staff's view of a sent message, load images over
        HTTPS only. A mail app that holds remote images back shows the image's alternative text, the name."""
        base = env("PORTICO_BASE_URL", DEFAULT_BASE_URL).rstrip("/")
        if not (self.has_logo and self.slug and base.startswith("https://")):
            return None
        return f"{base}/p/{url_segment(self.slug)}/logo"

    @property
    def accent(self):
        """The colour of the message's buttons, links and top rule: the business's own (accounts checked that white
        text on it is readable), else Portico's green."""
        return stored_colour(self.brand_colour) or DEFAULT_ACCENT

    @property
    def social_links(self):
        """(label, url) of each social page the tenant filled in."""
        links = []
        if self.facebook_page:
            links.append(("Facebook", f"https://www.facebook.com/{url_segment(self.facebook_page)}"))
        if self.twitter_handle:
            links.append(("X (Twitter)", f"https://x.com/{url_segment(self.twitter_handle.lstrip('@'))}"))
        if self.linkedin_slug:
            links.append(("LinkedIn", f"https://www.linkedin.com/company/{url_segment(self.linkedin_slug)}"))
        return links


def url_segment(value):
    """``value`` as one segment of a URL's path."""
    return quote(value.strip(), safe="")
