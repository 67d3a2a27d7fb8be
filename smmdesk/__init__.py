"""SMM Desk: an offline-first desktop workspace for a solo social-media manager."""

__version__ = "0.1.0"
APP_NAME = "SMM Desk"
APP_ID = "smmdesk"
