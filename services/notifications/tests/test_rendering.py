"""Message rendering: branding, escaping, the staff's sanitised HTML, links and lifetimes."""
from datetime import timedelta

from notifications import rendering
from notifications.branding import Branding
from notifications.rendering import (default_invitation_template, describe_lifetime,
                                     html_to_text, invitation_link, render_invitation,
                                     render_login_code_email, render_login_code_sms, reset_link,
                                     sanitise_html)

BRANDING = Branding("Green <Acres> & Co", contact_email="hello@green.example",
                    contact_phone="+1 555 010 0199", facebook_page="greenacres",
                    twitter_handle="@greenacres", linkedin_slug="green-acres")
LINK = "http://portal.example/p/green/invitation/tok"


def test_sanitising_keeps_basic_formatting_and_safe_links_only():
    dirty = ('<p onclick="steal()">Hi <strong>there</strong> <a href="https://green.example" '
             'target="_blank">site</a> <a href="javascript:alert(1)">x</a></p>'
             '<script>alert("boom")</script><style>p{}</style><img src=x onerror=alert(1)>'
             '<iframe src="https://evil.example"></iframe><!-- note -->')

    clean = sanitise_html(dirty)

    assert clean == ('<p>Hi <strong>there</strong> <a href="https://green.example" '
                     'rel="noopener noreferrer">site</a> <a rel="noopener noreferrer">x</a></p>')


def test_invitation_puts_the_staff_html_between_the_greeting_and_the_button():
    template = {"subject": "Welcome aboard", "html": "<p><em>We are glad</em> to have you.</p>"}

    email = render_invitation(BRANDING, template, "Ann", LINK, "7 days")

    greeting, staff_text, button = (email.html.index("Hello Ann,"), email.html.index("<em>We are glad</em>"),
                                    email.html.index(f'<a href="{LINK}"'))
    assert greeting < staff_text < button
    assert email.subject == "Welcome aboard"
    assert "We are glad to have you." in email.text
    assert f"Set up your account: {LINK}" in email.text
    assert "expires in 7 days" in email.text and "expires in 7 days" in email.html


def test_everything_but_the_staff_html_is_escaped():
    template = {"subject": "<b>Hi</b>", "html": "<p>ok</p>"}

    email = render_invitation(BRANDING, template, "<script>x</script>", LINK, "7 days")

    assert "<script>" not in email.html
    assert "&lt;script&gt;x&lt;/script&gt;" in email.html
    assert "Green &lt;Acres&gt; &amp; Co" in email.html
    assert "<title>&lt;b&gt;Hi&lt;/b&gt;</title>" in email.html
    # The plain-text part is not HTML: it shows the characters as typed.
    assert "Hello <script>x</script>," in email.text


def test_stored_html_is_sanitised_again_when_rendered():
    template = {"subject": "Hi", "html": "<p>ok</p><script>alert(1)</script>"}

    email = render_invitation(BRANDING, template, "Ann", LINK, "7 days")

    assert "script" not in email.html and "alert" not in email.html


def test_sample_invitation_has_no_working_link():
    template = default_invitation_template()

    email = render_invitation(BRANDING, template, "[Client name]", None, "7 days")

    assert email.subject == "[Sample] Your client portal invitation"
    assert 'href="#"' in email.html
    assert "/invitation/" not in email.html and "/invitation/" not in email.text
    assert "sample" in email.text


def test_footer_shows_contacts_and_social_pages():
    email = render_login_code_email(BRANDING, "123456", "10 minutes")

    for part in (email.text, email.html):
        assert "hello@green.example" in part and "+1 555 010 0199" in part
        assert "https://www.facebook.com/greenacres" in part
        assert "https://x.com/greenacres" in part
        assert "https://www.linkedin.com/company/green-acres" in part


def test_footer_leaves_out_what_the_tenant_has_not_filled_in():
    email = render_login_code_email(Branding("Plain Co"), "123456", "10 minutes")

    assert "Email:" not in email.text and "Phone:" not in email.text and "facebook" not in email.html


def test_login_code_sms_is_one_sentence_with_the_business_name():
    assert (render_login_code_sms(Branding("Green Acres"), "123456", "10 minutes")
            == "Your Green Acres sign-in code is 123456. It expires in 10 minutes.")


def test_the_default_template_is_the_same_before_and_after_the_branding_arrives():
    template = default_invitation_template()
    assert template["subject"] == "Your client portal invitation"
    assert render_invitation(BRANDING, template, "Ann", LINK, "7 days").html.count("Green &lt;Acres&gt;") >= 2


def test_html_to_text_keeps_paragraphs_list_items_and_link_addresses():
    text = html_to_text('<p>One &amp; <b>two</b></p><ul><li>first</li><li>second</li></ul>'
                        '<p>See <a href="https://green.example/faq">our FAQ</a> or '
                        '<a href="mailto:hi@green.example">hi@green.example</a>.<br>Thanks</p>')

    assert text == ("One & two\n\n- first\n- second\n\n"
                    "See our FAQ (https://green.example/faq) or hi@green.example.\nThanks")


def test_links_quote_the_slug_and_token():
    assert invitation_link("http://x.example/", "green", "a/b?c") == "http://x.example/p/green/invitation/a%2Fb%3Fc"
    assert reset_link("http://x.example", "green", "tok") == "http://x.example/p/green/reset/tok"


def test_lifetimes_read_from_the_event_round_to_the_nearest_unit():
    issued = "2026-11-23T10:00:00.250000+00:00"
    assert describe_lifetime(issued, "2026-11-30T10:00:00+00:00", rendering.INVITATION_LIFETIME) == "7 days"
    assert describe_lifetime(issued, "2026-11-23T11:00:00+00:00", rendering.RESET_LIFETIME) == "1 hour"
    assert describe_lifetime(issued, "2026-11-23T10:10:00+00:00", rendering.CODE_LIFETIME) == "10 minutes"
    assert describe_lifetime("2026-11-23T10:00:00", "2026-11-23T12:00:00", timedelta(hours=1)) == "2 hours"


def test_unreadable_times_fall_back_to_the_usual_lifetime():
    assert describe_lifetime(None, "soon", rendering.CODE_LIFETIME) == "10 minutes"
    assert describe_lifetime(None, None, rendering.INVITATION_LIFETIME) == "7 days"
