"""One form per user action. Validators check shape; services check business rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, ValidationError

from factcheck.models import MAX_ID, ClaimStatus, Relation, Role, Stance
from factcheck.services.articles import FORMAT_BY_SUFFIX
from factcheck.services.dashboard import UNCHECKED
from factcheck.services.errors import ServiceError
from factcheck.services.reviews import CONCLUSION_NEEDED, REASON_NEEDED, SOURCE_NEEDED
from factcheck.text.clean import drop_control_characters
from factcheck.verdicts import SCALE

ARTICLE_SUFFIXES = [suffix.lstrip(".") for suffix in FORMAT_BY_SUFFIX]


def _strip_controls(value: object) -> object:
    """Drop control characters (NUL and friends) from text fields before anything sees them."""
    return drop_control_characters(value) if isinstance(value, str) else value


class _StripControlsMeta:
    def bind_field(self, form, unbound_field, options):
        if issubclass(unbound_field.field_class, (StringField, TextAreaField)):
            options["filters"] = [_strip_controls, *unbound_field.kwargs.get("filters", ())]
        return unbound_field.bind(form=form, **options)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing to fix in a submitted form, as the error summary lists it."""

    field_id: str | None  # the field to jump to; None for the form as a whole
    label: str
    message: str


def _field_problems(fields: Iterable[Field], prefix: str = "") -> Iterator[Problem]:
    for f in fields:
        if isinstance(f, FieldList):
            singular = f.label.text.removesuffix("s")
            for number, entry in enumerate(f.entries, 1):
                sub = entry.form if isinstance(entry, FormField) else [entry]
                yield from _field_problems(sub, f"{singular} {number}, ")
        elif isinstance(f, FormField):
            yield from _field_problems(f.form, prefix)
        else:
            hidden = f.widget.input_type == "hidden" if hasattr(f.widget, "input_type") else False
            for message in f.errors:
                label = prefix + (f.label.text if f.label else f.name)
                yield Problem(None if hidden else f.id, label.rstrip(": "), message)


def form_problems(form: Form) -> list[Problem]:
    """Return every error of a submitted FORM, form-wide ones first, fields in page order."""
    return [Problem(None, "", m) for m in form.form_errors] + list(_field_problems(form))


def find_field(form: Form, field_id: str) -> Field | None:
    """Return the field of FORM (nested ones too) whose id is FIELD_ID."""
    for f in form:
        if f.id == field_id:
            return f
        if isinstance(f, FieldList):
            for entry in f.entries:
                found = (
                    find_field(entry.form, field_id)
                    if isinstance(entry, FormField)
                    else entry
                    if entry.id == field_id
                    else None
                )
                if found is not None:
                    return found
        elif isinstance(f, FormField):
            found = find_field(f.form, field_id)
            if found is not None:
                return found
    return None


def add_service_error(form: Form, error: ServiceError, default: str | None = None) -> None:
    """Show a service's ERROR on the field it names (else DEFAULT, else the whole form)."""
    target = find_field(form, error.field or default or "") if (error.field or default) else None
    if target is None:
        form.form_errors.append(error.message)
    else:
        target.errors = [*target.errors, error.message]


class BaseForm(FlaskForm):
    """Every form of the app: CSRF-protected (FlaskForm), control characters removed."""

    class Meta(_StripControlsMeta):
        pass


class LoginForm(BaseForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Log in")


class LogoutForm(BaseForm):
    submit = SubmitField("Log out")


class ArticleForm(BaseForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=500)])
    url = StringField("URL", validators=[Optional(), URL(require_tld=False), Length(max=2000)])
    outlet = StringField("Outlet", validators=[Optional(), Length(max=200)])
    published_on = DateField("Published on", validators=[Optional()])
    body = TextAreaField("Article text")
    is_draft = BooleanField("This is a draft: not published yet")
    format = SelectField(
        "The pasted text is",
        default="text",
        choices=[
            SelectChoice("text", "Plain text"),
            SelectChoice("markdown", "Markdown"),
            SelectChoice("html", "HTML"),
        ],
    )
    file = FileField(
        "…or upload a file (.txt, .md, .html; up to 2 MB)",
        validators=[FileAllowed(ARTICLE_SUFFIXES, "Upload a .txt, .md or .html file.")],
    )
    submit = SubmitField("Ingest article")

    def validate_body(self, field: TextAreaField) -> None:
        if not (field.data or "").strip() and not self.file.data:
            raise ValidationError("Paste the article text or upload a file: the article is empty.")


class ArticleUrlForm(BaseForm):
    """Fetch an article from its address: its text and metadata come from the page."""

    page_url = StringField(
        "Article address",
        validators=[
            DataRequired("Give the article's address."),
            URL(require_tld=False, message="Give an http(s):// address."),
            Length(max=2000),
        ],
    )
    page_outlet = StringField(
        "Publisher (default: the site's name)", validators=[Optional(), Length(max=200)]
    )
    fetch = SubmitField("Fetch and ingest")


class RevisionForm(BaseForm):
    """The editor's new text for an article: stored as its next revision."""

    title = StringField("Title", validators=[DataRequired(), Length(max=500)])
    body = TextAreaField(
        "Article text", validators=[DataRequired("The article is empty: paste or write its text.")]
    )
    is_draft = BooleanField("Still a draft: not published yet")
    base_revision = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Re-submit and check again")

    def validate_base_revision(self, field: HiddenField) -> None:
        if not str(field.data or "").isdigit() or not 0 < int(field.data) <= 1_000_000:
            raise ValidationError("The form lost track of the revision: reload the page.")


URL_HELP = "Start with https:// (or http://), e.g. https://example.org/report."
URL_MESSAGE = "Give the full address, starting with https:// (e.g. https://example.org/report)."


class SourceForm(Form):
    """One source of a verdict; rows left empty are ignored."""

    class Meta(_StripControlsMeta):
        pass

    url = StringField("URL", description=URL_HELP, validators=[Length(max=2000)])
    title = StringField("Title", validators=[Optional(), Length(max=500)])
    publisher = StringField("Publisher", validators=[Optional(), Length(max=200)])
    quote = TextAreaField("Quote", validators=[Optional(), Length(max=5000)])
    stance = SelectField(
        "Stance",
        default=Stance.CONTEXT.value,
        choices=[SelectChoice(s.value, s.value) for s in Stance],
    )

    def validate_url(self, field: StringField) -> None:
        if field.data:
            URL(require_tld=False, message=URL_MESSAGE)(self, field)
        elif self.title.data or self.quote.data or self.publisher.data:
            raise ValidationError("A source needs a URL: " + URL_HELP[0].lower() + URL_HELP[1:])


MAX_SOURCES = 20


class VerdictForm(BaseForm):
    rating = SelectField(
        "Rating",
        validators=[DataRequired("Choose a rating.")],
        choices=[
            SelectChoice("", "— choose a rating —"),
            *(SelectChoice(r.key, r.label) for r in SCALE),
        ],
    )
    conclusion = StringField("Conclusion (one line)", validators=[Optional(), Length(max=500)])
    explanation = TextAreaField(
        "Explanation (Markdown)", validators=[Optional(), Length(max=20000)]
    )
    correction_reason = StringField(
        "What was wrong with the published verdict", validators=[Optional(), Length(max=500)]
    )
    sources = FieldList(FormField(SourceForm), min_entries=2, max_entries=MAX_SOURCES)
    # Without JavaScript, "add a source" sends the form back with one more empty row.
    add_source = SubmitField("Add a source")
    save_draft = SubmitField("Save draft")
    publish = SubmitField("Publish verdict")
    # Set by the view before validating: a published verdict is being corrected, so a reason
    # is needed to publish.
    corrects_verdict = False

    def validate(self, extra_validators: object = None) -> bool:
        valid = super().validate(extra_validators)
        # What publishing needs, checked with the rest so that one submit reports every
        # problem (the service checks the same again).
        if self.publish.data:
            if not " ".join((self.conclusion.data or "").split()) and not self.conclusion.errors:
                self.conclusion.errors.append(CONCLUSION_NEEDED)
            if not any(entry.form.url.data for entry in self.sources.entries):
                first = self.sources.entries[0].form.url
                if not first.errors:
                    first.errors.append(SOURCE_NEEDED)
            reason = self.correction_reason
            if self.corrects_verdict and not (reason.data or "").strip() and not reason.errors:
                reason.errors.append(REASON_NEEDED)
            valid = valid and not (
                self.conclusion.errors or self.sources.entries[0].form.url.errors or reason.errors
            )
        # FieldList keeps the first MAX_SOURCES rows and drops the others without a word:
        # count the filled rows that were sent, so no source is lost silently.
        filled = {
            key.split("-", 2)[1]
            for key, value in request.form.items(multi=True)
            if key.startswith("sources-")
            and key.endswith(("-url", "-title", "-quote", "-publisher"))
            and value.strip()
        }
        if len(filled) > MAX_SOURCES:
            self.form_errors.append(
                f"A verdict can have at most {MAX_SOURCES} sources; "
                f"{len(filled)} were filled in. Keep the strongest ones."
            )
            return False
        return valid


class EditClaimForm(BaseForm):
    text = TextAreaField("Claim text", validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField("Save claim text")


class SplitClaimForm(BaseForm):
    texts = TextAreaField(
        "Split into (one claim per line)", validators=[DataRequired(), Length(max=10000)]
    )
    submit = SubmitField("Split claim")


class MergeClaimForm(BaseForm):
    other_id = IntegerField(
        "Merge claim number … into this one",
        validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)],
    )
    submit = SubmitField("Merge")


class DismissClaimForm(BaseForm):
    reason = StringField("Reason it is not checkable", validators=[DataRequired(), Length(max=500)])
    submit = SubmitField("Dismiss claim")


class LinkForm(BaseForm):
    other_id = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)])
    # Nothing is chosen for the checker: a weak candidate shows no relation until one is picked.
    relation = SelectField(
        "Relation",
        default="",
        choices=[SelectChoice("", "relation…")]
        + [SelectChoice(r.value, r.value) for r in Relation],
    )
    # Needed to confirm as same/paraphrase a pair below the suggestion threshold.
    reason = StringField("Why they make the same claim", validators=[Optional(), Length(max=500)])
    confirm = SubmitField("Confirm link")
    reject = SubmitField("Reject")

    def validate_relation(self, field: SelectField) -> None:
        if self.confirm.data and not field.data:
            raise ValidationError("Choose how the two claims relate before confirming the link.")


class ApproveLinkForm(BaseForm):
    """A second checker's approval of a verdict-carrying link, naming the relation read."""

    other_id = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)])
    relation = SelectField("Relation", choices=[SelectChoice(r.value, r.value) for r in Relation])
    submit = SubmitField("Approve link")


class NextForm(BaseForm):
    """A button that changes one thing and returns to the page it was pressed on."""

    next = HiddenField(validators=[Optional(), Length(max=2000)])


class AssignForm(NextForm):
    submit = SubmitField("Assign to me")


class UnassignForm(NextForm):
    submit = SubmitField("Unassign")


class RequestCheckForm(NextForm):
    submit = SubmitField("Request a check")


class ApproveForm(BaseForm):
    review_id = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)])
    # The version of the verdict the approver read: a newer one is not signed off.
    version = IntegerField(
        validators=[
            DataRequired(
                "The form does not say which version of the verdict you read: reload the "
                "page and review it again."
            ),
            NumberRange(min=1, max=MAX_ID),
        ]
    )
    submit = SubmitField("Approve and publish")


class ReturnForm(BaseForm):
    review_id = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)])
    reason = StringField("What should change", validators=[DataRequired(), Length(max=500)])
    submit = SubmitField("Send back to the author")


class ReopenForm(BaseForm):
    submit = SubmitField("Reopen claim")


class QueueFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    status = SelectField(
        "Status",
        default="open",
        choices=[
            SelectChoice("open", "open (new, in review, checked)"),
            *(SelectChoice(s.value, s.value.replace("_", " ")) for s in ClaimStatus),
            SelectChoice("all", "all"),
        ],
    )
    assignee = SelectField("Assignee", default="", validate_choice=False)
    article = IntegerField(
        "Article number", validators=[Optional(), NumberRange(min=1, max=MAX_ID)]
    )
    outlet = SelectField("Outlet", default="", validate_choice=False)
    kind = SelectField("Kind", default="", validate_choice=False)
    language = SelectField("Language", default="", validate_choice=False)
    page = IntegerField(default=1, validators=[Optional(), NumberRange(min=1, max=1_000_000)])


class DashboardForm(BaseForm):
    class Meta:
        csrf = False  # GET filters change nothing

    outlet = SelectField("Outlet", default="", choices=[])
    language = SelectField("Language", default="", choices=[])
    date_from = DateField("Articles from", validators=[Optional()])
    date_to = DateField("to", validators=[Optional()])
    verdict = SelectField(
        "Verdict",
        default="",
        choices=[
            SelectChoice("", "every flagged statement"),
            SelectChoice(UNCHECKED, "not yet checked"),
            *(SelectChoice(r.key, r.label) for r in SCALE),
        ],
    )

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")


class SearchForm(BaseForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField("Search stored claims", validators=[DataRequired(), Length(max=2000)])


class CreateUserForm(BaseForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    name = StringField("Name", validators=[Optional(), Length(max=120)])
    role = SelectField(
        "Role", default=Role.CHECKER.value, choices=[SelectChoice(r.value, r.value) for r in Role]
    )
    password = PasswordField(
        "Password (at least 10 characters)", validators=[DataRequired(), Length(max=200)]
    )
    submit = SubmitField("Create user")


class RoleForm(BaseForm):
    role = SelectField("Role", choices=[SelectChoice(r.value, r.value) for r in Role])
    submit = SubmitField("Change role")


class ActiveForm(BaseForm):
    deactivate = SubmitField("Deactivate")
    activate = SubmitField("Activate")


class ResetPasswordForm(BaseForm):
    submit = SubmitField("Reset password")


class PublishingForm(BaseForm):
    """Who publishes our verdicts and where people read them (services.settings)."""

    name = StringField(
        "Publisher name",
        description="The organisation named as the author of every ClaimReview.",
        validators=[DataRequired("Give the publisher's name."), Length(max=200)],
    )
    site = StringField(
        "Publisher site",
        description="Its web site as a host name, e.g. desk.example.org (no https://).",
        validators=[DataRequired("Give the publisher's site."), Length(max=253)],
    )
    base_url = StringField(
        "Public base URL",
        description="Where people read our verdicts; start with https://, e.g. "
        "https://desk.example.org. Empty: the address each request came to.",
        validators=[Optional(), Length(max=2000)],
    )
    submit = SubmitField("Save settings")


class CreateTokenForm(BaseForm):
    """An API token for a user: shown once, then only its first characters."""

    email = EmailField(
        "User's email",
        description="The token acts as this user.",
        validators=[DataRequired("Give the email of the user the token acts as."), Length(max=254)],
    )
    name = StringField(
        "Name",
        description="Who or what uses it, e.g. “CMS plug-in”.",
        validators=[DataRequired("Give the token a name."), Length(max=120)],
    )
    scope = SelectField(
        "Scope",
        default="read",
        choices=[
            SelectChoice("read", "read: search and read verdicts"),
            SelectChoice("write", "write: also submit articles and claims"),
        ],
    )
    submit = SubmitField("Create token")


class AskForm(BaseForm):
    """A reader's request (/ask). `website` is a honeypot: hidden from people, filled by bots;
    `started` is the signed time the form was shown."""

    claim = TextAreaField("The claim you saw", validators=[Optional(), Length(max=10_000)])
    url = StringField(
        "Where you saw it (a web address)",
        validators=[Optional(), URL(require_tld=False), Length(max=2000)],
    )
    note = TextAreaField("Anything we should know (optional)", validators=[Length(max=10_000)])
    email = EmailField(
        "Your email, to be told the verdict (optional)",
        validators=[Optional(), Length(max=254)],
    )
    website = StringField("Leave this field empty", validators=[Length(max=2000)])
    started = HiddenField()
    submit = SubmitField("Send")


class StopEmailsForm(BaseForm):
    submit = SubmitField("Stop emails")


class MoveRequestsForm(BaseForm):
    """Move readers' requests to another claim (merge) or to a new claim (split)."""

    requests = SelectMultipleField("Requests", coerce=int, validate_choice=False)
    target = IntegerField("Claim number", validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
    merge = SubmitField("Move to that claim")
    split = SubmitField("Move to a new claim")
