"""Account forms."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length


class LoginForm(FlaskForm):
    email = EmailField("Alamat email", validators=[DataRequired("Isi alamat email."),
                                                   Email("Alamat email tidak valid."), Length(max=254)])
    password = PasswordField("Kata sandi", validators=[DataRequired("Isi kata sandi."), Length(max=200)])
    remember = BooleanField("Ingat saya di perangkat ini")
