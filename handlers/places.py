"""A shared location pin (Telegram or WhatsApp) sets where the member's association is: part of
its profile (handlers/profile.py), changed by its coordinators, also during `/profil modifier`."""

from __future__ import annotations

from handlers.profile import set_place

__all__ = ["set_place"]
