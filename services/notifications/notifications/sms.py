"""What every SMS adapter provides (delivery.py holds the built-in ones, sms_twilio.py Twilio's)."""

SMS_TIMEOUT_SECONDS = 15


class SmsNotSent(Exception):
    """The provider did not take the text; ``permanent`` says whether trying again can help."""

    def __init__(self, text, permanent):
        super().__init__(text)
        self.permanent = permanent


class SmsProvider:
    """What an SMS gateway adapter provides: send one text, return a note for the mailbox."""

    def send(self, to, text):
        raise NotImplementedError
