"""Security questions: the client's answers, stored hashed, asked again before a password reset."""
from accounts.passwords import hash_password, verify_password
from shared.errors import PermissionDenied, invalid
from shared.i18n import _


def questions_of(user, settings):
    """List the questions ``user`` answered, or none while the General tab leaves them off."""
    if not settings["security_questions_enabled"] or not user.security_answers:
        return []
    return [item["question"] for item in user.security_answers]


def _normalise(answer):
    return " ".join(answer.lower().split())


def require_enabled(settings):
    """Refuse when the General tab does not use security questions."""
    if not settings["security_questions_enabled"]:
        raise PermissionDenied(_("Security questions are not used by this portal."))


def set_answers(user, values):
    """Store the client's questions with their answers hashed; each question once."""
    questions = [item["question"] for item in values["answers"]]
    if len(set(questions)) != len(questions):
        raise invalid("answers", _("Choose a different question for each answer."))
    user.security_answers = [{"question": item["question"],
                              "answer_hash": hash_password(_normalise(item["answer"]))}
                             for item in values["answers"]]


def check_answers(user, answers, settings):
    """Raise InvalidInput on ``answers`` unless they match the ones on file (when questions are asked)."""
    questions = questions_of(user, settings)
    if not questions:
        return
    if len(answers) != len(questions) or not all(
            verify_password(stored["answer_hash"], _normalise(given))
            for stored, given in zip(user.security_answers, answers)):
        raise invalid("answers", _("The answers do not match the ones on file."))
