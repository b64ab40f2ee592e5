"""Settings of the General tab owned by accounts: sign-in, the Home tab and custom fields shown to clients.

The display name, logo, social handles and contact info shown on the same tab are the tenant's profile, not settings.
"""
from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from shared.fields import TRIMMED, switch, unique
from shared.i18n import N_

GENERAL = "general"
LOGIN_METHODS = ("password", "one_time_code")


class GeneralSettingsSchema(Schema):
    """Portal-wide settings of the General tab: who can sign in, how, and what the Account tab shows."""

    class Meta:
        unknown = RAISE

    enable_logins = switch(True, N_("Enable logins"),
                           N_("When off, no client of this business can sign in to the portal."))
    login_methods = fields.List(
        fields.String(validate=validate.OneOf(LOGIN_METHODS)),
        load_default=lambda: list(LOGIN_METHODS),
        validate=[validate.Length(min=1), unique],
        metadata={"label": N_("Sign-in methods"),
                  "help": N_("Password, a one-time code sent by text or email, or both.")})
    use_usernames = switch(False, N_("Use usernames"),
                           N_("Clients pick a username at registration and can sign in with it instead of their "
                              "email."))
    min_password_length = fields.Integer(
        strict=True,
        load_default=12,
        validate=validate.Range(min=12, max=128),
        metadata={"label": N_("Minimum password length"),
                  "help": N_("Fewest characters a client password may have (12 to 128).")})
    security_questions_enabled = switch(False, N_("Security questions"),
                                        N_("Ask the client's security questions as an extra check when resetting a "
                                           "password."))
    custom_fields_visible = fields.List(
        fields.String(validate=[validate.Length(min=1, max=64), TRIMMED]),
        load_default=list,
        validate=[validate.Length(max=200), unique],
        metadata={"label": N_("Custom fields shown to clients"),
                  "help": N_("Custom fields clients can see and edit on their Account tab.")})
    home_tab_enabled = switch(True, N_("Show Home tab"),
                              N_("Open the portal on a dashboard of what is due and coming up."))
    require_staff_two_step = switch(False, N_("Require two-step sign-in for staff"),
                                    N_("Staff enter a code from an authenticator app after their password; those "
                                       "who have not set it up are asked to at their next sign-in. Only the owner "
                                       "can change this."))

    @validates_schema
    def check_password_dependants(self, data, **kwargs):
        # Usernames and security questions only serve password sign-in and password resets.
        methods = data.get("login_methods")
        if methods is None or "password" in methods:
            return
        errors = {}
        if data.get("use_usernames"):
            errors["use_usernames"] = [N_("Usernames need the password sign-in method.")]
        if data.get("security_questions_enabled"):
            errors["security_questions_enabled"] = [N_("Security questions need the password sign-in method.")]
        if errors:
            raise ValidationError(errors)


TABS = {GENERAL: GeneralSettingsSchema}

OWNER_ONLY = {"require_staff_two_step"}  # General tab settings only the business's owner may change
