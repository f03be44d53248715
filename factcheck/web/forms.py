"""One form per user action. Validators check shape; services check business rules."""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (BooleanField, DateField, EmailField, FieldList, Form, FormField,
                     HiddenField, IntegerField, PasswordField, SelectField, StringField,
                     SubmitField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, ValidationError

from factcheck.models import MAX_ID, ClaimStatus, Relation, Role, Stance
from factcheck.services.articles import FORMAT_BY_SUFFIX
from factcheck.services.dashboard import UNCHECKED
from factcheck.text.clean import drop_control_characters
from factcheck.verdicts import SCALE

ARTICLE_SUFFIXES = [suffix.lstrip(".") for suffix in FORMAT_BY_SUFFIX]


def _strip_controls(value: object) -> object:
    """Drop control characters (NUL and friends) from text fields before anything sees them."""
    return drop_control_characters(value) if isinstance(value, str) else value


class _StripControlsMeta:
    def bind_field(self, form, unbound_field, options):  # noqa: ANN001, ANN201
        if issubclass(unbound_field.field_class, (StringField, TextAreaField)):
            options["filters"] = [_strip_controls, *unbound_field.kwargs.get("filters", ())]
        return unbound_field.bind(form=form, **options)


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
    format = SelectField("The pasted text is", default="text", choices=[
        SelectChoice("text", "Plain text"), SelectChoice("markdown", "Markdown"),
        SelectChoice("html", "HTML")])
    file = FileField("…or upload a file (.txt, .md, .html; up to 2 MB)", validators=[
        FileAllowed(ARTICLE_SUFFIXES, "Upload a .txt, .md or .html file.")])
    submit = SubmitField("Ingest article")

    def validate_body(self, field: TextAreaField) -> None:
        if not (field.data or "").strip() and not self.file.data:
            raise ValidationError("Paste the article text or upload a file: the article is empty.")


class ArticleUrlForm(BaseForm):
    """Fetch an article from its address: its text and metadata come from the page."""

    page_url = StringField("Article address", validators=[
        DataRequired("Give the article's address."), URL(require_tld=False,
                                                         message="Give an http(s):// address."),
        Length(max=2000)])
    page_outlet = StringField("Publisher (default: the site's name)",
                              validators=[Optional(), Length(max=200)])
    fetch = SubmitField("Fetch and ingest")


class RevisionForm(BaseForm):
    """The editor's new text for an article: stored as its next revision."""

    title = StringField("Title", validators=[DataRequired(), Length(max=500)])
    body = TextAreaField("Article text", validators=[
        DataRequired("The article is empty: paste or write its text.")])
    is_draft = BooleanField("Still a draft: not published yet")
    base_revision = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Re-submit and check again")

    def validate_base_revision(self, field: HiddenField) -> None:
        if not str(field.data or "").isdigit() or not 0 < int(field.data) <= 1_000_000:
            raise ValidationError("The form lost track of the revision: reload the page.")


class SourceForm(Form):
    """One source of a verdict; rows left empty are ignored."""

    class Meta(_StripControlsMeta):
        pass

    url = StringField("URL", validators=[Length(max=2000)])
    title = StringField("Title", validators=[Optional(), Length(max=500)])
    publisher = StringField("Publisher", validators=[Optional(), Length(max=200)])
    quote = TextAreaField("Quote", validators=[Optional(), Length(max=5000)])
    stance = SelectField("Stance", default=Stance.CONTEXT.value,
                         choices=[SelectChoice(s.value, s.value) for s in Stance])

    def validate_url(self, field: StringField) -> None:
        if field.data:
            URL(require_tld=False)(self, field)
        elif self.title.data or self.quote.data or self.publisher.data:
            raise ValidationError("A source needs a URL.")


MAX_SOURCES = 20


class VerdictForm(BaseForm):
    rating = SelectField("Rating", validators=[DataRequired("Choose a rating.")], choices=[
        SelectChoice("", "— choose a rating —"), *(SelectChoice(r.key, r.label) for r in SCALE)])
    conclusion = StringField("Conclusion (one line)", validators=[Optional(), Length(max=500)])
    explanation = TextAreaField("Explanation (Markdown)",
                                validators=[Optional(), Length(max=20000)])
    correction_reason = StringField("What was wrong with the published verdict",
                                    validators=[Optional(), Length(max=500)])
    sources = FieldList(FormField(SourceForm), min_entries=2, max_entries=MAX_SOURCES)
    # Without JavaScript, "add a source" sends the form back with one more empty row.
    add_source = SubmitField("Add a source")
    save_draft = SubmitField("Save draft")
    publish = SubmitField("Publish verdict")

    def validate(self, extra_validators: object = None) -> bool:
        valid = super().validate(extra_validators)
        # FieldList keeps the first MAX_SOURCES rows and drops the others without a word:
        # count the filled rows that were sent, so no source is lost silently.
        filled = {key.split("-", 2)[1] for key, value in request.form.items(multi=True)
                  if key.startswith("sources-") and key.endswith(("-url", "-title", "-quote",
                                                                  "-publisher"))
                  and value.strip()}
        if len(filled) > MAX_SOURCES:
            self.form_errors.append(f"A verdict can have at most {MAX_SOURCES} sources; "
                                    f"{len(filled)} were filled in. Keep the strongest ones.")
            return False
        return valid


class EditClaimForm(BaseForm):
    text = TextAreaField("Claim text", validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField("Save claim text")


class SplitClaimForm(BaseForm):
    texts = TextAreaField("Split into (one claim per line)",
                          validators=[DataRequired(), Length(max=10000)])
    submit = SubmitField("Split claim")


class MergeClaimForm(BaseForm):
    other_id = IntegerField("Merge claim number … into this one",
                            validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)])
    submit = SubmitField("Merge")


class DismissClaimForm(BaseForm):
    reason = StringField("Reason it is not checkable",
                         validators=[DataRequired(), Length(max=500)])
    submit = SubmitField("Dismiss claim")


class LinkForm(BaseForm):
    other_id = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)])
    # Nothing is chosen for the checker: a weak candidate shows no relation until one is picked.
    relation = SelectField("Relation", default="", choices=[SelectChoice("", "relation…")] + [
        SelectChoice(r.value, r.value) for r in Relation])
    # Needed to confirm as same/paraphrase a pair below the suggestion threshold.
    reason = StringField("Why they make the same claim",
                         validators=[Optional(), Length(max=500)])
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
    version = IntegerField(validators=[
        DataRequired("The form does not say which version of the verdict you read: reload the "
                     "page and review it again."), NumberRange(min=1, max=MAX_ID)])
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

    status = SelectField("Status", default="open", choices=[
        SelectChoice("open", "open (new, in review, checked)"),
        *(SelectChoice(s.value, s.value.replace("_", " ")) for s in ClaimStatus),
        SelectChoice("all", "all")])
    assignee = SelectField("Assignee", default="", validate_choice=False)
    article = IntegerField("Article number",
                           validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
    outlet = SelectField("Outlet", default="", validate_choice=False)
    kind = SelectField("Kind", default="", validate_choice=False)
    page = IntegerField(default=1, validators=[Optional(), NumberRange(min=1, max=1_000_000)])


class DashboardForm(BaseForm):
    class Meta:
        csrf = False  # GET filters change nothing

    outlet = SelectField("Outlet", default="", choices=[])
    date_from = DateField("Articles from", validators=[Optional()])
    date_to = DateField("to", validators=[Optional()])
    verdict = SelectField("Verdict", default="", choices=[
        SelectChoice("", "every flagged statement"),
        SelectChoice(UNCHECKED, "not yet checked"),
        *(SelectChoice(r.key, r.label) for r in SCALE)])

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
    role = SelectField("Role", default=Role.CHECKER.value,
                       choices=[SelectChoice(r.value, r.value) for r in Role])
    password = PasswordField("Password (at least 10 characters)",
                             validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Create user")


class RoleForm(BaseForm):
    role = SelectField("Role", choices=[SelectChoice(r.value, r.value) for r in Role])
    submit = SubmitField("Change role")


class ActiveForm(BaseForm):
    deactivate = SubmitField("Deactivate")
    activate = SubmitField("Activate")


class ResetPasswordForm(BaseForm):
    submit = SubmitField("Reset password")
