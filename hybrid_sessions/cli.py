"""Command line: `flask --app wsgi create-moderator EMAIL --password PASSWORD` and friends.

`flask --app wsgi db upgrade` comes from Flask-Migrate.
"""

from pathlib import Path

import click
from flask import Flask

from .services import accounts
from .services.errors import DomainError


def register(app: Flask) -> None:
    @app.cli.command("create-moderator")
    @click.argument("email")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    @click.option("--name", default=None, help="The name shown to other moderators.")
    def create_moderator(email: str, password: str, name: str | None) -> None:
        """Create a moderator account, or reset its password and re-enable it."""
        try:
            moderator, created = accounts.create_or_update_moderator(email, password, name)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        click.echo(f"{'Created' if created else 'Updated'} moderator {moderator.email}")

    @app.cli.command("disable-moderator")
    @click.argument("email")
    def disable_moderator(email: str) -> None:
        """Disable a moderator account: it can no longer sign in or moderate."""
        try:
            moderator = accounts.set_moderator_active(email, False)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        click.echo(f"Disabled moderator {moderator.email}")

    @app.cli.command("list-tokens")
    @click.argument("email")
    def list_tokens(email: str) -> None:
        """List a moderator's API tokens (id, issued, expires); never the tokens themselves."""
        from .models.types import utcnow

        try:
            tokens = accounts.list_tokens(email)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        now = utcnow()
        for token in tokens:
            state = "valid" if token.expires_at > now else "expired"
            click.echo(
                f"{token.id}\tissued {token.created_at:%Y-%m-%d %H:%M} UTC"
                f"\texpires {token.expires_at:%Y-%m-%d %H:%M} UTC\t{state}"
            )
        click.echo(f"{len(tokens)} token(s)")

    @app.cli.command("revoke-tokens")
    @click.argument("email")
    @click.option(
        "--id", "token_id", type=int, default=None, help="Revoke only this token (see list-tokens)."
    )
    def revoke_tokens(email: str, token_id: int | None) -> None:
        """Revoke a moderator's API tokens: requests and sockets using them are refused."""
        try:
            revoked = accounts.revoke_tokens(email, token_id)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        click.echo(f"Revoked {revoked} token(s)")

    @app.cli.command("import-programme")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_programme(path: Path) -> None:
        """Create an event from a JSON or YAML programme, or update the one with its slug."""
        from .programme_file import read_programme
        from .services.events.programme import import_event

        try:
            event, created = import_event(read_programme(path, app.config["DEFAULT_TIMEZONE"]))
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        click.echo(f"{'Created' if created else 'Updated'} event {event.slug}")

    @app.cli.command("load-demo")
    def load_demo_command() -> None:
        """Load the demo session (the 2021 panel) and event (Kraków 2014) if not there yet."""
        from .demo import load_demo

        email, password = load_demo()
        click.echo(f"Demo loaded; moderator {email}" + (f" / {password}" if password else ""))
