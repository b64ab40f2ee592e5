"""The accounts service's entrypoints for a staff member's own credentials: password, reset, two-step sign-in.

A mixin of AccountsService (accounts/service.py), which provides ``db``, ``ctx``, ``outbox`` and ``data_keys``.
Calls that carry a session token check the token itself, as ``resolve_staff_session`` does: a session waiting
for its second step can take that step and nothing else.
"""
from accounts import access, staff_credentials, staff_sessions, staff_totp
from accounts.general_tab import general_settings
from accounts.schemas import (ChangePasswordSchema, NewPasswordSchema, PasswordSchema, StaffEmailSchema,
                              TwoStepCodeSchema)
from shared.context import public_rpc, tenant_rpc
from shared.validation import load_or_raise

SIGNED_IN, ENROLLING = None, staff_sessions.ENROL


class StaffCredentialEntrypoints:

    @public_rpc
    def verify_staff_code(self, token, code, address=None):
        """Complete a two-step sign-in: the code from the app (or a recovery code) for a pending session."""
        values = load_or_raise(TwoStepCodeSchema, {"code": code})
        answer = staff_sessions.verify_code(self.db, token, values["code"], address, self.data_keys)
        self.db.commit()
        return answer

    @public_rpc
    def begin_staff_totp(self, token):
        """Start setting up two-step sign-in (signed in, or made to at sign-in): the secret to enter in an app."""
        _, user = staff_sessions.pending(self.db, token, {SIGNED_IN, ENROLLING})
        answer = staff_totp.begin(user, self.data_keys)
        self.db.commit()
        return answer

    @public_rpc
    def confirm_staff_totp(self, token, code, address=None):
        """Turn two-step sign-in on with a first code; return the recovery codes (and, at sign-in, the session)."""
        values = load_or_raise(TwoStepCodeSchema, {"code": code})
        row, user = staff_sessions.pending(self.db, token, {SIGNED_IN, ENROLLING})
        codes = staff_totp.confirm(self.db, user, values["code"].strip(), address, self.data_keys)
        answer = {"recovery_codes": codes}
        if row.pending_step == ENROLLING:
            answer["session"] = staff_sessions.finish_pending(self.db, row, user)
        self.db.commit()
        return answer

    @tenant_rpc
    def get_staff_security(self):
        """The caller's two-step sign-in: on or off, required or not, recovery codes left."""
        user = access.signed_in_staff(self.db, self.ctx)
        return {"two_step": staff_totp.enabled(user), "required": self._staff_two_step_required(user),
                "recovery_codes_left": staff_totp.recovery_codes_left(self.db, user)}

    @tenant_rpc
    def disable_staff_totp(self, data):
        user = access.signed_in_staff(self.db, self.ctx)
        values = load_or_raise(PasswordSchema, data)
        staff_totp.disable(self.db, user, values["password"], self._staff_two_step_required(user))
        self.db.commit()
        return {}

    @tenant_rpc
    def change_staff_password(self, data, keep_session=None):
        """Change the caller's password; every session of theirs but ``keep_session`` (their token) ends."""
        user = access.signed_in_staff(self.db, self.ctx)
        staff_credentials.change_password(self.db, user, load_or_raise(ChangePasswordSchema, data), keep_session)
        self.db.commit()
        return {}

    @public_rpc
    def request_staff_password_reset(self, data, address=None):
        """Email a reset link; the same answer whether or not a staff member has that address."""
        answer = staff_credentials.request_reset(self.db, self.outbox, load_or_raise(StaffEmailSchema, data),
                                                 address)
        self.db.commit()
        return answer

    @public_rpc
    def check_staff_reset(self, token):
        return staff_credentials.describe(staff_credentials.live_reset(self.db, token))

    @public_rpc
    def reset_staff_password(self, token, data):
        """Set a new password through a reset link; every session of the staff member ends."""
        reset = staff_credentials.live_reset(self.db, token)
        answer = staff_credentials.reset_password(self.db, reset, load_or_raise(NewPasswordSchema, data))
        self.db.commit()
        return answer

    def _staff_two_step_required(self, user):
        return general_settings(self.db, user.tenant_id)["require_staff_two_step"]

