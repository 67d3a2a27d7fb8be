"""The local SQLite store: models, migrations and opening a profile's database."""
