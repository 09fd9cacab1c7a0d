"""Rows nested in a FlaskForm (FormField / FieldList): plain WTForms forms that use
Flask-WTF's translations too, so their validation messages ("Number must be between…")
come in the page's language like the outer form's. Plain `wtforms.Form` would say them
in English on a Polish page."""

from flask_wtf.i18n import translations
from wtforms import Form


class SubForm(Form):
    class Meta:
        def get_translations(self, form):
            return translations
