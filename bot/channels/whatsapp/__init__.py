"""WhatsApp through Twilio, in one place: the adapter (receive a form, send a message, its
pacing), the webhooks (signed requests in) and the delivery status callbacks."""

from bot.channels.whatsapp.adapter import (
    CHANNEL,
    ERROR_OUTSIDE_WINDOW,
    MAX_BODY,
    MAX_MEDIA,
    MEDIA_TYPES,
    UNREACHABLE_CODES,
    WHATSAPP_DEFAULT_PER_SECOND,
    WINDOW,
    BaseUrlHttpClient,
    WhatsAppChannel,
    keyword,
    maybe_sent,
    parse_twilio_form,
    render_whatsapp,
    result_of_error,
    template_variables,
    whatsapp_calls,
)

__all__ = [
    "CHANNEL",
    "ERROR_OUTSIDE_WINDOW",
    "MAX_BODY",
    "MAX_MEDIA",
    "MEDIA_TYPES",
    "UNREACHABLE_CODES",
    "WHATSAPP_DEFAULT_PER_SECOND",
    "WINDOW",
    "BaseUrlHttpClient",
    "WhatsAppChannel",
    "keyword",
    "maybe_sent",
    "parse_twilio_form",
    "render_whatsapp",
    "result_of_error",
    "template_variables",
    "whatsapp_calls",
]
